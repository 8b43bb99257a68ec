"""Use case: after a list update, screen again the subjects whose result the update changes.

The work grows with what the update changed, not with the list or the open caseload: the
changed entries' match keys find the subjects whose parties could match them, and the entries
an update changed or removed find the subjects that matched them; only those are screened
again, in full, against the updated lists. So are the subjects whose hit on an entry the
update left as it was no longer reaches the threshold (the update moved the weight of words
that entry shares with the changed ones). A result is published where it differs in what
matters: a hit on an added or changed entry, or a hit gone.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field, replace
from typing import Protocol, runtime_checkable

from schemas.application import SubmitApplication
from schemas.envelope import Envelope, Publishable, utcnow
from schemas.screening import ListUpdated, ScreeningCompleted
from schemas.topics import Topic
from services.screening.domain import Knowledge, Screening, ScreeningPolicy, screening_result
from services.screening.handlers import KnowledgeSource, result_published
from services.screening.list_diff import ListChange
from services.screening.match_keys import (
    NO_RULES,
    KeyRules,
    MatchKey,
    PairBound,
    WordWeights,
    hit_key,
    listed_keys,
    party_keys,
)
from services.screening.ports import Store, Transaction
from services.screening.rules import parties
from services.screening.screened_subjects import (
    Candidate,
    ScreenedSubject,
    ScreenedSubjects,
    keep_all_screened,
    keep_screened,
    open_case,
    uncleared_hits,
)


class EarlierCases(ScreenedSubjects, Protocol):
    """Open cases that are no screened subject, with their latest result."""

    async def unregistered_open_cases(self) -> list[tuple[str, SubmitApplication, str | None]]: ...


class RescreeningUnitOfWork(Transaction, KnowledgeSource, EarlierCases, Protocol):
    """One transaction over the list changes, the subjects, the results and the outbox."""

    async def list_changes(self, name: str, version: int) -> list[ListChange]: ...
    async def results_found(self, request_ids: Sequence[str]) -> set[str]: ...
    async def add_results(self, results: Sequence[ScreeningCompleted]) -> None: ...
    async def publish_many(self, events: Sequence[tuple[Topic, Publishable]]) -> None: ...


RescreeningStore = Store[RescreeningUnitOfWork]
YIELD_EVERY = 20  # subjects handled between two turns given to the event loop


@dataclass(frozen=True)
class Rescreened:
    """What a list update did: subjects looked at, screened in full, and the cases given a new
    result; seconds spent finding and scoring the candidates, and screening them again."""

    candidates: int = 0
    cases: list[str] = field(default_factory=list)
    screened: int = 0
    finding_seconds: float = 0.0
    screening_seconds: float = 0.0


class PairScore(Protocol):
    """Scores one party against one indexed entry, as screening would (the current lists)."""

    def pair_score(self, party_name: str, country: str | None, position: int) -> float: ...


@runtime_checkable
class PairScorer(PairScore, WordWeights, Protocol):
    """Scores pairs, weighs words, and finds entries in the current lists' index."""

    def entry_positions(self, entry_ids: Collection[str]) -> dict[str, list[int]]: ...
    def pair_score(self, party_name: str, country: str | None, position: int) -> float: ...


@dataclass(frozen=True)
class UpdateKeys:
    """The keys an update looks subjects up by, and which changed entry each key stands for."""

    entries_by_key: dict[MatchKey, set[str]]
    touched: frozenset[str]  # entries changed or removed: subjects that matched them count

    @property
    def keys(self) -> set[MatchKey]:
        """Every key: the changed entries' names, and the hits on changed or removed entries."""
        return {*self.entries_by_key, *(hit_key(entry_id) for entry_id in self.touched)}


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
) -> bool:
    """Whether screening the candidate again may change its result: it matched a changed or
    removed entry, or one of its parties scores a hit against an entry that party shares a key
    with (a party that shares none with an entry cannot be paired with it by the matcher)."""
    subject = candidate.subject
    if subject.hits & found.touched:
        return True
    if scorer is None:
        return any(key in found.entries_by_key for key in candidate.keys)
    for _, party in subject.application.parties():
        shared = candidate.keys & party_keys(party.name, field_lengths)
        entries = {e for key in shared for e in found.entries_by_key.get(key, ())}
        if any(
            scorer.pair_score(party.name, party.address.country, position) >= threshold
            for entry_id in entries
            if bound is None or bound.could_hit(party.name, entry_id)
            for position in positions.get(entry_id, ())
        ):
            return True
    return False


def what_changed(
    before: frozenset[str],
    result: ScreeningCompleted,
    policy: ScreeningPolicy,
    changes: Sequence[ListChange],
) -> list[str]:
    """Why a new result matters, in words: hits on added or changed entries, hits gone."""
    change_of = {change.entry_id: change for change in changes}
    now = uncleared_hits(result, policy)
    reasons = [
        f"{finding.evidence} matches {change.change} entry '{change.entry.name}'"
        for finding in result.findings
        if finding.reference in now
        and (change := change_of.get(finding.reference)) is not None
        and change.entry is not None
    ]
    for entry_id in sorted(before - now):
        change = change_of.get(entry_id)
        if change is None:
            reasons.append(f"no longer matches entry '{entry_id}'")
        else:
            name = change.entry.name if change.entry is not None else entry_id
            reasons.append(f"no longer matches {change.change} entry '{name}'")
    return list(dict.fromkeys(reasons))


async def rescreen_affected(
    update: Envelope[ListUpdated],
    store: RescreeningStore,
    policy: ScreeningPolicy,
    standing: Knowledge,
) -> Rescreened:
    """Publish a new result for each subject the update changes; the cases re-screened.

    `standing.screener` must index the update's version: results record the lists they used.
    """
    listed = update.data
    scorer = standing.screener if isinstance(standing.screener, PairScorer) else None
    match = policy.match_policy()
    async with store.unit_of_work() as uow:
        if not await uow.first_delivery(update.id):
            return Rescreened()
        changes = await uow.list_changes(listed.list_name, listed.number)
        if not changes:
            return Rescreened()
        await register_open_cases(uow, policy)
        began = time.perf_counter()
        found = affected_keys(changes, scorer, KeyRules.of(match))
        candidates = await uow.subjects_sharing(found.keys)
        positions = (
            scorer.entry_positions(found.touched | {c.entry_id for c in changes}) if scorer else {}
        )
        scores = None if scorer is None else RememberedScores(scorer)
        bound = None
        if scorer is not None:
            bound = PairBound(scorer, match, (c.entry for c in changes if c.entry is not None))
        likely = []
        for number, candidate in enumerate(candidates):
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
            ):
                likely.append(candidate.subject)
        if scores is not None:
            likely += await _hits_lost(uow, likely, found, scores, match.hit_threshold)
        found_at = time.perf_counter()
        rescreened = await _rescreen(uow, likely, update, changes, policy, standing)
        return Rescreened(
            len(candidates),
            [subject.case_id for subject in rescreened],
            len(likely),
            found_at - began,
            time.perf_counter() - found_at,
        )


async def _hits_lost(
    uow: RescreeningUnitOfWork,
    likely: Sequence[ScreenedSubject],
    found: UpdateKeys,
    scores: RememberedScores,
    threshold: float,
) -> list[ScreenedSubject]:
    """The other subjects with a hit on an entry the update left as it was that none of their
    parties reaches any longer: an update moves the weight of the words it adds or removes, so
    a score just over the threshold can fall under it."""
    screened = {(subject.kind, subject.subject_id) for subject in likely}
    held = [
        subject
        for subject in await uow.subjects_with_hits()
        if (subject.kind, subject.subject_id) not in screened and not subject.hits & found.touched
    ]
    positions = scores.entry_positions({entry for subject in held for entry in subject.hits})
    lost = []
    for number, subject in enumerate(held):
        if number % YIELD_EVERY == 0:
            await asyncio.sleep(0)
        named = [(party.name, party.address.country) for _, party in subject.application.parties()]
        if not all(
            any(
                scores.pair_score(name, country, position) >= threshold
                for name, country in named
                for position in positions.get(entry_id, ())
            )
            for entry_id in subject.hits
        ):
            lost.append(subject)
    return lost


class RememberedScores:
    """Pair scores kept for one update: a party's name recurs across cases."""

    def __init__(self, scorer: PairScorer) -> None:
        self._scorer = scorer
        self._scores: dict[tuple[str, str | None, int], float] = {}

    def entry_positions(self, entry_ids: Collection[str]) -> dict[str, list[int]]:
        """Where entries with these ids stand in the scorer's index."""
        return self._scorer.entry_positions(entry_ids)

    def pair_score(self, party_name: str, country: str | None, position: int) -> float:
        """The scorer's score, computed once per party name, country and entry."""
        key = (party_name, country, position)
        score = self._scores.get(key)
        if score is None:
            score = self._scores[key] = self._scorer.pair_score(party_name, country, position)
        return score


async def _rescreen(
    uow: RescreeningUnitOfWork,
    subjects: Sequence[ScreenedSubject],
    update: Envelope[ListUpdated],
    changes: Sequence[ListChange],
    policy: ScreeningPolicy,
    standing: Knowledge,
) -> list[ScreenedSubject]:
    """Screen the subjects again; publish and keep the results the update changed (a few
    statements for all of them, not a round trip per subject); the subjects re-screened."""
    # The workflow takes a re-screen whose id names the list versions the result records.
    version = standing.screener.list_version
    requests = {
        subject.reference: f"{subject.reference}/rescreen/{version}" for subject in subjects
    }
    answered = await uow.results_found(list(requests.values()))
    subjects = [subject for subject in subjects if requests[subject.reference] not in answered]
    known = await knowledge_for_each(uow, [subject.application for subject in subjects], standing)
    listed, results, kept = update.data, [], []
    for number, (subject, knowledge) in enumerate(zip(subjects, known, strict=True)):
        if number % YIELD_EVERY == 0:
            await asyncio.sleep(0)
        screening = Screening(requests[subject.reference], subject.case_id, subject.application)
        result = screening_result(screening, policy, knowledge, utcnow())
        # A hit a reviewer has since cleared is no news either way.
        cleared = {clearance.entry_id for clearance in knowledge.clearances}
        reasons = what_changed(subject.hits - cleared, result, policy, changes)
        if not reasons:
            continue  # a near name, or a match a reviewer cleared: nothing new to tell
        reason = f"list_update: {listed.list_name} {listed.number}: {'; '.join(reasons)}"
        results.append(result.model_copy(update={"reason": reason}))
        kept.append(replace(subject, hits=uncleared_hits(results[-1], policy)))
    await uow.add_results(results)
    await uow.publish_many(
        [result_published(result, update.correlation_id, result.request_id) for result in results]
    )
    await keep_all_screened(uow, kept, policy)
    return kept


async def knowledge_for_each(
    source: KnowledgeSource, applications: Sequence[SubmitApplication], standing: Knowledge
) -> list[Knowledge]:
    """`knowledge_for` of each application: the clearances of all their parties read at once,
    the notices once per destination."""
    keys = {key for application in applications for key in parties.party_keys(application)}
    clearances = await source.clearances_for(sorted(keys))
    by_destination: dict[str, Knowledge] = {}
    known = []
    for application in applications:
        destination = application.destination_country
        if destination not in by_destination:
            by_destination[destination] = replace(
                standing,
                notices=await source.notices_for(destination),
                approvals=await source.approvals_for(destination),
            )
        mine = set(parties.party_keys(application))
        own = [clearance for clearance in clearances if clearance.party_key in mine]
        known.append(replace(by_destination[destination], clearances=own))
    return known


async def register_earlier_open_cases(store: Store[EarlierCases], policy: ScreeningPolicy) -> int:
    """Register as subjects the open cases screened before subjects were kept; how many."""
    async with store.unit_of_work() as uow:
        return await register_open_cases(uow, policy)


async def register_open_cases(uow: EarlierCases, policy: ScreeningPolicy) -> int:
    """Register the open cases that are no subject: kept before subjects were, or opened again
    (a licence approved on appeal after a denial); how many."""
    earlier = await uow.unregistered_open_cases()
    for case_id, application, latest in earlier:
        result = None if latest is None else ScreeningCompleted.model_validate_json(latest)
        hits = frozenset() if result is None else uncleared_hits(result, policy)
        await keep_screened(uow, open_case(case_id, application, hits), policy)
    return len(earlier)
