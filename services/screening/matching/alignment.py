"""Which words of a party name match which words of a listed name: one to one in any order,
written together on one side and apart on the other, a misspelt trade word, a last word cut at a
field limit."""

from __future__ import annotations

from collections.abc import Sequence

from services.screening.matching import lexicon
from services.screening.matching.folds import spelling_key
from services.screening.matching.normalise import TokenKind
from services.screening.matching.policy import MatchPolicy
from services.screening.matching.scoring import (
    JOINED_SIMILARITY,
    PairKind,
    WeightedToken,
    generic_typo,
    token_similarity,
    word_similarity,
)

# Party word positions, listed word positions, their similarity and how they match.
Match = tuple[tuple[int, ...], tuple[int, ...], float, PairKind]


def best_pairs(
    party: Sequence[WeightedToken],
    listed: Sequence[WeightedToken],
    policy: MatchPolicy,
    taken: list[Match],
) -> list[Match]:
    """Single words paired one to one, the most alike pair first, among the words `taken`
    leaves free."""
    used_party = {i for ids, _, _, _ in taken for i in ids}
    used_listed = {j for _, ids, _, _ in taken for j in ids}
    scored = []
    for i, p in enumerate(party):
        if i in used_party:
            continue
        for j, c in enumerate(listed):
            if j in used_listed:
                continue
            similarity, how = token_similarity(p, c, policy)
            if similarity > 0:
                scored.append((similarity, p.weight + c.weight, i, j, how))
    scored.sort(key=lambda s: (s[0], s[1]), reverse=True)
    matches: list[Match] = []
    for similarity, _, i, j, how in scored:
        if i not in used_party and j not in used_listed:
            used_party.add(i)
            used_listed.add(j)
            matches.append(((i,), (j,), similarity, how))
    return matches


def joined_pairs(
    party: Sequence[WeightedToken],
    listed: Sequence[WeightedToken],
    matches: list[Match],
    policy: MatchPolicy,
    whole_words_only: bool = False,
) -> list[Match]:
    """Words written together on one side and apart on the other ("NSOGroup", "Hua Xin",
    "Shippi ng"). With `whole_words_only`, only runs of words that are not listed words
    themselves, joined into exactly a word of the other side (looked at first)."""
    used_party = {i for ids, _, _, _ in matches for i in ids}
    used_listed = {j for _, ids, _, _ in matches for j in ids}
    if whole_words_only:
        listed_words = {t.text for t in listed}
        party_words = {t.text for t in party}
        used_party |= {i for i, t in enumerate(party) if t.text in listed_words}
        used_listed |= {j for j, t in enumerate(listed) if t.text in party_words}
    cutoff = 1.0 if whole_words_only else JOINED_SIMILARITY
    joined: list[Match] = []
    free_party, free_listed = len(party) - len(used_party), len(listed) - len(used_listed)
    if min(free_party, free_listed) < 1 or max(free_party, free_listed) < 2:
        return joined  # no run of two free words beside a free word: nothing to join
    for run in (3, 2):
        for ids, j in _runs_matching(party, listed, used_party, used_listed, run, policy, cutoff):
            joined.append((ids, (j,), 1.0, PairKind.JOINED))
        for ids, i in _runs_matching(listed, party, used_listed, used_party, run, policy, cutoff):
            joined.append(((i,), ids, 1.0, PairKind.JOINED))
    if whole_words_only:
        joined += _split_elsewhere(party, listed, used_party, used_listed)
    return joined


def _split_elsewhere(
    party: Sequence[WeightedToken],
    listed: Sequence[WeightedToken],
    used_party: set[int],
    used_listed: set[int],
) -> list[Match]:
    """Two words on each side, the same letters split at another place ("alF-arrani" for
    "al-Farrani": a letter moved across the hyphen)."""
    found: list[Match] = []
    if len(party) < 2 or len(listed) < 2:
        return found
    runs = {
        listed[j].text + listed[j + 1].text: j
        for j in range(len(listed) - 1)
        if j not in used_listed and j + 1 not in used_listed
    }
    for i in range(len(party) - 1):
        j = runs.get(party[i].text + party[i + 1].text, -1)
        if j < 0 or listed[j].text == party[i].text or used_party & {i, i + 1}:
            continue
        if not used_listed & {j, j + 1}:
            found.append(((i, i + 1), (j, j + 1), 1.0, PairKind.JOINED))
            used_party.update((i, i + 1))
            used_listed.update((j, j + 1))
    return found


def truncated_pair(
    party: Sequence[WeightedToken],
    listed: Sequence[WeightedToken],
    matches: list[Match],
    policy: MatchPolicy,
) -> tuple[list[Match], set[int]]:
    """The party's last word as the beginning of a listed word; the listed words after it
    were cut off with it (excused from the score)."""
    last = len(party) - 1
    current = next((m for m in matches if last in m[0]), None)
    taken = {j for m in matches if m is not current for j in m[1]}
    if current is not None and current[2] >= policy.prefix_similarity:
        # The cut fell at the end of the last word: the listed words after it were cut off.
        return matches, {k for k in range(max(current[1]) + 1, len(listed)) if k not in taken}
    cut = party[last].text
    for j, word in enumerate(listed):
        if j not in taken and _cut_from(cut, word):
            kept = [m for m in matches if m is not current]
            kept.append(((last,), (j,), policy.prefix_similarity, PairKind.TRUNCATED))
            after = {k for k in range(j + 1, len(listed)) if k not in taken}
            return kept, after
    return matches, set()


def _cut_from(cut: str, listed: WeightedToken) -> bool:
    """`cut` is the beginning of the listed word, of its spelling ("Elektr" of "Electronics"),
    or of another spelling of a trade word ("Ba" of "Bazargani", read as "Trading")."""
    spellings: tuple[str, ...] = (listed.text,)
    if listed.kind is TokenKind.GENERIC:
        spellings += lexicon.GENERIC_SPELLINGS.get(listed.text, ())
    key = spelling_key(cut)
    return any(
        len(word) > len(cut) and (word.startswith(cut) or spelling_key(word).startswith(key))
        for word in spellings
    )


def _runs_matching(
    apart: Sequence[WeightedToken],
    together: Sequence[WeightedToken],
    used_apart: set[int],
    used_together: set[int],
    run: int,
    policy: MatchPolicy,
    cutoff: float,
) -> list[tuple[tuple[int, ...], int]]:
    found = []
    for start in range(len(apart) - run + 1):
        ids = tuple(range(start, start + run))
        if used_apart.intersection(ids):
            continue
        text = "".join(apart[k].text for k in ids)
        for j, word in enumerate(together):
            if j in used_together or abs(len(word.text) - len(text)) > 2:
                continue
            if cutoff >= 1.0:
                joins = text == word.text
            else:
                joins = word_similarity(text, word.text, False, policy) > cutoff
            if joins:
                found.append((ids, j))
                used_apart.update(ids)
                used_together.add(j)
                break
    return found


def misspelt_generic_pairs(
    party: Sequence[WeightedToken], listed: Sequence[WeightedToken], matches: list[Match]
) -> list[Match]:
    """A party word that is a typo of one spelling of a listed generic word ("Gupp", "Grupp")."""
    used_party = {i for ids, _, _, _ in matches for i in ids}
    used_listed = {j for _, ids, _, _ in matches for j in ids}
    found: list[Match] = []
    for i, word in enumerate(party):
        if i in used_party or word.kind is not TokenKind.DISTINCTIVE:
            continue
        for j, generic in enumerate(listed):
            if j in used_listed or generic.kind is not TokenKind.GENERIC:
                continue
            similarity = generic_typo(word.text, generic.text)
            if similarity:
                found.append(((i,), (j,), similarity, PairKind.TYPO))
                used_listed.add(j)
                break
    return found
