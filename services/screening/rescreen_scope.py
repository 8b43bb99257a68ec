"""Which subjects a list update may change, and which entries each is screened on again.

The changed entries' match keys find the candidates; a cheap bound and a pair score keep those
whose result may change. A subject is then screened again as a full screen would screen it, but
only on the entries its new result may hold other than before: its hits, and the changed
entries its parties share a key with. Any other entry is one it did not match and the update
left as it was, unless the update moved it otherwise: the weights of the words it adds or
removes move the scores of other names too, and the names it adds or removes join or leave
the few a party's words retrieve (list_moves.py). The subjects those may change are found by
their own keys and screened again in full, first; the subjects with a hit on an unchanged
entry are still screened on their hit entries, and screened again when one is gone.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Collection, Sequence
from dataclasses import dataclass

from services.screening.list_diff import ListChange
from services.screening.list_moves import ListMoves, WordedLists, moved_keys
from services.screening.match_keys import (
    NO_RULES,
    KeyRules,
    MatchKey,
    WordWeights,
    hit_key,
    listed_keys,
    party_keys,
)
from services.screening.matching import MatchPolicy
from services.screening.matching.prepared_party import PreparedParty
from services.screening.pair_bound import PairBound
from services.screening.rescreen_screens import PairScore, PairScorer, Scoped, named_parties
from services.screening.screened_subjects import Candidate, ScreenedSubject, ScreenedSubjects

YIELD_EVERY = 20  # subjects handled between two turns given to the event loop


class LikelyToChange:
    """The subjects a list update may change, found a chunk at a time so that their new results
    can go out while the rest are looked at: those what else the update moved may change
    (screened in full), the candidates sharing a key with the update (each with the changed
    entries it may now match; all of them screened in full without a scorer of the current
    lists), then the subjects whose hit on an unchanged entry a full screen no longer finds."""

    def __init__(
        self,
        found: UpdateKeys,
        changes: Sequence[ListChange],
        scorer: PairScorer | None,
        match: MatchPolicy,
        candidates: Sequence[Candidate],
        with_hits: Sequence[ScreenedSubject],
        moved: Sequence[Scoped] = (),
    ) -> None:
        self.found = found
        self.candidates, self.moved = candidates, moved
        self.changes, self.scorer = changes, scorer
        self.change_of = {change.entry_id: change for change in changes}
        self._match, self._with_hits = match, with_hits

    @classmethod
    async def read(
        cls,
        subjects: ScreenedSubjects,
        changes: Sequence[ListChange],
        scorer: PairScorer | None,
        match: MatchPolicy,
        moves: ListMoves | None = None,
        behind: Sequence[ScreenedSubject] = (),
    ) -> LikelyToChange:
        """The subjects what `moves` may change, those `behind` the lists (screened in full
        too), and the other candidates and subjects with hits, read at once (the chunks'
        transactions then change the subjects they screen again)."""
        found = affected_keys(changes, scorer, KeyRules.of(match))
        moved: list[Scoped] = []
        if scorer is not None and moves is not None:
            moved, every = await moved_subjects(subjects, moves, scorer, match.field_lengths)
            if every:  # each screened in full: no candidate or held hit is left to look at
                return cls(found, changes, scorer, match, [], [], moved)
        if scorer is not None and behind:
            ids = {subject.id for subject in behind}
            moved = [scoped for scoped in moved if scoped.subject.id not in ids]
            moved += [Scoped(subject, whole=True) for subject in behind]
        # Those screened in full are not read twice: neither a candidate nor a hit is left to
        # look at in them.
        whole = [scoped.subject.id for scoped in moved]
        candidates = await subjects.subjects_sharing(found.keys, whole)
        with_hits = await subjects.subjects_with_hits(whole) if scorer is not None else []
        return cls(found, changes, scorer, match, candidates, with_hits, moved)

    @property
    def looked_at(self) -> int:
        """How many subjects were looked at: the candidates and those what moved may change."""
        ids = {c.subject.id for c in self.candidates}
        return len(ids | {scoped.subject.id for scoped in self.moved})

    async def chunks(self, size: int) -> AsyncIterator[list[Scoped]]:
        """The subjects to screen again, about `size` at a time (the last chunk: hits lost)."""
        found, scorer, match = self.found, self.scorer, self._match
        changed = found.touched | {c.entry_id for c in self.changes}
        positions = scorer.entry_positions(changed) if scorer else {}
        scores = None if scorer is None else RememberedScores(scorer)
        bound = None
        if scorer is not None:
            bound = PairBound(scorer, match, (c.entry for c in self.changes if c.entry))
        likely = list(self.moved)
        for start in range(0, len(likely), size):
            yield likely[start : start + size]
        pending: list[Scoped] = []
        seen: dict[tuple[str, str | None], bool] = {}
        for number, candidate in enumerate(self.candidates):
            if number % YIELD_EVERY == 0:
                await asyncio.sleep(0)  # many subjects: let heartbeats and other messages run
            if could_change(
                candidate,
                found,
                scores,
                positions,
                match.hit_threshold,
                match.field_lengths,
                bound,
                seen,
            ):
                pending.append(Scoped(candidate.subject, found.entries_of(candidate)))
            if len(pending) >= size:
                likely += pending
                yield pending
                pending = []
        likely += pending
        if pending:
            yield pending
        if scorer is not None and scores is not None:
            threshold = match.hit_threshold
            lost = await hits_lost(self._with_hits, likely, found, scorer, scores, threshold)
            if lost:
                yield [Scoped(subject) for subject in lost]


@dataclass(frozen=True)
class UpdateKeys:
    """The keys an update looks subjects up by, and which changed entry each key stands for."""

    entries_by_key: dict[MatchKey, set[str]]
    touched: frozenset[str]  # entries changed or removed: subjects that matched them count

    @property
    def keys(self) -> set[MatchKey]:
        """Every key: the changed entries' names, and the hits on changed or removed entries."""
        return {*self.entries_by_key, *(hit_key(entry_id) for entry_id in self.touched)}

    def entries_of(self, candidate: Candidate) -> frozenset[str]:
        """The changed entries the candidate's parties share a key with."""
        return frozenset(e for key in candidate.keys for e in self.entries_by_key.get(key, ()))


def affected_keys(
    changes: Sequence[ListChange], weights: WordWeights | None = None, rules: KeyRules = NO_RULES
) -> UpdateKeys:
    """The keys of the subjects an update may affect: parties that could match an added or
    changed entry, and subjects whose latest result matched a changed or removed one."""
    entries_by_key: dict[MatchKey, set[str]] = {}
    for change in changes:
        if change.entry is not None:
            for key in listed_keys(change.entry, weights, rules):
                entries_by_key.setdefault(key, set()).add(change.entry_id)
    touched = frozenset(change.entry_id for change in changes if change.change != "added")
    return UpdateKeys(entries_by_key, touched)


def could_change(
    candidate: Candidate,
    found: UpdateKeys,
    scorer: PairScore | None,
    positions: dict[str, list[int]],
    threshold: float,
    field_lengths: tuple[int, ...] = (20, 35),
    bound: PairBound | None = None,
    seen: dict[tuple[str, str | None], bool] | None = None,
) -> bool:
    """Whether screening the candidate again may change its result: it matched a changed or
    removed entry, or one of its parties scores a hit against an entry that party shares a key
    with (a party that shares none with an entry cannot be paired with it by the matcher).
    `seen` keeps the answer for each party's name and country: names recur across cases."""
    subject = candidate.subject
    if subject.hits & found.touched:
        return True
    if scorer is None:
        return any(key in found.entries_by_key for key in candidate.keys)
    seen = {} if seen is None else seen
    for _, party in subject.application.parties():
        named = (party.name, party.address.country)
        if named not in seen:
            # The keys a party shares with the update are its own keys among the update's.
            shared = candidate.keys & party_keys(party.name, field_lengths)
            entries = {e for key in shared for e in found.entries_by_key.get(key, ())}
            seen[named] = any(
                scorer.pair_score(*named, position) >= threshold
                for entry_id in entries
                if bound is None or bound.could_hit(party.name, entry_id)
                for position in positions.get(entry_id, ())
            )
        if seen[named]:
            return True
    return False


async def hits_lost(
    with_hits: Sequence[ScreenedSubject],
    likely: Sequence[Scoped],
    found: UpdateKeys,
    lists: PairScorer,
    scores: PairScore,
    threshold: float,
) -> list[ScreenedSubject]:
    """The other subjects with a hit on an entry the update left as it was that a full screen
    no longer finds: an update moves the weight of the words it adds or removes (a score just
    over the threshold can fall under it), and the names it adds may crowd an entry out of the
    few a party's words retrieve. A hit no party's pair score reaches is gone; one reached is
    confirmed by screening that party on the hit entries, as a full screen retrieves them."""
    screened = {s.subject.id for s in likely}
    held = [
        subject
        for subject in with_hits
        if subject.id not in screened and not subject.hits & found.touched
    ]
    positions = lists.entry_positions({entry for subject in held for entry in subject.hits})
    among = frozenset(p for entry in positions.values() for p in entry)
    hits: dict[tuple[str, str | None], set[str]] = {}  # a party's name recurs across cases

    def still_hit(entry_id: str, named: tuple[str, str | None]) -> bool:
        if not any(scores.pair_score(*named, p) >= threshold for p in positions.get(entry_id, ())):
            return False
        if named not in hits:
            hits[named] = {hit.entry_id for hit in lists.screen(*named, among)}
        return entry_id in hits[named]

    lost = []
    for number, subject in enumerate(held):
        if number % YIELD_EVERY == 0:
            await asyncio.sleep(0)
        parties = named_parties(subject.application)
        if not all(any(still_hit(e, named) for named in parties) for e in subject.hits):
            lost.append(subject)
    return lost


class RememberedScores:
    """Pair scores kept for one update: a party's name recurs across cases, and is normalised
    and weighed once for every entry it is scored against."""

    def __init__(self, scorer: PairScorer) -> None:
        self._scorer = scorer
        self._scores: dict[tuple[str, str | None, int], float] = {}
        self._parties: dict[str, PreparedParty | None] = {}

    def entry_positions(self, entry_ids: Collection[str]) -> dict[str, list[int]]:
        """Where entries with these ids stand in the scorer's index."""
        return self._scorer.entry_positions(entry_ids)

    def pair_score(self, party_name: str, country: str | None, position: int) -> float:
        """The scorer's score, computed once per party name, country and entry."""
        key = (party_name, country, position)
        score = self._scores.get(key)
        if score is None:
            if party_name not in self._parties:
                self._parties[party_name] = self._scorer.prepared(party_name)
            party = self._parties[party_name]
            score = self._scores[key] = self._scorer.party_score(party, country, position)
        return score


async def moved_subjects(
    subjects: ScreenedSubjects,
    moves: ListMoves,
    lists: WordedLists,
    field_lengths: Collection[int] = (20, 35),
) -> tuple[list[Scoped], bool]:
    """The subjects what moved in the index may change, each with the parties to screen again
    in full, and whether that is every subject (what moved is not known, or so wide that its
    keys would find about every one)."""
    if moves.nothing:
        return [], False
    keys = None if moves.everything else moved_keys(moves, lists)
    if keys is None:
        return [Scoped(subject, whole=True) for subject in await subjects.every_subject()], True
    found = await subjects.subjects_sharing(keys)
    return [moved_parties(candidate, field_lengths) for candidate in found], False


def moved_parties(candidate: Candidate, field_lengths: Collection[int]) -> Scoped:
    """The candidate to screen again in full: the parties sharing a key with what moved (a
    party's full screen depends on its own name, country and the index alone, so another's is
    as it was); every party if it matched an entry that moved (which party matched it is not
    kept), or if none of its parties' keys is among those it shares (keys kept by other rules)."""
    subject = candidate.subject
    if any(hit_key(entry_id) in candidate.keys for entry_id in subject.hits):
        return Scoped(subject, whole=True)
    moved = frozenset(
        (party.name, party.address.country)
        for _, party in subject.application.parties()
        if not candidate.keys.isdisjoint(party_keys(party.name, field_lengths))
    )
    return Scoped(subject, whole=True, parties=moved or None)
