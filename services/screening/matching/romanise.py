"""Each written word of a name as Latin tokens: scripts transliterated, look-alikes folded."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from services.screening.matching import lexicon
from services.screening.matching.scripts import (
    ABJADS,
    LOOKALIKE_SCRIPTS,
    LOOKALIKES,
    SYLLABIC,
    Script,
    fold_lookalikes,
    script_of,
    transliterate,
)

_DROPPED = re.compile(r"[.'`\u2019\u02bc\u02bb]")
_SEPARATORS = re.compile(r"[^a-z0-9]+")


@dataclass(frozen=True, slots=True)
class RomanisedWord:
    """A written word's Latin tokens, the script they were transliterated from, if any."""

    tokens: tuple[str, ...]
    script: Script | None  # transliterated from, if not Latin
    folded: int
    abjad: bool


def mostly_latin(word: str) -> bool:
    """Whether most of a word's letters are Latin."""
    if word.isascii():
        return any(char.isalpha() for char in word)
    scripts = [script_of(char) for char in word if char.isalpha()]
    latin = sum(1 for script in scripts if script is Script.LATIN)
    return latin > len(scripts) - latin


def mixed_latin(word: str) -> bool:
    """Whether a word mixes Latin letters with look-alikes of another script."""
    if word.isascii():
        return False
    scripts = {script_of(char) for char in word}
    return Script.LATIN in scripts and bool(scripts & LOOKALIKE_SCRIPTS)


def romanised(word: str, latin_context: bool) -> RomanisedWord:
    """A written word as Latin tokens (`latin_context`: the name has a Latin word)."""
    if word.isascii():
        return RomanisedWord(_split(word), None, 0, abjad=False)
    scripts = {script_of(char) for char in word} - {Script.NONE}
    folded = 0
    foreign = scripts - {Script.LATIN}
    # A Latin word with a few Cyrillic or Greek letters in it is a spoof: fold the letters back.
    # A whole word in those scripts is folded only inside a Latin name, and only if every letter
    # has a Latin twin; otherwise it is a real word of that script and gets transliterated.
    if (
        foreign
        and foreign <= LOOKALIKE_SCRIPTS
        and (
            Script.LATIN in scripts
            or (latin_context and all(c in LOOKALIKES for c in word if script_of(c) in foreign))
        )
    ):
        word, folded = fold_lookalikes(word)
        foreign = set()
    tokens = _syllabic_tokens(word) if foreign & SYLLABIC else _split(transliterate(word))
    script = min(foreign, key=str) if foreign else None
    return RomanisedWord(tokens, script, folded, abjad=bool(foreign & ABJADS))


romanise_word = lru_cache(maxsize=1 << 18)(romanised)


def _split(text: str) -> tuple[str, ...]:
    plain = transliterate(text) if not text.isascii() else text
    return tuple(_SEPARATORS.sub(" ", _DROPPED.sub("", plain.lower())).split())


def _syllabic_tokens(word: str) -> tuple[str, ...]:
    """Chinese, Japanese and Korean: one syllable per character, regrouped into words."""
    tokens: list[str] = []
    syllables: list[str] = []
    other: list[str] = []
    for char in word:
        if script_of(char) in SYLLABIC:
            tokens.extend(_split("".join(other)))
            other = []
            syllables.append(transliterate(char).lower())
        else:
            tokens.extend(_group_syllables(syllables))
            syllables = []
            other.append(char)
    tokens.extend(_split("".join(other)))
    tokens.extend(_group_syllables(syllables))
    return tuple(token for token in tokens if token)


def _group_syllables(syllables: Sequence[str]) -> list[str]:
    # Known words (legal forms, generic words, places) are cut out first; what lies between them
    # is one word if short (brands are mostly two or three characters), else pairs of syllables.
    words: list[str] = []
    pending: list[str] = []
    position = 0
    while position < len(syllables):
        for length in range(min(lexicon.LONGEST_CJK_WORD, len(syllables) - position), 1, -1):
            candidate = "".join(syllables[position : position + length])
            if candidate in lexicon.CJK_WORDS:
                words.extend(_unknown_run(pending))
                pending = []
                words.append(candidate)
                position += length
                break
        else:
            pending.append(syllables[position])
            position += 1
    words.extend(_unknown_run(pending))
    return words


def _unknown_run(syllables: Sequence[str]) -> list[str]:
    if len(syllables) <= 3:
        return ["".join(syllables)] if syllables else []
    return ["".join(syllables[i : i + 2]) for i in range(0, len(syllables), 2)]
