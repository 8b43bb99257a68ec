"""The restricted-party index: list names by word, screened against in milliseconds."""

from __future__ import annotations

import hashlib
from collections.abc import Collection, Iterable, Sequence
from dataclasses import replace
from functools import cached_property, lru_cache

import numpy as np
import numpy.typing as npt

from services.screening.matching.candidates import CandidateFinder
from services.screening.matching.ceiling import ScoreCeiling
from services.screening.matching.collector import collection_paused
from services.screening.matching.explain import country_note, explain_hit
from services.screening.matching.legal_forms import legal_form_agreement
from services.screening.matching.legal_slips import read_as_listed_form, slip_ends
from services.screening.matching.model import Hit, RestrictedPartyEntry
from services.screening.matching.name_comparison import NameComparison, compare_names
from services.screening.matching.name_table import Int32s, NameTable, name_prints
from services.screening.matching.normalise import NormalisedName, normalise_name
from services.screening.matching.policy import MatchPolicy
from services.screening.matching.pooled_names import default_processes, name_table
from services.screening.matching.prepared_party import PreparedParty, prepare_party
from services.screening.matching.scoring import WeightedToken
from services.screening.matching.vocabulary import Vocabulary

# Listed names hit on, normalised again for their explanation (the same names recur).
_listed_name = lru_cache(maxsize=1 << 14)(normalise_name)


class RestrictedPartyIndex:
    """Screens party names against list entries: candidates by word, then scored in full.

    Every primary and alternative name is normalised once and stored as word ids (compact
    numpy arrays, not Python objects), with an inverted index from word to names. A party's
    distinctive words and places, looked up exactly, with typos or by consonants, select
    names; the best `policy.candidates` by weighted overlap are aligned word by word.
    """

    def __init__(
        self,
        entries: Sequence[RestrictedPartyEntry],
        policy: MatchPolicy,
        processes: int | None = None,
    ) -> None:
        """Index `entries` (kept by reference), their names normalised by `processes` processes
        (by default every core for a large list, `pooled_names`); prefer `build`."""
        self.policy = policy
        self._entries = entries
        if processes is None:
            processes = default_processes(len(entries))
        with collection_paused():
            names = name_table(entries, processes)
            self.vocabulary = Vocabulary(
                names.words,
                np.frombuffer(names.kinds, dtype=np.int8),
                np.frombuffer(names.abjad, dtype=np.bool_),
                np.bincount(names.word_ids, minlength=len(names.words)),
                policy,
            )
            self._hold(names)

    def _hold(self, names: NameTable) -> None:
        """Keep the names' arrays and find candidates among them (the vocabulary set)."""
        self._names = names
        self._candidates = CandidateFinder(names, self.vocabulary, self.policy, self._entries)

    @classmethod
    def build(
        cls,
        entries: Iterable[RestrictedPartyEntry],
        policy: MatchPolicy | None = None,
        processes: int | None = None,
    ) -> RestrictedPartyIndex:
        """Index list entries under a matching policy (the documented defaults if none); a large
        list's names are normalised by `processes` processes (every core if None)."""
        return cls(list(entries), policy or MatchPolicy(), processes)

    def updated(
        self, added: Sequence[RestrictedPartyEntry], removed: Collection[str]
    ) -> RestrictedPartyIndex:
        """This index after a list update: entries with ids in `removed` dropped, `added` ones
        (changed ones too, by id) indexed; only their names are normalised. `self` stays as is."""
        from services.screening.matching.index_update import updated_index

        return updated_index(self, added, removed)

    def __len__(self) -> int:
        return len(self._entries)

    @property
    def entries(self) -> Sequence[RestrictedPartyEntry]:
        """The indexed entries, in the order given."""
        return self._entries

    def entries_with_words(self, words: Iterable[str]) -> list[RestrictedPartyEntry]:
        """The entries with a name that has any of these listed words."""
        names = self._names_having(words)
        return [self._entries[entry] for entry in np.unique(self._names.entry[names]).tolist()]

    def _names_having(self, words: Iterable[str]) -> Int32s:
        ids = [word_id for word in words if (word_id := self.vocabulary.ids.get(word)) is not None]
        return self._candidates.names_with(ids)

    def names_with_words(self, words: Iterable[str]) -> npt.NDArray[np.bool_]:
        """For each name (position in the name table), whether it has any of these words."""
        having = np.zeros(self.name_count, dtype=np.bool_)
        having[self._names_having(words)] = True
        return having

    def entries_of(self, names: Int32s) -> list[int]:
        """The positions of these names' entries."""
        return self._names.entry[names].tolist()  # type: ignore[no-any-return]

    @cached_property
    def name_prints(self) -> npt.NDArray[np.uint64]:
        """For each name, a digest of it as it stands apart from its words' weights: its
        entry's list, id, primary name and countries, and the name itself (equal in two
        indexes: the name, weighed alike, scores alike)."""
        return name_prints(self._entries, self._names)

    @property
    def name_count(self) -> int:
        """How many distinct names (primary and alternative) are indexed."""
        return len(self._names.entry)

    @cached_property
    def list_version(self) -> str:
        """A digest of the indexed entries' sources, ids, names and countries."""
        digest = hashlib.sha256()
        for entry in self._entries:
            fields = (entry.source, entry.entry_id, *entry.names, *entry.countries)
            digest.update("\x1f".join(fields).encode() + b"\x1e")
        return f"sha256:{digest.hexdigest()[:16]}"

    @cached_property
    def _floor(self) -> float:
        """The lowest score worth aligning a name for: a country bonus can lift a name just
        under the threshold; nothing lower can make it."""
        return self.policy.hit_threshold - self.policy.same_country_bonus

    def _ceiling(self, party: PreparedParty) -> ScoreCeiling | None:
        """The party's score ceiling at the floor; none for a name cut at a field limit or with
        a mistyped legal form at an end (their own steps may lift a name over it)."""
        if party.truncated or slip_ends(party.tokens):
            return None
        return party.ceiling(self.policy, self._floor)

    def screen(
        self, party_name: str, country: str | None = None, among: Collection[int] | None = None
    ) -> list[Hit]:
        """Hits at or above the policy threshold for one party, best first; with `among`, only
        those on the entries at these positions (the others are not scored)."""
        prepared = self.prepared(party_name)
        if prepared is None:
            return []
        return self.screen_retrieved(prepared, country, self.retrieved(prepared, country), among)

    def retrieved(self, party: PreparedParty, country: str | None) -> Int32s:
        """The names a screen of the party compares it with (positions in the name table)."""
        return self._candidates.find(party.tokens, country, party.truncated)

    def screen_retrieved(
        self,
        prepared: PreparedParty,
        country: str | None,
        names: Int32s,
        among: Collection[int] | None = None,
    ) -> list[Hit]:
        """`screen` of a party prepared, with the names it retrieves (`retrieved`)."""
        party, tokens, truncated = prepared.name, prepared.tokens, prepared.truncated
        best: dict[int, tuple[int, NameComparison]] = {}
        slips = slip_ends(tokens)
        floor = self._floor
        ceiling = self._ceiling(prepared)
        for name in names.tolist():
            entry = int(self._names.entry[name])
            if among is not None and entry not in among:
                continue
            listed = self._listed_tokens(name)
            if ceiling is not None and not ceiling.may_reach(listed):
                continue
            comparison = compare_names(tokens, listed, self.policy, truncated)
            if slips and comparison.score < self.policy.hit_threshold:
                comparison = self._against_listed_form(tokens, name, comparison, truncated)
            if entry not in best or comparison.score > best[entry][1].score:
                best[entry] = (name, comparison)
        scored = [
            (self._score(comparison, country, name), name, comparison)
            for name, comparison in best.values()
            if comparison.score >= floor
        ]
        found = [each for each in scored if each[0] >= self.policy.hit_threshold]
        if all(len(token.text) == 1 for token in tokens):
            # Initials and nothing else: only the legal form can tell which name they stand for.
            found = [each for each in found if self._same_legal_form(party, each[1])]
        found.sort(key=lambda each: self._rank(party, each[0], each[1]), reverse=True)
        if len(found) > self.policy.max_hits:
            # Entries tied with the last one reported are reported too: equal names, equal claims.
            floor_score = min(score for score, _, _ in found[: self.policy.max_hits])
            found = [each for each in found if each[0] >= floor_score]
        # Explained last: only the hits reported (half the names over the floor are not).
        return [
            self._hit(party, country, name, comparison, score) for score, name, comparison in found
        ]

    def _entry_of(self, name: int) -> RestrictedPartyEntry:
        return self._entries[int(self._names.entry[name])]

    def _matched_name(self, name: int) -> str:
        return self._entry_of(name).names[int(self._names.alias[name])]

    def _same_legal_form(self, party: NormalisedName, name: int) -> bool:
        listed = _listed_name(self._matched_name(name)).legal_forms
        return legal_form_agreement(party.legal_forms, listed) == 1

    def _rank(self, party: NormalisedName, score: float, name: int) -> float:
        """A hit's score, moved up or down by `legal_form_margin` when the party's legal form
        is (or is not) the matched name's: among near scores, the entry with its form first."""
        if not party.legal_forms:
            return score
        listed = _listed_name(self._matched_name(name)).legal_forms
        return score + self.policy.legal_form_margin * legal_form_agreement(
            party.legal_forms, listed
        )

    def prepared(self, party_name: str) -> PreparedParty | None:
        """The party's name normalised and weighed once, to be scored against many entries
        (None: nothing in it to match)."""
        return prepare_party(party_name, self.vocabulary, self.policy)

    def score_entry(self, party_name: str, country: str | None, position: int) -> Hit | None:
        """The party's best comparison with one entry (by position), whatever its score."""
        party = self.prepared(party_name)
        best = None if party is None else self._best_name(party, position)
        if party is None or best is None:
            return None
        comparison, name = best
        return self._hit(
            party.name, country, name, comparison, self._score(comparison, country, name)
        )

    def pair_score(self, party: PreparedParty, country: str | None, position: int) -> float:
        """The party's best score against one entry (by position), as its hit would report it;
        0.0 when every name of the entry surely scores under the hit threshold (not aligned)."""
        best = self._best_name(party, position, bounded=True)
        return 0.0 if best is None else self._score(best[0], country, best[1])

    def _best_name(
        self, party: PreparedParty, position: int, bounded: bool = False
    ) -> tuple[NameComparison, int] | None:
        """The entry's name the party compares best with; `bounded`, its names that surely
        score under the floor are not aligned (as in `screen`)."""
        starts = self._names.entry_first_name
        tokens, truncated = party.tokens, party.truncated
        slips = slip_ends(tokens)
        ceiling = self._ceiling(party) if bounded else None
        names = [
            name
            for name in range(int(starts[position]), int(starts[position + 1]))
            if ceiling is None or ceiling.may_reach(self._listed_tokens(name))
        ]
        if not names:
            return None
        compared = [
            (compare_names(tokens, self._listed_tokens(name), self.policy, truncated), name)
            for name in names
        ]
        if slips:
            compared = [
                (self._against_listed_form(tokens, name, comparison, truncated), name)
                for comparison, name in compared
            ]
        return max(compared, key=lambda pair: pair[0].score)

    def _against_listed_form(
        self,
        tokens: list[WeightedToken],
        name: int,
        comparison: NameComparison,
        truncated: bool,
    ) -> NameComparison:
        """The comparison again with a legal form mistyped at one end of the party's name read
        as the listed name's own ("JSX" for "JSC"), if that scores higher (legal_slips.py)."""
        listed = _listed_name(self._matched_name(name))
        kept, read = read_as_listed_form(tokens, listed.legal_forms)
        if not read:
            return comparison
        again = compare_names(kept, self._listed_tokens(name), self.policy, truncated)
        return replace(again, forms_read=read) if again.score > comparison.score else comparison

    def _listed_tokens(self, name: int) -> list[WeightedToken]:
        start, end = int(self._names.offsets[name]), int(self._names.offsets[name + 1])
        return [self.vocabulary.token(word) for word in self._names.word_ids[start:end].tolist()]

    def _score(self, comparison: NameComparison, country: str | None, name: int) -> float:
        """The comparison's score with the country bonus or penalty, as a hit reports it."""
        countries = self._entry_of(name).countries
        adjustment = 0.0
        if country and countries:
            same = country.upper() in countries
            adjustment = (
                self.policy.same_country_bonus if same else -self.policy.country_mismatch_penalty
            )
        return round(min(1.0, max(0.0, comparison.score + adjustment)), 3)

    def _hit(
        self,
        party: NormalisedName,
        country: str | None,
        name: int,
        comparison: NameComparison,
        score: float,
    ) -> Hit:
        entry = self._entry_of(name)
        matched_name = self._matched_name(name)
        explanation = explain_hit(
            party,
            _listed_name(matched_name),
            comparison,
            matched_name,
            int(self._names.alias[name]) > 0,  # an alternative name, not the primary
            country_note(country.upper() if country else None, entry.countries),
        )
        return Hit(entry.source, entry.entry_id, entry.name, matched_name, score, explanation)
