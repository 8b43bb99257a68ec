"""What each token of a name says about who a party is: its kind, from the lexicon."""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum
from functools import lru_cache

from services.screening.matching import lexicon


class TokenKind(IntEnum):
    """How much a token says about who a party is."""

    DISTINCTIVE = 0
    PLACE = 1
    GENERIC = 2
    FILLER = 3  # joining words ("and", "de"); kept because "de" is also a pinyin syllable


@dataclass(frozen=True, slots=True)
class NameToken:
    """One comparable word of a name."""

    text: str
    kind: TokenKind
    abjad: bool = False  # romanised from Arabic or Hebrew letters: mostly consonants


def classified(token: str, abjad: bool) -> NameToken:
    """A token of its kind: a trade word, a joining word, a place (in its canonical spelling) or
    a distinctive word."""
    canonical = lexicon.GENERIC_CANONICAL.get(token)
    if canonical is not None:
        return NameToken(canonical, TokenKind.GENERIC, abjad)
    if token in lexicon.STOPWORDS:
        return NameToken(token, TokenKind.FILLER, abjad)
    place = lexicon.PLACE_SPELLINGS.get(token, token)
    if place in lexicon.place_words():
        return NameToken(place, TokenKind.PLACE, abjad)
    return NameToken(token, TokenKind.DISTINCTIVE, abjad)


classify = lru_cache(maxsize=1 << 18)(classified)
