"""Compare two normalised names word by word and score how surely they name the same party."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from services.screening.matching import lexicon
from services.screening.matching.alignment import (
    Match,
    best_pairs,
    joined_pairs,
    misspelt_generic_pairs,
    truncated_pair,
)
from services.screening.matching.normalise import TokenKind
from services.screening.matching.policy import MatchPolicy
from services.screening.matching.scoring import RECOGNISED, PairKind, WeightedToken


@dataclass(frozen=True, slots=True)
class TokenPair:
    """Party word(s) matched to listed word(s)."""

    party: str
    listed: str
    similarity: float
    how: PairKind


@dataclass(frozen=True, slots=True)
class NameComparison:
    """The score of a party name against one listed name, and the evidence for it."""

    score: float
    pairs: tuple[TokenPair, ...]
    unmatched_party: tuple[str, ...]
    unmatched_listed: tuple[str, ...]
    reordered: bool
    shares_distinctive: bool
    cut_off: tuple[str, ...] = ()  # listed words after a cut at a field limit
    # A legal form written another way, read as the listed one: (written, listed, how).
    forms_read: tuple[tuple[str, str, str], ...] = ()


def compare_names(
    party: Sequence[WeightedToken],
    listed: Sequence[WeightedToken],
    policy: MatchPolicy,
    truncated: bool = False,
) -> NameComparison:
    """Align words (any order, typos, joined words) and score the weighted overlap.

    `truncated`: the party name is as long as a common field limit, so its last word may be
    the beginning of a listed word, and the listed words after that one may have been cut off.
    """
    matches = joined_pairs(party, listed, [], policy, whole_words_only=True)
    matches += best_pairs(party, listed, policy, matches)
    matches += joined_pairs(party, listed, matches, policy)
    matches += misspelt_generic_pairs(party, listed, matches)
    excused: set[int] = set()
    if truncated:
        matches, excused = truncated_pair(party, listed, matches, policy)
    party_used = {i for party_ids, _, _, _ in matches for i in party_ids}
    listed_used = {j for _, listed_ids, _, _ in matches for j in listed_ids}
    found_party = sum(party[i].weight * sim for ids, _, sim, _ in matches for i in ids)
    found_listed = sum(listed[j].weight * sim for _, ids, sim, _ in matches for j in ids)
    precision = found_party / (sum(t.weight for t in party) or 1.0)
    listed_weight = sum(t.weight for j, t in enumerate(listed) if j not in excused)
    recall = found_listed / (listed_weight or 1.0)
    beta2 = policy.missing_listed_word_weight
    denominator = beta2 * precision + recall
    score = (1 + beta2) * precision * recall / denominator if denominator else 0.0
    # A single letter, a cut word, or syllables joined into a place or trade word ("Tian Jin"
    # for "Tianjin") is no telling word in common on its own.
    known = [m for m in matches if _joined_into_known_word(m, party, listed)]
    telling = [
        m
        for m in matches
        if m[3] is not PairKind.INITIAL
        and not (m[3] is PairKind.TRUNCATED and len(party[m[0][0]].text) < 3)
        and m not in known
    ]
    shares = _shares_distinctive(
        party,
        listed,
        {i for ids, _, _, _ in telling for i in ids},
        # Words cut off after a cut word tell only if that word does ("Ini", not "In").
        {j for _, ids, _, _ in telling for j in ids}
        | (excused if any(m[3] is PairKind.TRUNCATED for m in telling) else set()),
    ) or _named_by_initials(party, listed, matches, party_used, listed_used)
    evidence = sum(
        listed[j].weight * sim
        for _, ids, sim, _ in (m for m in matches if m not in known)
        for j in ids
        if listed[j].kind is TokenKind.DISTINCTIVE
    )
    # A partial match must rest on a telling word, not only on words common in the list.
    # Listed words missing: a telling one; or joining words, in a name with nothing but them
    # and trade words to tell it ("De Da Holdings"), not "of" in "National Police of Peru";
    # or joining words side by side as no language writes them ("Shanghai Da De Technology").
    plain = all(t.kind in (TokenKind.GENERIC, TokenKind.FILLER) for t in listed)
    missing = any(
        j not in listed_used
        and j not in excused
        and (t.kind is not TokenKind.FILLER or plain or _name_syllable(listed, j))
        for j, t in enumerate(listed)
    )
    weak = missing and (evidence < policy.min_partial_evidence or not telling)
    if not shares or weak:
        score = min(score, policy.no_distinctive_cap)
    elif _conflicting(party, listed, party_used, listed_used | excused):
        score = max(0.0, score - policy.conflicting_word_penalty)
    order = [j for _, ids, _, _ in sorted(matches) for j in ids]
    return NameComparison(
        score=score,
        pairs=tuple(
            TokenPair(
                " ".join(party[i].text for i in p), " ".join(listed[j].text for j in c), s, how
            )
            for p, c, s, how in sorted(matches)
        ),
        unmatched_party=tuple(t.text for i, t in enumerate(party) if i not in party_used),
        unmatched_listed=tuple(
            t.text for j, t in enumerate(listed) if j not in listed_used and j not in excused
        ),
        reordered=order != sorted(order),
        shares_distinctive=shares and not weak,
        cut_off=tuple(listed[j].text for j in sorted(excused)),
    )


def _joined_into_known_word(
    match: Match, party: Sequence[WeightedToken], listed: Sequence[WeightedToken]
) -> bool:
    """Words on one side written together into a place or trade word of the other."""
    party_ids, listed_ids, _, how = match
    if how is not PairKind.JOINED:
        return False
    whole = party[party_ids[0]] if len(party_ids) == 1 else listed[listed_ids[0]]
    return whole.kind in RECOGNISED


def _name_syllable(listed: Sequence[WeightedToken], j: int) -> bool:
    """A joining word beside another that no language writes with it ("Da De", "De Da"): both
    are syllables of a name, as romanised Chinese writes them, not words joining others."""
    text = listed[j].text
    before = listed[j - 1] if j > 0 else None
    after = listed[j + 1] if j + 1 < len(listed) else None
    return (
        before is not None
        and before.kind is TokenKind.FILLER
        and (before.text, text) not in lexicon.JOINING_PAIRS
    ) or (
        after is not None
        and after.kind is TokenKind.FILLER
        and (text, after.text) not in lexicon.JOINING_PAIRS
    )


def _named_by_initials(
    party: Sequence[WeightedToken],
    listed: Sequence[WeightedToken],
    matches: list[Match],
    party_used: set[int],
    listed_used: set[int],
) -> bool:
    """An organisation written with the initials of its distinctive words ("N. Group" for "NSO
    Group", "C. AD" for "Cytrox AD"): every word of both names is matched, each listed
    distinctive word by its initial; with two distinctive words or more, another word (a trade
    word, a place) must match as well ("K. M." alone names no one)."""
    if len(party_used) < len(party) or any(
        j not in listed_used and t.kind is not TokenKind.FILLER for j, t in enumerate(listed)
    ):
        return False
    how_listed = {j: how for _, ids, _, how in matches for j in ids}
    distinctive = [j for j, t in enumerate(listed) if t.kind is TokenKind.DISTINCTIVE]
    if not distinctive or any(how_listed.get(j) is not PairKind.INITIAL for j in distinctive):
        return False
    return len(distinctive) == 1 or len(how_listed) > len(distinctive)


def _conflicting(
    party: Sequence[WeightedToken],
    listed: Sequence[WeightedToken],
    party_used: set[int],
    listed_used: set[int],
) -> bool:
    """Each side has a telling word (2+ letters) the other lacks: a different name in its
    place ("Jose Petrossian" for "Jose Eduardo"), not a word left out."""
    return any(
        t.kind is TokenKind.DISTINCTIVE and len(t.text) > 1 and i not in party_used
        for i, t in enumerate(party)
    ) and any(
        t.kind is TokenKind.DISTINCTIVE and len(t.text) > 1 and j not in listed_used
        for j, t in enumerate(listed)
    )


def _shares_distinctive(
    party: Sequence[WeightedToken],
    listed: Sequence[WeightedToken],
    party_used: set[int],
    listed_used: set[int],
) -> bool:
    """A distinctive word in common; a name without one must be matched whole. Except for a
    party named like a public body, by places and generic words only ("Xinjiang Municipal
    Public Security Bureau"), against a listed name without a distinctive word either: its
    places must all match (a country or region is what tells a public body apart)."""
    listed_plain = not any(t.kind is TokenKind.DISTINCTIVE for t in listed)
    for tokens, used, whole in ((listed, listed_used, True), (party, party_used, not listed_plain)):
        distinctive = [i for i, t in enumerate(tokens) if t.kind is TokenKind.DISTINCTIVE]
        if distinctive:
            if not used.intersection(distinctive):
                return False
            continue
        places = [i for i, t in enumerate(tokens) if t.kind is TokenKind.PLACE]
        telling = [i for i, t in enumerate(tokens) if t.kind is not TokenKind.FILLER]
        if not used.issuperset(telling if whole or not places else places):
            return False
    return True
