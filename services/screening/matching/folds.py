"""Ways a word is written differently from the listed spelling, each folded to one key.

Every fold is a general rule documented in the policy file (`name_matching._rules`): the
matcher compares two words by these keys and names the fold in a hit's explanation.
"""

from __future__ import annotations

import re
from functools import lru_cache
from operator import itemgetter

_VOWELS = frozenset("aeiou")
_NO_VOWELS = str.maketrans("", "", "aeiou")
# Letters and digraphs that romanisation systems and phonetic respellings render differently
# (Cyrillic kha: kh/h, tse: ts/c, zhe: zh/j; Greek upsilon: y/i, xi: x/ks; w/v; ph/f; c/k;
# s/z; gh/g; ie/ei), folded to one spelling.
_SPELLINGS = (
    ("shch", "sh"),
    ("sch", "sh"),
    ("kh", "h"),
    ("gh", "g"),
    ("zh", "j"),
    ("tz", "c"),
    ("ts", "c"),
    ("ph", "f"),
    ("ck", "k"),
    ("yu", "u"),
    ("iu", "u"),
    ("ya", "a"),
    ("ia", "a"),
    ("ie", "ei"),
    ("w", "v"),
    ("q", "k"),
    ("x", "ks"),
    ("y", "i"),
    ("c", "k"),
    ("z", "s"),
)
# Letter shapes a text recogniser confuses: "rn" read for "m", "cl" for "d", "vv" for "w".
_OCR_SHAPES = (("rn", "m"), ("cl", "d"), ("vv", "w"))
# Digits read for the letters they look like, inside a word that has letters ("NS0", "2rt").
DIGIT_LETTERS = str.maketrans("0125836", "olzsbeg")
_DIGIT = re.compile(r"\d")


_DOUBLED = re.compile(r"(.)\1+")
# The run's letter, read off the match in C: a template ("\\1") is expanded in Python per match.
_RUN_LETTER = itemgetter(1)


def single_letters(text: str) -> str:
    """Doubled (or longer) runs of one letter written once ("mohammad" -> "mohamad")."""
    return _DOUBLED.sub(_RUN_LETTER, text) if _DOUBLED.search(text) else text


@lru_cache(maxsize=1 << 18)
def spelling_key(text: str) -> str:
    """A word with romanisation and phonetic variants folded ("Tsement", "Cement" -> "kement")."""
    for written, folded in _SPELLINGS:
        text = text.replace(written, folded)
    return single_letters(text)


def ocr_key(text: str) -> str:
    """A word with letter shapes a text recogniser confuses folded ("Ahrnad" -> "ahmad")."""
    for written, folded in _OCR_SHAPES:
        text = text.replace(written, folded)
    return text


def vowel_key(text: str) -> str:
    """First letter, the inner letters without vowels, last letter, doubled letters once."""
    if len(text) < 3:
        return text
    return single_letters(text[0] + text[1:-1].translate(_NO_VOWELS) + text[-1])


def consonant_key(text: str) -> str:
    """First letter, then the consonants after it, doubled letters once ("Farrani" -> "frn")."""
    return single_letters(text[:1] + text[1:].translate(_NO_VOWELS))


def is_vowel_dropped(text: str) -> bool:
    """A word written without its inner vowels ("Mhmmd", "Trdng"): no vowel inside it."""
    return len(text) >= 3 and text.isalpha() and not _VOWELS.intersection(text[1:-1])


def fold_digits(token: str) -> str:
    """Digits inside a word read as the letters they look like; all-digit words unchanged."""
    if token.isalpha() or token.isdigit() or _DIGIT.search(token) is None:
        return token
    return token.translate(DIGIT_LETTERS)
