"""The restricted-party index: list names by word, screened against in milliseconds."""

from __future__ import annotations

import hashlib
from array import array
from collections.abc import Iterable, Sequence
from functools import cached_property, lru_cache
from itertools import pairwise

import numpy as np
import numpy.typing as npt

from services.screening.matching import lexicon
from services.screening.matching.explain import country_note, explain_hit
from services.screening.matching.folds import spelling_key
from services.screening.matching.model import Hit, RestrictedPartyEntry
from services.screening.matching.normalise import (
    NameToken,
    NormalisedName,
    TokenKind,
    normalise_name,
)
from services.screening.matching.policy import MatchPolicy
from services.screening.matching.scoring import (
    JOIN_LENGTH_SLACK,
    NameComparison,
    WeightedToken,
    compare_names,
    score_ceiling,
    words_may_pair,
)
from services.screening.matching.vocabulary import Vocabulary

Int32s = npt.NDArray[np.int32]
# Listed names hit on, normalised again for their explanation (the same names recur).
_listed_name = lru_cache(maxsize=1 << 14)(normalise_name)
_CUT_WORD_CANDIDATES = 50  # listed words a word cut at a field limit may be the beginning of
_ROUNDING = 1e-9  # a score ceiling summed in another order may differ in its last digits
_MASK_BITS = 62  # party words a bit mask of pairable words holds
_MAY_PAIR_MEMORY = 1 << 21  # (party word, listed word) pairs remembered across parties


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
        names = _NameTable(entries)
        self.vocabulary = Vocabulary(
            names.words,
            np.frombuffer(names.kinds, dtype=np.int8),
            np.frombuffer(names.abjad, dtype=np.bool_),
            np.bincount(names.word_ids, minlength=len(names.words)),
            policy,
        )
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
        self._word_lengths = np.fromiter(map(len, names.words), np.int64, len(names.words))
        self._may_pair: dict[tuple[tuple[str, TokenKind, bool], int], bool] = {}

    @classmethod
    def build(
        cls, entries: Iterable[RestrictedPartyEntry], policy: MatchPolicy | None = None
    ) -> RestrictedPartyIndex:
        """Index list entries under a matching policy (the documented defaults if none)."""
        return cls(list(entries), policy or MatchPolicy())

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

    def screen(self, party_name: str, country: str | None = None) -> list[Hit]:
        """Hits at or above the policy threshold for one party, best first."""
        party = normalise_name(party_name)
        tokens = self._party_tokens(party)
        if not tokens:
            return []
        truncated = self._truncated(party_name)
        tokens = self._without_cut_legal_form(tokens, truncated)
        best: dict[int, tuple[int, NameComparison]] = {}
        # A country bonus can lift a name just under the threshold; nothing lower can make it.
        floor = self.policy.hit_threshold - self.policy.same_country_bonus
        candidates = self._candidate_names(tokens, country, truncated)
        for name in self._within_reach(candidates, tokens, truncated, floor):
            comparison = compare_names(tokens, self._listed_tokens(name), self.policy, truncated)
            entry = int(self._name_entry[name])
            if entry not in best or comparison.score > best[entry][1].score:
                best[entry] = (name, comparison)
        hits = [
            self._hit(party, country, name, comparison)
            for name, comparison in best.values()
            if comparison.score >= floor
        ]
        hits = [hit for hit in hits if hit.score >= self.policy.hit_threshold]
        # Among equal scores, the entry whose name has the party's legal form first.
        forms = set(party.legal_forms)
        hits.sort(
            key=lambda hit: (
                hit.score,
                bool(forms) and bool(forms & set(_listed_name(hit.matched_name).legal_forms)),
            ),
            reverse=True,
        )
        if len(hits) <= self.policy.max_hits:
            return hits
        # Entries tied with the last one reported are reported too: equal names, equal claims.
        floor_score = hits[self.policy.max_hits - 1].score
        return [hit for hit in hits if hit.score >= floor_score]

    def score_entry(self, party_name: str, country: str | None, position: int) -> Hit | None:
        """The party's best comparison with one entry (by position), whatever its score."""
        party = normalise_name(party_name)
        tokens = self._party_tokens(party)
        first, last = self._entry_first_name[position], self._entry_first_name[position + 1]
        if not tokens or first == last:
            return None
        truncated = self._truncated(party_name)
        tokens = self._without_cut_legal_form(tokens, truncated)
        compared = [
            (compare_names(tokens, self._listed_tokens(name), self.policy, truncated), name)
            for name in range(int(first), int(last))
        ]
        comparison, name = max(compared, key=lambda pair: pair[0].score)
        return self._hit(party, country, name, comparison)

    def _within_reach(
        self, names: Int32s, party: Sequence[WeightedToken], truncated: bool, floor: float
    ) -> list[int]:
        """The candidate names (in order) whose score ceiling reaches `floor`: the others cannot
        be hits, and are not aligned word by word.

        `scoring.score_ceiling` over every name at once. Party words are taken heaviest first:
        which listed words each could pair with is asked once per word (and remembered across
        parties), and a name whose precision cannot reach the floor any more is dropped before
        the lighter words are asked about. Names where a run of words could be written together
        have their ceiling from `score_ceiling` itself."""
        if truncated or not len(names) or len(party) > _MASK_BITS:
            return [int(name) for name in names.tolist()]
        starts, ends = self._name_offsets[names], self._name_offsets[names + 1]
        counts = ends - starts
        first = np.cumsum(counts) - counts
        positions = np.repeat(starts - first, counts) + np.arange(int(counts.sum()))
        words = self._name_words[positions]
        name_of = np.repeat(np.arange(len(names)), counts)
        joinable = self._joinable(party, words, first, counts)
        weights = np.array([t.weight for t in party], dtype=np.float64)
        party_total = float(weights.sum()) or 1.0
        beta2 = self.policy.missing_listed_word_weight
        masks = np.zeros(len(words), dtype=np.int64)
        unpaired = np.zeros(len(names), dtype=np.float64)
        alive = np.ones(len(names), dtype=np.bool_)
        for i in np.argsort(-weights, kind="stable").tolist():
            at = np.flatnonzero(alive[name_of])
            unique, inverse = np.unique(words[at], return_inverse=True)
            key = (party[i].text, party[i].kind, party[i].abjad)
            found = np.array([self._pairs(party[i], key, w) for w in unique.tolist()], np.bool_)
            bits = np.zeros(len(words), dtype=np.int8)
            bits[at] = found[inverse]
            masks |= bits.astype(np.int64) << i
            pairs = (np.maximum.reduceat(bits, first) > 0) | joinable
            unpaired += np.where(pairs, 0.0, weights[i])
            precision = (float(weights.sum()) - unpaired) / party_total
            alive &= (1 + beta2) * precision / (beta2 * precision + 1.0) >= floor - _ROUNDING
            if not alive.any():
                return []
        paired = masks != 0
        party_masks = np.bitwise_or.reduceat(masks, first)
        bits_of = (party_masks[:, None] >> np.arange(len(party), dtype=np.int64)) & 1
        precision = (bits_of @ weights) / party_total
        listed_weights = self.vocabulary.weights[words].astype(np.float64)
        listed_total = np.add.reduceat(listed_weights, first)
        recall = np.add.reduceat(np.where(paired, listed_weights, 0.0), first) / np.where(
            listed_total == 0, 1.0, listed_total
        )
        denominator = beta2 * precision + recall
        ceiling = np.where(
            denominator > 0,
            (1 + beta2) * precision * recall / np.where(denominator > 0, denominator, 1.0),
            0.0,
        )
        distinctive = self.vocabulary.kinds[words] == TokenKind.DISTINCTIVE
        unshared = np.maximum.reduceat(distinctive.astype(np.int8), first) > np.maximum.reduceat(
            (distinctive & paired).astype(np.int8), first
        )
        party_distinctive = sum(
            1 << i for i, t in enumerate(party) if t.kind is TokenKind.DISTINCTIVE
        )
        if party_distinctive:
            unshared |= (party_masks & party_distinctive) == 0
        ceiling = np.where(unshared, np.minimum(ceiling, self.policy.no_distinctive_cap), ceiling)
        kept: list[int] = []
        for number in np.flatnonzero(alive).tolist():
            name = int(names[number])
            bound = float(ceiling[number])
            if joinable[number]:
                start, end = int(first[number]), int(first[number] + counts[number])
                flags = (
                    [bool(int(party_masks[number]) >> i & 1) for i in range(len(party))],
                    paired[start:end].tolist(),
                )
                listed = self._listed_tokens(name)
                bound = score_ceiling(party, listed, self.policy, paired=flags)
            if bound >= floor - _ROUNDING:
                kept.append(name)
        return kept

    def _pairs(self, token: WeightedToken, key: tuple[str, TokenKind, bool], word: int) -> bool:
        """Whether a party word could pair with a listed word (remembered by the party word)."""
        pair = (key, word)
        found = self._may_pair.get(pair)
        if found is None:
            if len(self._may_pair) >= _MAY_PAIR_MEMORY:
                self._may_pair.clear()
            found = words_may_pair(token, self.vocabulary.token(word), self.policy)
            self._may_pair[pair] = found
        return found

    def _joinable(
        self, party: Sequence[WeightedToken], words: Int32s, first: Int32s, counts: Int32s
    ) -> npt.NDArray[np.bool_]:
        """Names with a run of 2-3 words as long (give or take the slack) as a word of the
        party, or a word as long as a run of the party's words: they may be joined."""
        slack = JOIN_LENGTH_SLACK
        lengths = [len(t.text) for t in party]
        runs = [sum(lengths[k : k + r]) for r in (2, 3) for k in range(len(lengths) - r + 1)]
        size = max([*lengths, *runs, 0]) + slack + 1
        near_word, near_run = np.zeros(size, np.bool_), np.zeros(size, np.bool_)
        for table, values in ((near_word, lengths), (near_run, runs)):
            for value in values:
                table[max(0, value - slack) : value + slack + 1] = True
        word_lengths = np.minimum(self._word_lengths[words], size - 1)
        name_of = np.repeat(np.arange(len(counts)), counts)
        hit = near_run[word_lengths]
        for run in (2, 3):
            if len(words) < run:
                continue
            same = name_of[run - 1 :] == name_of[: len(name_of) - run + 1]
            total = sum(self._word_lengths[words][k : len(words) - run + 1 + k] for k in range(run))
            near = near_word[np.minimum(total, size - 1)] & same
            hit[: len(near)] |= near
        return np.maximum.reduceat(hit.astype(np.int8), first) > 0

    def _truncated(self, party_name: str) -> bool:
        """Whether the name is as long as a common field limit, so it may have been cut."""
        return len(party_name.strip()) in self.policy.field_lengths

    def _without_cut_legal_form(
        self, tokens: list[WeightedToken], truncated: bool
    ) -> list[WeightedToken]:
        """A cut name's last word that begins a legal-form word ("Gmb") is that legal form."""
        last = tokens[-1].text if tokens else ""
        cut_form = last in lexicon.LEGAL_FORM_BEGINNINGS and last not in self.vocabulary.ids
        return tokens[:-1] if truncated and len(tokens) > 1 and cut_form else tokens

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
        counts = self._posting_offsets[1:] - self._posting_offsets[:-1]
        usable = [(word, sim) for word, sim in matched if counts[word] <= limit]
        if not usable and matched:
            usable = [min(matched, key=lambda pair: counts[pair[0]])]
        if not usable:
            return np.empty(0, dtype=np.int32)
        ids = np.concatenate([self._postings_of(word)[:limit] for word, _ in usable])
        credit = np.concatenate(
            [
                np.full(min(int(counts[word]), limit), self.vocabulary.weights[word] * sim)
                for word, sim in usable
            ]
        )
        names, inverse = np.unique(ids, return_inverse=True)
        telling = np.bincount(inverse, weights=credit)
        party_weight = sum(token.weight for token in weighted)
        keep = self.policy.candidates
        if len(names) > 4 * keep:  # first cut on the telling words alone
            first_cut = telling / (self._name_weight[names] + party_weight - telling + 1e-9)
            names = names[np.argpartition(-first_cut, 4 * keep)[: 4 * keep]]
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
        for first, second in pairwise(party):
            joined = self.vocabulary.ids.get(first.text + second.text)
            if joined is not None:
                matched.append((joined, 1.0))
        return matched

    def _postings_of(self, word: int) -> Int32s:
        return self._postings[self._posting_offsets[word] : self._posting_offsets[word + 1]]

    def _hit(
        self, party: NormalisedName, country: str | None, name: int, comparison: NameComparison
    ) -> Hit:
        entry = self._entries[int(self._name_entry[name])]
        alias = int(self._name_alias[name])
        matched_name = entry.names[alias]
        adjustment = 0.0
        if country and entry.countries:
            same = country.upper() in entry.countries
            adjustment = (
                self.policy.same_country_bonus if same else -self.policy.country_mismatch_penalty
            )
        score = round(min(1.0, max(0.0, comparison.score + adjustment)), 3)
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
        for position, entry in enumerate(entries):
            seen: set[tuple[int, ...]] = set()
            country = (
                self.countries.setdefault(entry.countries[0], len(self.countries))
                if entry.countries
                else -1
            )
            for alias, raw in enumerate(entry.names):
                words = tuple(self._word_id(token, ids) for token in normalise_name(raw).tokens)
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
