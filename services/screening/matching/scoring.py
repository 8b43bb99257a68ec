"""How alike two normalised words are, and how they match: the same word, a typo, another
romanisation, matching consonants, an initial, letters a text recogniser confuses."""

from __future__ import annotations

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
    if party.kind in RECOGNISED and listed.kind is not party.kind:
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


# Kinds of word a dictionary knows: one is never a misspelling of a word of another kind.
RECOGNISED = (TokenKind.PLACE, TokenKind.GENERIC)


def _edit_similarity(first: str, second: str) -> float:
    limit = allowed_between(first, second)
    if not limit:
        return 0.0
    distance = OSA.distance(first, second, score_cutoff=limit)
    return 1.0 - distance / max(len(first), len(second)) if distance <= limit else 0.0


@lru_cache(maxsize=1 << 16)
def generic_typo(word: str, generic: str) -> float:
    """How near a word is to the nearest spelling of a generic word (0 if beyond a typo)."""
    spellings = lexicon.GENERIC_SPELLINGS.get(generic, ())
    return max((_edit_similarity(word, spelling) for spelling in spellings), default=0.0)
