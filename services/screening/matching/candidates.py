"""Candidate finding: the list names worth aligning with a party, found by shared words."""

from __future__ import annotations

import zlib
from collections.abc import Collection, Sequence
from itertools import pairwise

import numpy as np
import numpy.typing as npt

from services.screening.matching.model import RestrictedPartyEntry
from services.screening.matching.name_table import Int32s, NameTable, postings
from services.screening.matching.normalise import TokenKind
from services.screening.matching.policy import MatchPolicy
from services.screening.matching.scoring import WeightedToken
from services.screening.matching.vocabulary import Vocabulary

_CUT_WORD_CANDIDATES = 50  # listed words a word cut at a field limit may be the beginning of
_GOLDEN = 2654435761  # spreads a name's place among its entry's names over the keys


class CandidateFinder:
    """A party's distinctive words and places, looked up exactly, with typos or by consonants,
    select names through the postings; the best `policy.candidates` by weighted overlap stay."""

    def __init__(
        self,
        names: NameTable,
        vocabulary: Vocabulary,
        policy: MatchPolicy,
        entries: Sequence[RestrictedPartyEntry],
    ) -> None:
        """Postings and each name's weight for `names` (of `entries`), weighed by `vocabulary`."""
        self.policy = policy
        self.vocabulary = vocabulary
        self._names = names
        self._posting_offsets, self._postings = postings(names, len(names.words))
        # Each name's own words added up, so that a name weighs the same wherever it stands.
        weights = vocabulary.weights[names.word_ids].astype(np.float64)
        self._name_weight = np.add.reduceat(weights, names.offsets[:-1]).astype(np.float32)
        self._tie = tie_breaks(names, entries)

    def find(
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
        credit = np.repeat(
            [self.vocabulary.weights[word] * sim for word, sim in usable],
            [min(counts[word], limit) for word, _ in usable],
        )
        names, inverse = _unique(ids, sorted_already=len(usable) == 1)
        telling = np.bincount(inverse, weights=credit)
        party_weight = sum(token.weight for token in weighted)
        keep = self.policy.candidates
        prefilter = self.policy.prefilter_names
        if len(names) > prefilter:  # first cut on the telling words alone
            first_cut = telling / (self._name_weight[names] + party_weight - telling + 1e-9)
            names = names[self._best(first_cut, names, prefilter)]
        # Rank the rest on every party word, trade words included, and the country.
        found = self._credit(names, weighted, matched)
        overlap = found / (self._name_weight[names] + party_weight - found + 1e-9)
        code = self._names.countries.get(country.upper()) if country else None
        if code is not None:  # among equal names, the party's country first
            overlap += (self._names.country[names] == code) * self.policy.same_country_bonus
        if len(names) > keep:
            names = names[self._best(overlap, names, keep)]
        return names

    def _best(
        self, rank: npt.NDArray[np.float64], names: Int32s, keep: int
    ) -> npt.NDArray[np.intp]:
        """Where the `keep` best-ranked names stand; of the names of the lowest rank kept, as
        many as there is room for by `tie_breaks`, so the cut keeps the same names wherever
        they stand (only the names of that rank are looked at: at a million entries most cuts
        fall among names of equal rank, often thousands of them)."""
        best = np.argpartition(-rank, keep)[:keep]
        lowest = rank[best].min()
        above = best[rank[best] > lowest]
        level = np.flatnonzero(rank == lowest)
        room = keep - len(above)
        if len(level) > room:
            level = level[np.argpartition(-self._tie[names[level]], room - 1)[:room]]
        return np.concatenate([above, level])

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
        starts, ends = self._names.offsets[names], self._names.offsets[names + 1]
        lengths = ends - starts
        first = np.cumsum(lengths) - lengths
        positions = np.repeat(starts - first, lengths) + np.arange(int(lengths.sum()))
        words = self._names.word_ids[positions]
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

    def names_with(self, words: Collection[int]) -> Int32s:
        """The names (positions in the name table) that have any of these words."""
        found = [self._postings_of(word) for word in words]
        return np.unique(np.concatenate(found)) if found else np.empty(0, dtype=np.int32)

    def _postings_of(self, word: int) -> Int32s:
        return self._postings[self._posting_offsets[word] : self._posting_offsets[word + 1]]


def tie_breaks(
    names: NameTable, entries: Sequence[RestrictedPartyEntry]
) -> npt.NDArray[np.float64]:
    """A key per name, from its entry's list and id and its place among the entry's names,
    that orders names of equal rank: which of them a cut keeps then depends on what is listed,
    not on where it stands (an index updated in place holds its entries in another order than
    one built whole, and both must screen alike)."""
    keys = (f"{entry.source}\x1f{entry.entry_id}".encode() for entry in entries)
    of_entry = np.fromiter(map(zlib.crc32, keys), dtype=np.uint64, count=len(entries))
    mixed = (of_entry[names.entry] + names.alias.astype(np.uint64) * _GOLDEN) % (1 << 32)
    return mixed.astype(np.float64)


def _unique(ids: Int32s, sorted_already: bool) -> tuple[Int32s, npt.NDArray[np.intp]]:
    """`np.unique(ids, return_inverse=True)`, sorted faster: the ids come as runs already in
    order (each word's postings), which a stable sort merges instead of sorting again; one
    run (one word's postings) needs no sort at all."""
    order = None if sorted_already else np.argsort(ids, kind="stable")
    ordered = ids if order is None else ids[order]
    first = np.empty(len(ordered), dtype=np.bool_)
    first[:1] = True
    np.not_equal(ordered[1:], ordered[:-1], out=first[1:])
    if order is None:
        return ordered[first], np.cumsum(first, dtype=np.intp) - 1
    inverse = np.empty(len(ids), dtype=np.intp)
    inverse[order] = np.cumsum(first) - 1
    return ordered[first], inverse
