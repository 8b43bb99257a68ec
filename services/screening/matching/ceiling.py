"""A score a party cannot reach against a listed name, known before aligning their words.

Most names found as candidates share only a place or a trade word with the party; aligning
them in full (`compare_names`) is most of a screening's work, and none of them is reported.
The ceiling counts every party word that some step of the alignment could match as matched
exactly, and every listed word as found, so it is never below the score the alignment gives:
below the lowest score that can be reported, the name need not be aligned.

A party's candidates share most of their words (its places, its trade words, the legal form),
so `ScoreCeiling` looks at each listed word (and each run of listed words) once per party and
keeps the party words it may match as a bit mask; a name's ceiling is then a few ORs.
"""

from __future__ import annotations

from collections.abc import Sequence

from services.screening.matching.normalise import TokenKind
from services.screening.matching.policy import MatchPolicy
from services.screening.matching.scoring import (
    JOINED_SIMILARITY,
    WeightedToken,
    generic_typo,
    token_similarity,
    word_similarity,
)


def may_reach(
    party: Sequence[WeightedToken],
    listed: Sequence[WeightedToken],
    policy: MatchPolicy,
    floor: float,
) -> bool:
    """Whether `compare_names(party, listed, policy)` (a name not cut at a field limit) may
    score `floor` or more; False only when it surely scores less."""
    return ScoreCeiling(party, policy, floor).may_reach(listed)


class ScoreCeiling:
    """`may_reach` for one party against many listed names, each listed word weighed once."""

    def __init__(self, party: Sequence[WeightedToken], policy: MatchPolicy, floor: float) -> None:
        """The party's words, and the lowest score worth aligning a name for."""
        self._party = party
        self._policy = policy
        self._floor = floor
        self._total = sum(token.weight for token in party) or 1.0
        # Each run of two or three party words written together, with the words it takes.
        self._runs = [
            ("".join(token.text for token in party[start : start + run]), _mask(start, run))
            for run in (2, 3)
            for start in range(len(party) - run + 1)
        ]
        self._pairs: dict[str, int] = {}  # two party words written together: their mask
        for text, mask in self._runs[: max(len(party) - 1, 0)]:
            self._pairs[text] = self._pairs.get(text, 0) | mask
        self._lengths = {len(token.text) + d for token in party for d in range(-2, 3)}
        self._alike: dict[str, int] = {}  # listed word: party words alike it
        self._joining: dict[str, int] = {}  # listed word: party runs joined into it (run bits)
        self._joined: dict[str, int] = {}  # listed words written together: party words alike
        self._ceilings: dict[int, float] = {}
        whole, whole_ids = (1 << len(party)) - 1, range(len(party))
        # Words so heavy that without them no name reaches the floor: most candidates lack
        # one, which a look at that word alone tells.
        self._required = [
            i for i in range(len(party)) if self._ceiling(whole & ~(1 << i)) < floor - 1e-9
        ]
        self._found: dict[tuple[int, str], bool] = {}  # (required word, listed word): alike
        self._runs_with = [[text for text, mask in self._runs if mask >> i & 1] for i in whole_ids]
        self._pairs_with = [
            {text for text, mask in self._runs[: len(party) - 1] if mask >> i & 1}
            for i in whole_ids
        ]

    def may_reach(self, listed: Sequence[WeightedToken]) -> bool:
        """Whether the party aligned with `listed` (not cut at a field limit) may score the
        floor or more; False only when it surely scores less."""
        if not all(self._may_match(i, listed) for i in self._required):
            return False
        matchable = 0
        for word in listed:
            matchable |= self._alike_mask(word)
        if self._ceiling(matchable) >= self._floor:
            return True
        matchable |= self._joinable(listed, matchable)
        # Sums in another order than the alignment's: a margin far above their rounding.
        return self._ceiling(matchable) >= self._floor - 1e-9

    def _ceiling(self, matchable: int) -> float:
        """The score with the matchable party words matched exactly and every listed word
        found: precision at most their share of the party's weight, recall at most 1."""
        ceiling = self._ceilings.get(matchable)
        if ceiling is None:
            found = sum(t.weight for i, t in enumerate(self._party) if matchable >> i & 1)
            precision = found / self._total
            beta2 = self._policy.missing_listed_word_weight
            ceiling = self._ceilings[matchable] = (1 + beta2) * precision / (beta2 * precision + 1)
        return ceiling

    def _may_match(self, i: int, listed: Sequence[WeightedToken]) -> bool:
        """Whether the party's word `i` is alike some listed word or joinable with others, as
        `_alike_mask` and `_joinable` find it whatever else is matched."""
        runs = self._runs_with[i]
        for word in listed:
            key = (i, word.text)
            found = self._found.get(key)
            if found is None:
                found = self._alike_one(i, word) or any(
                    _joins(text, word.text, self._policy) for text in runs
                )
                self._found[key] = found
            if found:
                return True
        return self._joined_as(i, listed)

    def _joined_as(self, i: int, listed: Sequence[WeightedToken]) -> bool:
        """Two or three listed words written together as the party's word `i`, or as two party
        words with it (looked at only where the lengths allow)."""
        word = self._party[i].text
        pairs = self._pairs_with[i]
        near = range(len(word) - 2, len(word) + 3)
        lengths = [len(other.text) for other in listed]
        for run in (2, 3):
            for start in range(len(listed) - run + 1):
                length = sum(lengths[start : start + run])
                if length not in near and (run == 3 or all(len(p) != length for p in pairs)):
                    continue
                text = "".join([other.text for other in listed[start : start + run]])
                if _joins(text, word, self._policy) or (run == 2 and text in pairs):
                    return True
        return False

    def _alike_one(self, i: int, other: WeightedToken) -> bool:
        word = self._party[i]
        return token_similarity(word, other, self._policy)[0] > 0 or (
            other.kind is TokenKind.GENERIC
            and word.kind is TokenKind.DISTINCTIVE
            and generic_typo(word.text, other.text) > 0
        )

    def _alike_mask(self, other: WeightedToken) -> int:
        """Party words alike a listed word (the best pairs), or misspelling a listed trade
        word."""
        mask = self._alike.get(other.text)
        if mask is None:
            mask = sum(1 << i for i in range(len(self._party)) if self._alike_one(i, other))
            self._alike[other.text] = mask
        return mask

    def _joinable(self, listed: Sequence[WeightedToken], known: int) -> int:
        """Party words in some run of two or three words joined into one of the other side, or
        split at another place, whichever words the alignment has taken (those not in
        `known`)."""
        found = 0
        runs = 0
        for word in listed:
            runs |= self._runs_joining(word.text)
        for r, (_, mask) in enumerate(self._runs):
            if runs >> r & 1 and mask & ~known:
                found |= mask
        for run in (2, 3):
            for start in range(len(listed) - run + 1):
                text = "".join([word.text for word in listed[start : start + run]])
                if run == 2:
                    found |= self._pairs.get(text, 0)
                if len(text) in self._lengths:
                    found |= self._joined_into(text) & ~known
        return found

    def _runs_joining(self, word: str) -> int:
        """The party's runs (as bits of `_runs`) written together as `word`."""
        runs = self._joining.get(word)
        if runs is None:
            runs = 0
            for r, (text, _) in enumerate(self._runs):
                if _joins(text, word, self._policy):
                    runs |= 1 << r
            self._joining[word] = runs
        return runs

    def _joined_into(self, text: str) -> int:
        """Party words that listed words written together as `text` may be."""
        mask = self._joined.get(text)
        if mask is None:
            mask = 0
            for i, word in enumerate(self._party):
                if _joins(text, word.text, self._policy):
                    mask |= 1 << i
            self._joined[text] = mask
        return mask


def _mask(start: int, run: int) -> int:
    return ((1 << run) - 1) << start


def _joins(text: str, word: str, policy: MatchPolicy) -> bool:
    """As `_runs_matching` joins: lengths within 2, then the same or above the joined cut."""
    if abs(len(text) - len(word)) > 2:
        return False
    return text == word or word_similarity(text, word, False, policy) > JOINED_SIMILARITY
