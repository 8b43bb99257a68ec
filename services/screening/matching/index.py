"""The restricted-party index: list names by word, screened against in milliseconds."""

from __future__ import annotations

import hashlib
import re
from array import array
from collections.abc import Collection, Iterable, Sequence
from dataclasses import replace
from functools import cached_property, lru_cache
from itertools import pairwise

import numpy as np
import numpy.typing as npt
from anyascii import anyascii

from services.screening.matching.collector import collection_paused
from services.screening.matching.explain import country_note, explain_hit
from services.screening.matching.folds import spelling_key
from services.screening.matching.legal_forms import cut_form_words, legal_form_agreement
from services.screening.matching.legal_slips import read_as_listed_form, slip_ends
from services.screening.matching.model import Hit, RestrictedPartyEntry
from services.screening.matching.normalise import (
    NameToken,
    NormalisedName,
    TokenKind,
    WordCachedNormaliser,
    normalise_name,
)
from services.screening.matching.policy import MatchPolicy
from services.screening.matching.scoring import NameComparison, WeightedToken, compare_names
from services.screening.matching.vocabulary import Vocabulary

Int32s = npt.NDArray[np.int32]
# Listed names hit on, normalised again for their explanation (the same names recur).
_listed_name = lru_cache(maxsize=1 << 14)(normalise_name)
_CUT_WORD_CANDIDATES = 50  # listed words a word cut at a field limit may be the beginning of


class RestrictedPartyIndex:
    """Screens party names against list entries: candidates by word, then scored in full.

    Every primary and alternative name is normalised once and stored as word ids (compact
    numpy arrays, not Python objects), with an inverted index from word to names. A party's
    distinctive words and places, looked up exactly, with typos or by consonants, select
    names; the best `policy.candidates` by weighted overlap are aligned word by word.
    """

    def __init__(self, entries: Sequence[RestrictedPartyEntry], policy: MatchPolicy) -> None:
        """Index `entries` (kept by reference); prefer `RestrictedPartyIndex.build`."""
        self.policy = policy
        self._entries = entries
        with collection_paused():
            names = _NameTable(entries)
            self.vocabulary = Vocabulary(
                names.words,
                np.frombuffer(names.kinds, dtype=np.int8),
                np.frombuffer(names.abjad, dtype=np.bool_),
                np.bincount(names.word_ids, minlength=len(names.words)),
                policy,
            )
            self._hold(names)

    def _hold(self, names: _NameTable) -> None:
        """Keep the names' arrays, their postings and each name's weight (the vocabulary set)."""
        self._name_entry = names.entry
        self._name_alias = names.alias
        self._name_offsets = names.offsets
        self._name_words = names.word_ids
        self._entry_first_name = names.entry_first_name
        self._countries = names.countries
        self._name_country = names.country
        self._posting_offsets, self._postings = _postings(names, len(names.words))
        per_word = np.concatenate([[0.0], np.cumsum(self.vocabulary.weights[self._name_words])])
        self._name_weight = np.diff(per_word[self._name_offsets]).astype(np.float32)

    @classmethod
    def build(
        cls, entries: Iterable[RestrictedPartyEntry], policy: MatchPolicy | None = None
    ) -> RestrictedPartyIndex:
        """Index list entries under a matching policy (the documented defaults if none)."""
        return cls(list(entries), policy or MatchPolicy())

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

    @property
    def name_count(self) -> int:
        """How many distinct names (primary and alternative) are indexed."""
        return len(self._name_entry)

    @cached_property
    def list_version(self) -> str:
        """A digest of the indexed entries' sources, ids, names and countries."""
        digest = hashlib.sha256()
        for entry in self._entries:
            fields = (entry.source, entry.entry_id, *entry.names, *entry.countries)
            digest.update("\x1f".join(fields).encode() + b"\x1e")
        return f"sha256:{digest.hexdigest()[:16]}"

    def screen(
        self, party_name: str, country: str | None = None, among: Collection[int] | None = None
    ) -> list[Hit]:
        """Hits at or above the policy threshold for one party, best first; with `among`, only
        those on the entries at these positions (the others are not scored)."""
        party = normalise_name(party_name)
        tokens = self._party_tokens(party)
        if not tokens:
            return []
        truncated = self._truncated(party_name, party)
        tokens, party = self._without_cut_legal_form(tokens, party, truncated)
        best: dict[int, tuple[int, NameComparison]] = {}
        slips = slip_ends(tokens)
        for name in self._candidate_names(tokens, country, truncated).tolist():
            entry = int(self._name_entry[name])
            if among is not None and entry not in among:
                continue
            comparison = compare_names(tokens, self._listed_tokens(name), self.policy, truncated)
            if slips and comparison.score < self.policy.hit_threshold:
                comparison = self._against_listed_form(tokens, name, comparison, truncated)
            if entry not in best or comparison.score > best[entry][1].score:
                best[entry] = (name, comparison)
        # A country bonus can lift a name just under the threshold; nothing lower can make it.
        floor = self.policy.hit_threshold - self.policy.same_country_bonus
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

    def _matched_name(self, name: int) -> str:
        return self._entries[int(self._name_entry[name])].names[int(self._name_alias[name])]

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

    def score_entry(self, party_name: str, country: str | None, position: int) -> Hit | None:
        """The party's best comparison with one entry (by position), whatever its score."""
        party = normalise_name(party_name)
        tokens = self._party_tokens(party)
        first, last = self._entry_first_name[position], self._entry_first_name[position + 1]
        if not tokens or first == last:
            return None
        truncated = self._truncated(party_name, party)
        tokens, party = self._without_cut_legal_form(tokens, party, truncated)
        compared = [
            (compare_names(tokens, self._listed_tokens(name), self.policy, truncated), name)
            for name in range(int(first), int(last))
        ]
        if slip_ends(tokens):
            compared = [
                (self._against_listed_form(tokens, name, comparison, truncated), name)
                for comparison, name in compared
            ]
        comparison, name = max(compared, key=lambda pair: pair[0].score)
        return self._hit(party, country, name, comparison, self._score(comparison, country, name))

    def _against_listed_form(
        self,
        tokens: list[WeightedToken],
        name: int,
        comparison: NameComparison,
        truncated: bool,
    ) -> NameComparison:
        """The comparison again with a legal form mistyped at one end of the party's name read
        as the listed name's own ("JSX" for "JSC"), if that scores higher (legal_slips.py)."""
        entry = self._entries[int(self._name_entry[name])]
        listed = _listed_name(entry.names[int(self._name_alias[name])])
        kept, read = read_as_listed_form(tokens, listed.legal_forms)
        if not read:
            return comparison
        again = compare_names(kept, self._listed_tokens(name), self.policy, truncated)
        return replace(again, forms_read=read) if again.score > comparison.score else comparison

    def _truncated(self, party_name: str, party: NormalisedName) -> bool:
        """Whether the name is as long as a common field limit, or one shorter (cut just after a
        word, the space dropped), so it may have been cut; not if it ends in its legal form."""
        length = len(party_name.strip())
        if length not in self.policy.field_lengths and length + 1 not in self.policy.field_lengths:
            return False
        last = re.sub(r"\W", "", anyascii(party_name.split()[-1]).lower())
        return not any(last in form.split() for form in party.legal_forms)

    def _without_cut_legal_form(
        self, tokens: list[WeightedToken], party: NormalisedName, truncated: bool
    ) -> tuple[list[WeightedToken], NormalisedName]:
        """A cut name's last words that begin a legal form ("Gmb", "Co., Lt", "Youxian G") are
        that legal form (kept in the party's record); a single cut word only if no listed word
        is written so."""
        cut = cut_form_words([token.text for token in tokens]) if truncated else 0
        if not cut or (cut == 1 and tokens[-1].text in self.vocabulary.ids):
            return tokens, party
        form = " ".join(token.text for token in tokens[-cut:])
        return tokens[:-cut], replace(party, cut_legal_form=form)

    def _party_tokens(self, party: NormalisedName) -> list[WeightedToken]:
        return [
            WeightedToken(
                t.text, t.kind, self.vocabulary.weight_of(t), t.abjad, spelling_key(t.text)
            )
            for t in party.tokens
        ]

    def _listed_tokens(self, name: int) -> list[WeightedToken]:
        start, end = int(self._name_offsets[name]), int(self._name_offsets[name + 1])
        return [self.vocabulary.token(word) for word in self._name_words[start:end].tolist()]

    def _candidate_names(
        self, weighted: Sequence[WeightedToken], country: str | None, truncated: bool
    ) -> Int32s:
        """Names sharing the party's telling words, ranked by weighted overlap; the top few."""
        matched = self._matched_words(weighted)
        if truncated:  # the last word may be the beginning of a listed word
            cut = weighted[-1].text
            limit = _CUT_WORD_CANDIDATES
            matched += [
                (w, self.policy.prefix_similarity)
                for w in self.vocabulary.beginning_with(cut, limit)
            ]
        limit = self.policy.retrieval_max_names
        offsets = self._posting_offsets  # names per matched word (not per word of the list)
        counts = {word: int(offsets[word + 1] - offsets[word]) for word, _ in matched}
        usable = [(word, sim) for word, sim in matched if counts[word] <= limit]
        if not usable and matched:
            usable = [min(matched, key=lambda pair: counts[pair[0]])]
        if not usable:
            return np.empty(0, dtype=np.int32)
        ids = np.concatenate([self._postings_of(word)[:limit] for word, _ in usable])
        credit = np.concatenate(
            [
                np.full(min(counts[word], limit), self.vocabulary.weights[word] * sim)
                for word, sim in usable
            ]
        )
        names, inverse = _unique(ids)
        telling = np.bincount(inverse, weights=credit)
        party_weight = sum(token.weight for token in weighted)
        keep = self.policy.candidates
        prefilter = self.policy.prefilter_names
        if len(names) > prefilter:  # first cut on the telling words alone
            first_cut = telling / (self._name_weight[names] + party_weight - telling + 1e-9)
            names = names[np.argpartition(-first_cut, prefilter)[:prefilter]]
        # Rank the rest on every party word, trade words included, and the country.
        found = self._credit(names, weighted, matched)
        overlap = found / (self._name_weight[names] + party_weight - found + 1e-9)
        code = self._countries.get(country.upper()) if country else None
        if code is not None:  # among equal names, the party's country first
            overlap += (self._name_country[names] == code) * self.policy.same_country_bonus
        if len(names) > keep:
            names = names[np.argpartition(-overlap, keep)[:keep]]
        return names

    def _credit(
        self,
        names: Int32s,
        weighted: Sequence[WeightedToken],
        matched: list[tuple[int, float]],
    ) -> npt.NDArray[np.float64]:
        """Weight of each name's words found among the party's (exactly or fuzzily)."""
        similarity: dict[int, float] = {}
        for word, sim in matched:
            similarity[word] = max(sim, similarity.get(word, 0.0))
        for token in weighted:
            exact = self.vocabulary.ids.get(token.text)
            if exact is not None:
                similarity[exact] = 1.0
        known = np.array(sorted(similarity), dtype=np.int32)
        credit = self.vocabulary.weights[known] * np.array([similarity[w] for w in known.tolist()])
        starts, ends = self._name_offsets[names], self._name_offsets[names + 1]
        lengths = ends - starts
        first = np.cumsum(lengths) - lengths
        positions = np.repeat(starts - first, lengths) + np.arange(int(lengths.sum()))
        words = self._name_words[positions]
        slot = np.minimum(np.searchsorted(known, words), len(known) - 1)
        per_word = np.where(known[slot] == words, credit[slot], 0.0)
        return np.add.reduceat(per_word, first)

    def _matched_words(self, party: Sequence[WeightedToken]) -> list[tuple[int, float]]:
        telling = [t for t in party if t.kind is not TokenKind.GENERIC] or list(party)
        matched = [pair for token in telling for pair in self.vocabulary.lookup(token)]
        if not matched:  # no telling word found: the trade words and places then
            matched = [pair for token in party for pair in self.vocabulary.lookup(token)]
        if not matched:  # a name of initials alone ("C. AD"): words with those first letters
            initial = self.policy.initial_similarity
            for token in telling:
                if len(token.text) == 1 and token.text.isalpha():
                    found = self.vocabulary.beginning_with(token.text, _CUT_WORD_CANDIDATES)
                    matched += [(word, initial) for word in found]
        for first, second in pairwise(party):
            joined = self.vocabulary.ids.get(first.text + second.text)
            if joined is not None:
                matched.append((joined, 1.0))
        return matched

    def _postings_of(self, word: int) -> Int32s:
        return self._postings[self._posting_offsets[word] : self._posting_offsets[word + 1]]

    def _score(self, comparison: NameComparison, country: str | None, name: int) -> float:
        """The comparison's score with the country bonus or penalty, as a hit reports it."""
        countries = self._entries[int(self._name_entry[name])].countries
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
        entry = self._entries[int(self._name_entry[name])]
        alias = int(self._name_alias[name])
        matched_name = entry.names[alias]
        explanation = explain_hit(
            party,
            _listed_name(matched_name),
            comparison,
            matched_name,
            alias > 0,
            country_note(country.upper() if country else None, entry.countries),
        )
        return Hit(entry.source, entry.entry_id, entry.name, matched_name, score, explanation)


class _NameTable:
    """Every distinct normalised name of every entry, as word ids in flat arrays."""

    def __init__(self, entries: Sequence[RestrictedPartyEntry]) -> None:
        self.words: list[str] = []
        self.countries: dict[str, int] = {}
        self.kinds = bytearray()
        self.abjad = bytearray()
        ids: dict[str, int] = {}
        entry_ids, alias_ids, offsets, countries = (
            array("i"),
            array("h"),
            array("q", [0]),
            array("h"),
        )
        word_ids, first_name = array("i"), array("q", [0])
        tokens = WordCachedNormaliser().tokens  # each distinct word's work once, freed after
        word_id = self._word_id
        for position, entry in enumerate(entries):
            seen: set[tuple[int, ...]] = set()
            country = (
                self.countries.setdefault(entry.countries[0], len(self.countries))
                if entry.countries
                else -1
            )
            for alias, raw in enumerate(entry.names):
                words = tuple([word_id(token, ids) for token in tokens(raw)])
                if words and words not in seen:
                    seen.add(words)
                    entry_ids.append(position)
                    alias_ids.append(min(alias, 32767))
                    countries.append(country)
                    word_ids.extend(words)
                    offsets.append(len(word_ids))
            first_name.append(len(entry_ids))
        self.entry: Int32s = np.frombuffer(entry_ids, dtype=np.int32)
        self.alias = np.frombuffer(alias_ids, dtype=np.int16)
        self.country = np.frombuffer(countries, dtype=np.int16)  # entry's first country
        self.offsets = np.frombuffer(offsets, dtype=np.int64)
        self.word_ids: Int32s = np.frombuffer(word_ids, dtype=np.int32)
        self.entry_first_name = np.frombuffer(first_name, dtype=np.int64)

    def _word_id(self, token: NameToken, ids: dict[str, int]) -> int:
        word_id = ids.get(token.text)
        if word_id is None:
            word_id = ids[token.text] = len(self.words)
            self.words.append(token.text)
            self.kinds.append(int(token.kind))
            self.abjad.append(int(token.abjad))
        elif token.abjad and not self.abjad[word_id]:
            self.abjad[word_id] = 1
        return word_id


def _postings(names: _NameTable, word_count: int) -> tuple[npt.NDArray[np.int64], Int32s]:
    """For each word, the names containing it (CSR: offsets into one array of name ids)."""
    lengths = np.diff(names.offsets)
    name_of_occurrence = np.repeat(np.arange(len(lengths), dtype=np.int32), lengths)
    order = np.argsort(names.word_ids, kind="stable")
    counts = np.bincount(names.word_ids, minlength=word_count)
    offsets = np.concatenate([[0], np.cumsum(counts)]).astype(np.int64)
    return offsets, name_of_occurrence[order]


def _unique(ids: Int32s) -> tuple[Int32s, npt.NDArray[np.intp]]:
    """`np.unique(ids, return_inverse=True)`, sorted faster: the ids come as runs already in
    order (each word's postings), which a stable sort merges instead of sorting again."""
    order = np.argsort(ids, kind="stable")
    ordered = ids[order]
    first = np.empty(len(ordered), dtype=np.bool_)
    first[:1] = True
    np.not_equal(ordered[1:], ordered[:-1], out=first[1:])
    inverse = np.empty(len(ids), dtype=np.intp)
    inverse[order] = np.cumsum(first) - 1
    return ordered[first], inverse
