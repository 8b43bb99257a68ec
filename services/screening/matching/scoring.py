"""Compare two normalised names word by word and score how surely they name the same party."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache

from rapidfuzz.distance import OSA

from services.screening.matching import lexicon
from services.screening.matching.folds import (
    consonant_key,
    is_vowel_dropped,
    ocr_key,
    single_letters,
    spelling_key,
    vowel_key,
)
from services.screening.matching.normalise import TokenKind
from services.screening.matching.policy import MatchPolicy

_NOT_CONSONANTS = str.maketrans("", "", "aeiouywv")
JOINED_SIMILARITY = 0.85  # above it, words written together match one written apart
# Arabic letters Persian pronounces differently from Arabic (dhal: dh/z, tha: th/s).
_ABJAD_SPELLINGS = (("dh", "z"), ("th", "s"))


class PairKind(StrEnum):
    """How a party word was found in a listed name."""

    EXACT = "exact"
    TYPO = "typo"
    SPELLING = "spelling"
    CONSONANTS = "consonants"
    JOINED = "joined"
    INITIAL = "initial"  # a single letter for a word it begins
    VOWELS = "vowels dropped"
    OCR = "OCR"  # letter shapes a text recogniser confuses (rn/m, cl/d)
    NAME_VARIANT = "name variant"  # one given name in two transliteration systems
    TRUNCATED = "truncated"  # the last word of a name cut at a field limit


@dataclass(frozen=True, slots=True)
class WeightedToken:
    """A normalised word with the weight it carries as evidence of identity."""

    text: str
    kind: TokenKind
    weight: float
    abjad: bool = False
    spelling: str = ""  # spelling_key(text), precomputed because it is compared often


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


def allowed_edits(length: int) -> int:
    """Typos tolerated in a word of this length: none up to 3 letters, 1 up to 7, else 2."""
    return 0 if length <= 3 else 1 if length <= 7 else 2


def allowed_between(first: str, second: str) -> int:
    """Typos tolerated between two words: by the longer, if neither is under 3 letters."""
    if min(len(first), len(second)) < 3:
        return 0
    return allowed_edits(max(len(first), len(second)))


def consonants(text: str) -> str:
    """A word's consonant skeleton, doubled letters once ("Pars" and Arabic "prs" -> "prs")."""
    for written, folded in _ABJAD_SPELLINGS:
        text = text.replace(written, folded)
    return single_letters(text.translate(_NOT_CONSONANTS))


@lru_cache(maxsize=1 << 16)
def word_similarity(party: str, listed: str, abjad: bool, policy: MatchPolicy) -> float:
    """1 for the same word, less for a typo, a romanisation variant or matching consonants."""
    party_token = WeightedToken(party, TokenKind.DISTINCTIVE, 1.0, abjad, spelling_key(party))
    listed_token = WeightedToken(listed, TokenKind.DISTINCTIVE, 1.0, abjad, spelling_key(listed))
    return token_similarity(party_token, listed_token, policy)[0]


def token_similarity(
    party: WeightedToken, listed: WeightedToken, policy: MatchPolicy
) -> tuple[float, PairKind]:
    """Similarity of two words and how they match (exact, typo, spelling, consonants)."""
    if party.text == listed.text:
        return 1.0, PairKind.EXACT
    if party.kind in _RECOGNISED and listed.kind is not party.kind:
        return 0.0, PairKind.EXACT  # a correctly spelt place or trade word is not a brand typo
    # The same pairs of words recur across a party's candidates and across parties.
    return _similarity(
        party.text,
        party.spelling or spelling_key(party.text),
        listed.text,
        listed.spelling or spelling_key(listed.text),
        party.abjad or listed.abjad,
        policy,
    )


@lru_cache(maxsize=1 << 20)
def _similarity(
    party: str,
    party_spelling: str,
    listed: str,
    listed_spelling: str,
    abjad: bool,
    policy: MatchPolicy,
) -> tuple[float, PairKind]:
    found = (0.0, PairKind.EXACT)
    if party.isdigit() or listed.isdigit():
        return found
    typo = _edit_similarity(party, listed)
    same_spelling = party_spelling == listed_spelling and len(party) > 1
    variant = (
        1.0 if same_spelling else _edit_similarity(party_spelling, listed_spelling)
    ) * policy.spelling_similarity
    found = max((typo, PairKind.TYPO), (variant, PairKind.SPELLING), key=lambda f: f[0])
    if found[0] >= policy.ocr_similarity:
        return found
    candidates = [found]
    if abjad and _same_consonants(party, listed):
        candidates.append((policy.consonant_similarity, PairKind.CONSONANTS))
    if ocr_key(party) == ocr_key(listed):
        candidates.append((policy.ocr_similarity, PairKind.OCR))
    if _name_variants(party, listed):
        candidates.append((policy.name_variant_similarity, PairKind.NAME_VARIANT))
    if _vowels_dropped(party, listed) or _vowels_dropped(listed, party):
        candidates.append((policy.vowel_dropped_similarity, PairKind.VOWELS))
    if _initial(party, listed) or _initial(listed, party):
        candidates.append((policy.initial_similarity, PairKind.INITIAL))
    return max(candidates, key=lambda f: f[0])


def _name_variants(first: str, second: str) -> bool:
    """Two renderings of one given or family name (a line of data/given_names.txt)."""
    variants = lexicon.name_variants()
    lines = variants.get(first)
    return bool(lines and lines & variants.get(second, frozenset()))


def _vowels_dropped(short: str, full: str) -> bool:
    """`short` is `full` written without its inner vowels ("mhmmd" for "muhammad"), or without
    every vowel after its first letter ("frrn" for "farrani")."""
    if len(short) >= len(full) or not is_vowel_dropped(short):
        return False
    if vowel_key(full) == vowel_key(short):
        return True
    return is_vowel_dropped(short + "x") and consonant_key(full) == consonant_key(short)


def _initial(letter: str, word: str) -> bool:
    """A single letter standing for a word it begins ("k" for "karimov")."""
    return len(letter) == 1 and len(word) > 1 and letter.isalpha() and word[0] == letter


def _same_consonants(party: str, listed: str) -> bool:
    """Consonant skeletons agree (an Arabic-script "lrshyd" also as "rshyd": article al-)."""
    skeleton, listed_skeleton = consonants(party), consonants(listed)
    if len(skeleton) < 2:
        return False
    return skeleton == listed_skeleton or (skeleton[0] == "l" and skeleton[1:] == listed_skeleton)


_RECOGNISED = (TokenKind.PLACE, TokenKind.GENERIC)


def _edit_similarity(first: str, second: str) -> float:
    limit = allowed_between(first, second)
    if not limit:
        return 0.0
    distance = OSA.distance(first, second, score_cutoff=limit)
    return 1.0 - distance / max(len(first), len(second)) if distance <= limit else 0.0


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
    matches = _joined_pairs(party, listed, [], policy, whole_words_only=True)
    matches += _best_pairs(party, listed, policy, matches)
    matches += _joined_pairs(party, listed, matches, policy)
    matches += _misspelt_generic_pairs(party, listed, matches)
    excused: set[int] = set()
    if truncated:
        matches, excused = _truncated_pair(party, listed, matches, policy)
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


_Match = tuple[tuple[int, ...], tuple[int, ...], float, PairKind]


def _joined_into_known_word(
    match: _Match, party: Sequence[WeightedToken], listed: Sequence[WeightedToken]
) -> bool:
    """Words on one side written together into a place or trade word of the other."""
    party_ids, listed_ids, _, how = match
    if how is not PairKind.JOINED:
        return False
    whole = party[party_ids[0]] if len(party_ids) == 1 else listed[listed_ids[0]]
    return whole.kind in _RECOGNISED


def _best_pairs(
    party: Sequence[WeightedToken],
    listed: Sequence[WeightedToken],
    policy: MatchPolicy,
    taken: list[_Match],
) -> list[_Match]:
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
    matches: list[_Match] = []
    for similarity, _, i, j, how in scored:
        if i not in used_party and j not in used_listed:
            used_party.add(i)
            used_listed.add(j)
            matches.append(((i,), (j,), similarity, how))
    return matches


def _joined_pairs(
    party: Sequence[WeightedToken],
    listed: Sequence[WeightedToken],
    matches: list[_Match],
    policy: MatchPolicy,
    whole_words_only: bool = False,
) -> list[_Match]:
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
    joined: list[_Match] = []
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
) -> list[_Match]:
    """Two words on each side, the same letters split at another place ("alF-arrani" for
    "al-Farrani": a letter moved across the hyphen)."""
    found: list[_Match] = []
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


def _truncated_pair(
    party: Sequence[WeightedToken],
    listed: Sequence[WeightedToken],
    matches: list[_Match],
    policy: MatchPolicy,
) -> tuple[list[_Match], set[int]]:
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


def _misspelt_generic_pairs(
    party: Sequence[WeightedToken], listed: Sequence[WeightedToken], matches: list[_Match]
) -> list[_Match]:
    """A party word that is a typo of one spelling of a listed generic word ("Gupp", "Grupp")."""
    used_party = {i for ids, _, _, _ in matches for i in ids}
    used_listed = {j for _, ids, _, _ in matches for j in ids}
    found: list[_Match] = []
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


@lru_cache(maxsize=1 << 16)
def generic_typo(word: str, generic: str) -> float:
    """How near a word is to the nearest spelling of a generic word (0 if beyond a typo)."""
    spellings = lexicon.GENERIC_SPELLINGS.get(generic, ())
    return max((_edit_similarity(word, spelling) for spelling in spellings), default=0.0)


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
    matches: list[_Match],
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
