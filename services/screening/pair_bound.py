"""A cheap upper bound of the matcher's score of a party against a listed name, from match keys."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from itertools import pairwise

from services.screening.match_keys import MatchKey, WordWeights, joined_key, word_keys
from services.screening.matching import MatchPolicy, RestrictedPartyEntry, normalise_name
from services.screening.matching.normalise import TokenKind
from services.screening.matching.scoring import word_similarity


@dataclass(frozen=True)
class _Word:
    """A word of a name as the bound weighs it: its text, weight and keys; `vouched`: a word
    the bound judges (a distinctive word of two letters or more); the others count as matched."""

    text: str
    abjad: bool
    weight: float
    keys: frozenset[MatchKey]
    vouched: bool


class PairBound:
    """A cheap upper bound of the matcher's score of a party against a changed entry.

    A distinctive word of one name that shares no key with the other name, and is no typo or
    variant of any of its words, cannot be matched, so the precision and recall the matcher can
    reach are bounded by the weights of the words that can; a pair whose bound, with the
    same-country bonus, stays under the hit threshold need not be scored. Words the bound does
    not judge (trade words and places, single letters that may be initials, joining words) count
    as matched, and a name as long as a field limit (which may be cut) is always scored.
    """

    def __init__(
        self,
        weights: WordWeights,
        policy: MatchPolicy,
        entries: Iterable[RestrictedPartyEntry],
    ) -> None:
        self._weights = weights
        self._policy = policy
        self._floor = policy.hit_threshold - policy.same_country_bonus - 0.002
        self._entries = {
            entry.entry_id: [self._words(name, party=False) for name in entry.names]
            for entry in entries
        }
        self._parties: dict[str, list[_Word] | None] = {}
        # Word pairs judged, by their texts: the same words recur across names.
        self._alike: dict[tuple[str, str, bool], bool] = {}

    def could_hit(self, party_name: str, entry_id: str) -> bool:
        """False when the party cannot score a hit against the entry (an entry not given to
        the bound: True)."""
        names = self._entries.get(entry_id)
        party = self._party(party_name)
        if names is None or party is None:
            return True
        return any(self._bound(party, listed) >= self._floor for listed in names)

    def _party(self, name: str) -> list[_Word] | None:
        if name not in self._parties:
            cut = len(name.strip()) in self._policy.field_lengths
            self._parties[name] = None if cut else self._words(name, party=True)
        return self._parties[name]

    def _words(self, name: str, party: bool) -> list[_Word]:
        tokens = normalise_name(name).tokens
        keys = [word_keys(token.text, token.abjad, party) for token in tokens]
        if party:  # words written apart in the party's name, joined in the listed one
            telling = [i for i, t in enumerate(tokens) if t.kind is not TokenKind.FILLER]
            for first, second in pairwise(telling):
                joined = joined_key(tokens[first].text, tokens[second].text)
                keys[first] |= {joined}
                keys[second] |= {joined}
        return [
            _Word(
                token.text,
                token.abjad,
                self._weights.word_weight(token),
                own,
                token.kind is TokenKind.DISTINCTIVE and len(token.text) > 1,
            )
            for token, own in zip(tokens, keys, strict=True)
        ]

    def _bound(self, party: list[_Word], listed: list[_Word]) -> float:
        precision = self._share(party, listed, party_side=True)
        beta2 = self._policy.missing_listed_word_weight
        # The score grows with recall: with recall 1 still under the floor, recall is not needed.
        if (1 + beta2) * precision / (beta2 * precision + 1) < self._floor:
            return 0.0
        recall = self._share(listed, party, party_side=False)
        denominator = beta2 * precision + recall
        return (1 + beta2) * precision * recall / denominator if denominator else 0.0

    def _share(self, words: list[_Word], other: list[_Word], party_side: bool) -> float:
        """The share of the words' weight that may be matched with the other name's."""
        keys = frozenset().union(*(word.keys for word in other))
        whole = found = 0.0
        for word in words:
            whole += word.weight
            if not word.vouched or word.keys & keys or self._similar(word, other, party_side):
                found += word.weight
        return found / whole if whole else 1.0

    def _similar(self, word: _Word, other: list[_Word], party_side: bool) -> bool:
        """A typo, spelling or consonant variant of a word of the other name."""
        for them in other:
            party, listed = (word, them) if party_side else (them, word)
            pair = (party.text, listed.text, party.abjad or listed.abjad)
            alike = self._alike.get(pair)
            if alike is None:
                alike = self._alike[pair] = word_similarity(*pair, self._policy) > 0
            if alike:
                return True
        return False
