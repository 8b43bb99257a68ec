"""From a name as written to comparable tokens, remembering what was changed on the way."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from services.screening.matching.folds import fold_digits
from services.screening.matching.known_words import join_split_known_words, known_word
from services.screening.matching.legal_affixes import (
    ABBREVIATION,
    slips_kept_before_form,
    strip_affixes,
)
from services.screening.matching.romanise import mixed_latin, mostly_latin, romanise_word
from services.screening.matching.scripts import remove_invisible
from services.screening.matching.token_kinds import NameToken, TokenKind, classify

__all__ = ["NameToken", "NormalisedName", "TokenKind", "normalise_name"]


@dataclass(frozen=True, slots=True)
class NormalisedName:
    """A name's tokens and a record of what normalisation did to get them."""

    tokens: tuple[NameToken, ...]
    legal_forms: tuple[str, ...] = ()
    transliterated_from: tuple[str, ...] = ()
    lookalikes_folded: int = 0
    invisible_removed: int = 0
    titles: tuple[str, ...] = ()  # titles and generational affixes dropped ("prof", "jr")
    digits_read: tuple[str, ...] = ()  # words whose digits were read as letters ("ns0")
    words_read: tuple[tuple[str, str], ...] = ()  # (as written, as read): "cornpany", "company"
    cut_legal_form: str = ""  # a legal form cut at a field limit ("co lt"), set by the index


def normalise_name(raw: str) -> NormalisedName:
    """Normalise a party or list name: Unicode, scripts, case, punctuation, legal forms."""
    text, invisible = (
        (raw, 0) if raw.isascii() else remove_invisible(unicodedata.normalize("NFKC", raw))
    )
    raw_words = text.split()
    # A word mixing Latin letters with look-alikes is a spoof: the name is Latin.
    latin_context = any(mostly_latin(word) or mixed_latin(word) for word in raw_words)
    words = [romanise_word(word, latin_context) for word in raw_words]
    pairs = [(token, fold_digits(token), word.abjad) for word in words for token in word.tokens]
    flat = [(read, abjad) for _, read, abjad in pairs]
    digits_read = tuple(token for token, read, _ in pairs if read != token)
    written = join_split_known_words([token for token, _ in flat])
    read = [known_word(token) for token in written]
    if read != written:
        read = slips_kept_before_form(written, read)
    abbreviated = bool(raw_words) and ABBREVIATION.fullmatch(raw_words[-1]) is not None
    kept, legal_forms, titles = strip_affixes(read, abbreviated)
    abjad_of = dict(flat)
    tokens = tuple(classify(token, abjad_of.get(token, False)) for token in kept)
    if not tokens and flat:
        # A name made only of legal-form words ("Limited") is still a name.
        tokens = tuple(NameToken(token, TokenKind.DISTINCTIVE) for token, _ in flat)
        legal_forms, titles = [], []
    words_read = tuple(
        (before, after) for before, after in zip(written, read, strict=True) if before != after
    )
    scripts = tuple(dict.fromkeys(str(word.script) for word in words if word.script is not None))
    return NormalisedName(
        tokens=tokens,
        legal_forms=tuple(legal_forms),
        transliterated_from=scripts,
        lookalikes_folded=sum(word.folded for word in words),
        invisible_removed=invisible,
        titles=tuple(titles),
        digits_read=digits_read,
        words_read=tuple(dict.fromkeys(words_read)),
    )
