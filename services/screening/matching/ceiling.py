"""A score a party cannot reach against a listed name, known before aligning their words.

Most names found as candidates share only a place or a trade word with the party; aligning
them in full (`compare_names`) is most of a screening's work, and none of them is reported.
The ceiling counts every party word that some step of the alignment could match as matched
exactly, and every listed word as found, so it is never below the score the alignment gives:
below the lowest score that can be reported, the name need not be aligned.
"""

from __future__ import annotations

from collections.abc import Sequence

from services.screening.matching.normalise import TokenKind
from services.screening.matching.policy import MatchPolicy
from services.screening.matching.scoring import (
    JOINED_SIMILARITY,
    WeightedToken,
    _generic_typo,
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
    total = sum(token.weight for token in party) or 1.0
    matchable = _alike(party, listed, policy)
    if _ceiling(party, matchable, total, policy) >= floor:
        return True
    matchable |= _joinable(party, listed, policy, matchable)
    # Sums in another order than the alignment's: a margin far above their rounding.
    return _ceiling(party, matchable, total, policy) >= floor - 1e-9


def _ceiling(
    party: Sequence[WeightedToken], matchable: set[int], total: float, policy: MatchPolicy
) -> float:
    """The score with the matchable party words matched exactly and every listed word found:
    precision at most their share of the party's weight, recall at most 1."""
    precision = sum(party[i].weight for i in matchable) / total
    beta2 = policy.missing_listed_word_weight
    return (1 + beta2) * precision / (beta2 * precision + 1)


def _alike(
    party: Sequence[WeightedToken], listed: Sequence[WeightedToken], policy: MatchPolicy
) -> set[int]:
    """Party words alike a listed word (the best pairs), or misspelling a listed trade word."""
    return {
        i
        for i, word in enumerate(party)
        if any(token_similarity(word, other, policy)[0] > 0 for other in listed)
        or (
            word.kind is TokenKind.DISTINCTIVE
            and any(
                other.kind is TokenKind.GENERIC and _generic_typo(word.text, other.text)
                for other in listed
            )
        )
    }


def _joinable(
    party: Sequence[WeightedToken],
    listed: Sequence[WeightedToken],
    policy: MatchPolicy,
    known: set[int],
) -> set[int]:
    """Party words in some run of two or three words joined into one of the other side, or
    split at another place, whichever words the alignment has taken (those not in `known`)."""
    found: set[int] = set()
    for run in (2, 3):
        for start in range(len(party) - run + 1):
            ids = range(start, start + run)
            if known.issuperset(ids):
                continue
            text = "".join([party[i].text for i in ids])
            if any(_joins(text, word.text, policy) for word in listed):
                found.update(ids)
        for start in range(len(listed) - run + 1):
            text = "".join([word.text for word in listed[start : start + run]])
            found.update(
                i
                for i, word in enumerate(party)
                if i not in known and _joins(text, word.text, policy)
            )
    pairs = {listed[j].text + listed[j + 1].text for j in range(len(listed) - 1)}
    for i in range(len(party) - 1):
        if party[i].text + party[i + 1].text in pairs:
            found.update((i, i + 1))
    return found


def _joins(text: str, word: str, policy: MatchPolicy) -> bool:
    """As `_runs_matching` joins: lengths within 2, then the same or above the joined cut."""
    if abs(len(text) - len(word)) > 2:
        return False
    return text == word or word_similarity(text, word, False, policy) > JOINED_SIMILARITY
