"""A party's legal form mistyped at one end of its name, read against the listed name's form.

"Elektroniks JSX" for "Elektroniks JSC", "Co., Lyd." for "Co., Ltd.", "OIO ..." or "OO ..." for
"OOO ...": a three-letter legal-form word with one letter replaced, or a legal-form word with a
repeated letter written fewer times. Read alone, a three-letter word one letter from some legal
form is as often a person's name or an acronym ("Pak", "ABS"); read against the legal form of
the listed name being compared, it is that form mistyped. So the rule runs per comparison, only
for a party whose first or last word could be such a slip at all.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache

from services.screening.matching import lexicon
from services.screening.matching.folds import single_letters
from services.screening.matching.normalise import TokenKind
from services.screening.matching.scoring import WeightedToken

_FORM_WORDS = frozenset(word for form in lexicon.LEGAL_FORMS for word in form if word.isalpha())
_THREE_LETTER_WORDS = tuple(sorted(word for word in _FORM_WORDS if len(word) == 3))
_RUNS = frozenset(single_letters(word) for word in _FORM_WORDS if single_letters(word) != word)


def slip_of(word: str, form: str) -> bool:
    """`word` is the legal-form word `form` with one of three letters replaced ("jsx", "lyd"),
    or with a repeated letter written fewer times ("oo" for "ooo")."""
    if word == form or not word.isalpha():
        return False
    if len(word) == len(form) == 3:
        return sum(a != b for a, b in zip(word, form, strict=True)) == 1
    return len(word) < len(form) and single_letters(word) == single_letters(form)


@lru_cache(maxsize=1 << 16)
def may_be_slip(word: str) -> bool:
    """Whether a word could be some legal-form word mistyped so (the cheap test first)."""
    if (word,) in lexicon.LEGAL_FORMS or not 2 <= len(word) <= 3 or not word.isalpha():
        return False
    if single_letters(word) in _RUNS:
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
) -> tuple[list[WeightedToken], tuple[tuple[str, str], ...]]:
    """The party's words without those at either end that are the listed legal form's words,
    one of them at least mistyped ("co lyd" for "co ltd"); and what was read as what."""
    words = {word for form in listed_forms for word in form.split() if word.isalpha()}
    if not words:
        return list(party), ()
    kept = list(party)
    read: list[tuple[str, str]] = []
    for end in (-1, 0):
        run: list[tuple[str, str]] = []
        position = end
        while len(kept) - len(run) > 1:
            text = kept[position].text
            slipped = next((form for form in sorted(words) if slip_of(text, form)), None)
            if slipped is not None:
                run.append((text, slipped))
            elif text in words:
                run.append((text, text))
            else:
                break
            position += -1 if end == -1 else 1
        if any(written != form for written, form in run):
            kept = kept[: len(kept) - len(run)] if end == -1 else kept[len(run) :]
            read += [(written, form) for written, form in run if written != form]
    return kept, tuple(read)
