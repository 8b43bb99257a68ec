"""Writing systems in a name: invisible characters, look-alike letters and transliteration."""

from __future__ import annotations

import unicodedata
from enum import StrEnum

from anyascii import anyascii


class Script(StrEnum):
    """The writing systems the matcher treats differently."""

    LATIN = "Latin"
    CYRILLIC = "Cyrillic"
    GREEK = "Greek"
    ARMENIAN = "Armenian"
    ARABIC = "Arabic"
    HEBREW = "Hebrew"
    CHINESE = "Chinese"
    JAPANESE = "Japanese"
    KOREAN = "Korean"
    OTHER = "other script"
    NONE = "none"


# (first, last, script) code point ranges, searched in order.
_RANGES: tuple[tuple[int, int, Script], ...] = (
    (0x0000, 0x024F, Script.LATIN),
    (0x1E00, 0x1EFF, Script.LATIN),
    (0x0370, 0x03FF, Script.GREEK),
    (0x1F00, 0x1FFF, Script.GREEK),
    (0x0400, 0x052F, Script.CYRILLIC),
    (0x1C80, 0x1C8F, Script.CYRILLIC),
    (0xA640, 0xA69F, Script.CYRILLIC),
    (0x0530, 0x058F, Script.ARMENIAN),
    (0x0590, 0x05FF, Script.HEBREW),
    (0xFB1D, 0xFB4F, Script.HEBREW),
    (0x0600, 0x08FF, Script.ARABIC),
    (0xFB50, 0xFDFF, Script.ARABIC),
    (0xFE70, 0xFEFF, Script.ARABIC),
    (0x3040, 0x30FF, Script.JAPANESE),
    (0x1100, 0x11FF, Script.KOREAN),
    (0x3130, 0x318F, Script.KOREAN),
    (0xAC00, 0xD7AF, Script.KOREAN),
    (0x3400, 0x4DBF, Script.CHINESE),
    (0x4E00, 0x9FFF, Script.CHINESE),
    (0xF900, 0xFAFF, Script.CHINESE),
    (0x20000, 0x2FFFF, Script.CHINESE),
)

# Scripts written one syllable per character, without spaces between words.
SYLLABIC: frozenset[Script] = frozenset({Script.CHINESE, Script.JAPANESE, Script.KOREAN})
# Scripts that usually leave short vowels unwritten, so a romanised name keeps only consonants.
ABJADS: frozenset[Script] = frozenset({Script.ARABIC, Script.HEBREW})
# Scripts whose letters are used to fake Latin ones.
LOOKALIKE_SCRIPTS: frozenset[Script] = frozenset({Script.CYRILLIC, Script.GREEK, Script.ARMENIAN})

# Letters drawn like a Latin letter but encoded in another script (after Unicode's
# confusables.txt, restricted to the letters a spoofed company name can use).
LOOKALIKES: dict[str, str] = dict(
    zip(
        "АВЕЅІЈКМНОРСТХУаеѕіјорсхуԁԛԝһӏѴѵҮүӀΑΒΕΖΗΙΚΜΝΟΡΤΥΧαβεικνορτυχϲϳՕօՍսհոզ",
        "ABESIJKMHOPCTXYaesijopcxydqwhlVvYyIABEZHIKMNOPTYXaBeikvoptuxcjOoUuhnq",
        strict=True,
    )
)

# Characters with no width that can be slipped into a name without changing how it looks.
_INVISIBLE_EXTRA = frozenset(
    "\u034f\u115f\u1160\u17b4\u17b5\u180e\u2800\u3164\uffa0"
    + "".join(chr(c) for c in range(0xFE00, 0xFE10))
)


def script_of(char: str) -> Script:
    """The script of one character (NONE for digits, punctuation and marks)."""
    if not char.isalpha():
        return Script.NONE
    point = ord(char)
    for first, last, script in _RANGES:
        if first <= point <= last:
            return script
    return Script.OTHER


def remove_invisible(text: str) -> tuple[str, int]:
    """Drop zero-width and format characters (ZWJ, ZWNJ, soft hyphen, BOM, ...); count them."""
    kept = [
        char
        for char in text
        if unicodedata.category(char) != "Cf"
        and char not in _INVISIBLE_EXTRA
        and not 0xE0100 <= ord(char) <= 0xE01EF
    ]
    return "".join(kept), len(text) - len(kept)


def fold_lookalikes(word: str) -> tuple[str, int]:
    """Replace letters that imitate Latin ones by those Latin letters; count replacements."""
    folded = "".join(LOOKALIKES.get(char, char) for char in word)
    return folded, sum(1 for a, b in zip(word, folded, strict=True) if a != b)


def transliterate(text: str) -> str:
    """Latin rendering of any script (anyascii: Cyrillic, Greek, Arabic, Chinese, ...)."""
    return anyascii(text)
