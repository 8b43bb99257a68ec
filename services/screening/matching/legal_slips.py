"""A party's legal form written another way at one end of its name, read as the listed name's.

"Elektroniks JSX" for "Elektroniks JSC", "Co., Lyd." for "Co., Ltd.", "OIO ..." or "OO ..." for
"OOO ...", "Ltd. Şt." for "Ltd. Şti.", "Shmi Khs" or "Saharni has" for "Sahami Khas": a
three-letter legal-form word with one letter replaced, a legal-form word with a repeated letter
written fewer times, without its vowels after its first letter, respelt or OCR-confused. Read
alone, a three-letter word one letter from some legal form is as often a person's name or an
acronym ("Pak", "ABS"); read against the legal form of the listed name being compared, it is
that form written another way. So the rule runs per comparison, only for a party whose first or
last word could be such a slip.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache

from services.screening.matching import lexicon
from services.screening.matching.folds import (
    consonant_key,
    ocr_key,
    single_letters,
    spelling_key,
    vowel_key,
)
from services.screening.matching.normalise import TokenKind
from services.screening.matching.scoring import WeightedToken

_FORM_WORDS = frozenset(word for form in lexicon.LEGAL_FORMS for word in form if word.isalpha())
_THREE_LETTER_WORDS = tuple(sorted(word for word in _FORM_WORDS if len(word) == 3))
_RUNS = frozenset(single_letters(word) for word in _FORM_WORDS if single_letters(word) != word)
_SPELT = frozenset(spelling_key(word) for word in _FORM_WORDS if len(word) >= 3)
_VOWELLESS = frozenset(
    key
    for word in _FORM_WORDS
    for key in (vowel_key(word), consonant_key(word))
    if len(key) >= 2 and key != word
)


def slip_of(word: str, form: str) -> str:
    """How `word` writes the legal-form word `form`: respelt ("has" for "khas"), with letter
    shapes a text recogniser confuses ("saharni" for "sahami"), with one of three letters
    replaced ("jsx", "lyd"), with a repeated letter written fewer times ("oo" for "ooo"), or
    without its vowels after the first letter ("st" for "sti", "khs" for "khas"); "" if none."""
    if word == form or not word.isalpha():
        return ""
    shorter = len(word) < len(form)
    if len(word) == len(form) == 3 and sum(a != b for a, b in zip(word, form, strict=True)) == 1:
        return "mistyped"
    if shorter and single_letters(word) == single_letters(form):
        return "letter written once"
    if shorter and len(word) >= 2 and word in (vowel_key(form), consonant_key(form)):
        return "vowels dropped"
    if len(form) >= 3 and spelling_key(word) == spelling_key(form):
        return "respelt"
    if ocr_key(word) == form:
        return "OCR-folded"
    return ""


@lru_cache(maxsize=1 << 16)
def may_be_slip(word: str) -> bool:
    """Whether a word could be some legal-form word mistyped so (the cheap test first)."""
    if (word,) in lexicon.LEGAL_FORMS or len(word) < 2 or not word.isalpha():
        return False
    if word in _VOWELLESS or single_letters(word) in _RUNS or ocr_key(word) in _FORM_WORDS:
        return True
    if len(word) >= 3 and spelling_key(word) in _SPELT:
        return True
    return len(word) == 3 and any(slip_of(word, form) for form in _THREE_LETTER_WORDS)


def slip_ends(party: Sequence[WeightedToken]) -> bool:
    """Whether the party's first or last word may be a mistyped legal-form word."""
    return len(party) > 1 and any(
        token.kind is TokenKind.DISTINCTIVE and may_be_slip(token.text)
        for token in (party[0], party[-1])
    )


def read_as_listed_form(
    party: Sequence[WeightedToken], listed_forms: Sequence[str]
) -> tuple[list[WeightedToken], tuple[tuple[str, str, str], ...]]:
    """The party's words without those at either end that are the listed legal form's words,
    one of them at least written another way ("co lyd" for "co ltd"); and what was read as
    what, and how (`slip_of`)."""
    words = sorted({word for form in listed_forms for word in form.split() if word.isalpha()})
    if not words:
        return list(party), ()
    kept = list(party)
    read: list[tuple[str, str, str]] = []
    for end in (-1, 0):
        run: list[tuple[str, str, str]] = []
        position = end
        while len(kept) - len(run) > 1:
            text = kept[position].text
            slipped = next(((form, how) for form in words if (how := slip_of(text, form))), None)
            if slipped is not None:
                run.append((text, *slipped))
            elif text in words:
                run.append((text, text, ""))
            else:
                break
            position += -1 if end == -1 else 1
        if any(how for _, _, how in run):
            kept = kept[: len(kept) - len(run)] if end == -1 else kept[len(run) :]
            read += [slip for slip in run if slip[2]]
    return kept, tuple(read)
