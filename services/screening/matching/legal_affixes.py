"""Titles, generational affixes and legal forms at a name's ends (and long legal forms anywhere)."""

from __future__ import annotations

import re
from functools import lru_cache

from rapidfuzz.distance import OSA

from services.screening.matching import lexicon
from services.screening.matching.folds import spelling_key
from services.screening.matching.legal_forms import PARTIAL_LEGAL_WORDS, scattered_form_words
from services.screening.matching.token_kinds import TokenKind, classified

# A word of two or three letters each followed by a full stop ("S.A.", "z.A.", "o.o."): how
# legal forms are abbreviated, and how a person's name is not written.
# A letter may be missing between the stops ("S.." for "S.A.", vowels dropped).
ABBREVIATION = re.compile(r"(?=(?:\.*[^\W\d_]){1,3}\.*$)(?:[^\W\d_]?\.){2,3}")


def strip_affixes(
    tokens: list[str], abbreviated: bool = False
) -> tuple[list[str], list[str], list[str]]:
    """Remove titles before a name, generational affixes after it and legal forms at either
    end, and unambiguous legal forms (3+ letters) anywhere; one word at least is kept.

    `abbreviated`: the name's last word is written as letters with full stops ("z.A.", "S.Z."),
    as legal forms are: respelt or mistyped, it is read as the legal form even after one word.
    """
    tail = _branch_tail(tokens)
    if tail:  # "X Co., Ltd. (Beijing) Branch": the legal form ends the name before its branch
        before, forms, affixes = strip_affixes(tokens[:-tail])
        return before + tokens[-tail:], forms, affixes
    removed: list[str] = []
    titles: list[str] = []
    # Every rule below starts from a word at one end of the name: most names have none.
    changed = len(tokens) > 1 and (may_be_affix(tokens[0]) or may_be_affix(tokens[-1]))
    slips = 1
    while changed and len(tokens) > 1:
        if (removed or titles) and not _ends_may_change(tokens, abbreviated):
            break  # (every change removes a word into one of them: not the first pass)
        changed = False
        short_form = _respelt_short_legal_word(tokens[-1]) or (
            abbreviated
            and (_slipped_legal_word(tokens[-1]) or tokens[-1] in _VOWELLESS_SHORT_LEGAL_WORDS)
            and not _ends_in_legal_form(tokens)
        )
        if not removed and (len(tokens) > 2 or abbreviated) and short_form:
            removed.append(tokens[-1])  # "Ko." for "Co.", "z.A." or "S.Z." for "S.A." at the end
            tokens, changed = tokens[:-1], True
            continue
        for end in (-1, 0):
            transposed = _transposed_legal_word(tokens[end])
            if transposed is not None:  # "Ldt", "POA" at either end of the name
                removed.append(f"{tokens[end]} ({transposed})")
                tokens = tokens[:-1] if end == -1 else tokens[1:]
                changed = True
                break
        if changed:
            continue
        if removed and slips and _slipped_legal_word(tokens[-1]):
            # A legal-form word mistyped beside a legal form ("Pre. Ltd.", "Vo., Ltd.").
            removed.append(tokens[-1])
            tokens, changed, slips = tokens[:-1], True, 0
            continue
        if tokens[0] in lexicon.TITLES:
            titles.append(tokens[0])
            tokens, changed = tokens[1:], True
            continue
        if tokens[-1] in lexicon.AFFIXES:
            titles.append(tokens[-1])
            tokens, changed = tokens[:-1], True
            continue
        ending = _FORM_LENGTHS_BY_LAST.get(tokens[-1], ())
        beginning = _FORM_LENGTHS_BY_FIRST.get(tokens[0], ())
        if not (ending or beginning):
            continue  # no legal form ends or begins the name
        for length in range(min(lexicon.LONGEST_LEGAL_FORM, len(tokens)), 0, -1):
            if length in ending and tuple(tokens[-length:]) in lexicon.LEGAL_FORMS:
                removed.append(" ".join(tokens[-length:]))
                tokens, changed = tokens[:-length], True
                break
            if (
                length in beginning
                and length < len(tokens)
                and tuple(tokens[:length]) in lexicon.LEGAL_FORMS
            ):
                removed.append(" ".join(tokens[:length]))
                tokens, changed = tokens[length:], True
                break
    kept: list[str] = []
    for token in tokens:
        if token in LONG_LEGAL_FORMS and len(tokens) > 1:
            removed.append(token)
        else:
            kept.append(token)
    if not PARTIAL_LEGAL_WORDS.keys().isdisjoint(kept):
        scattered = scattered_form_words(kept, removed)
        if scattered and len(scattered) < len(kept):
            removed += [f"{kept[i]} ({form})" for i, form in scattered.items()]
            kept = [word for i, word in enumerate(kept) if i not in scattered]
    return kept, removed, titles


# Words naming a branch or representative office, written after the company's legal form.
BRANCH_WORDS = frozenset(
    (*lexicon.GENERIC_SPELLINGS["branch"], *lexicon.GENERIC_SPELLINGS["representative"])
)


def _branch_tail(tokens: list[str]) -> int:
    """How many last words name a branch (with the place before them) after a legal form."""
    tail = 0
    while tail < len(tokens) - 1 and tokens[-1 - tail] in BRANCH_WORDS:
        tail += 1
    if (
        tail
        and tail < len(tokens) - 1
        and classified(tokens[-1 - tail], False).kind is TokenKind.PLACE
    ):
        tail += 1
    return tail if tail and _ends_in_legal_form(tokens[:-tail]) else 0


def _form_lengths(end: int) -> dict[str, frozenset[int]]:
    """The lengths of the legal forms by their last (`end` -1) or first (0) word."""
    lengths: dict[str, set[int]] = {}
    for form in lexicon.LEGAL_FORMS:
        lengths.setdefault(form[end], set()).add(len(form))
    return {word: frozenset(found) for word, found in lengths.items()}


_FORM_LENGTHS_BY_LAST = _form_lengths(-1)
_FORM_LENGTHS_BY_FIRST = _form_lengths(0)
LONG_LEGAL_FORMS = frozenset(  # legal forms of one word of 3+ letters, removed anywhere
    form[0] for form in lexicon.LEGAL_FORMS if len(form) == 1 and len(form[0]) >= 3
)


def _ends_in_legal_form(tokens: list[str]) -> bool:
    return any(
        tuple(tokens[-length:]) in lexicon.LEGAL_FORMS
        for length in range(1, min(lexicon.LONGEST_LEGAL_FORM, len(tokens)) + 1)
    )


_LEGAL_WORDS = frozenset(word for form in lexicon.LEGAL_FORMS for word in form)


def slips_kept_before_form(written: list[str], read: list[str]) -> list[str]:
    """In a name ending in a legal form, a first word read as a legal-form word only through a
    slip ("Berhal" as "berhad", "Limitad") stays as written: a name has one legal form, and a
    word one letter from a legal-form word is as often a name word."""
    first, first_read = written[0], read[0]
    if first == first_read or first_read not in _LEGAL_WORDS or len(read) < 3:
        return read
    if not _ends_in_legal_form(read[2:]):  # a legal form after the first word and one more
        return read
    return [first, *read[1:]]


def _ends_may_change(tokens: list[str], abbreviated: bool) -> bool:
    """Whether a rule of `strip_affixes`'s loop can apply: each starts from an end word."""
    return (
        may_be_affix(tokens[0])
        or may_be_affix(tokens[-1])
        or (abbreviated and tokens[-1] in _VOWELLESS_SHORT_LEGAL_WORDS)
    )


@lru_cache(maxsize=1 << 18)
def may_be_affix(token: str) -> bool:
    """A title, an affix, a legal-form word or one respelt, transposed or mistyped."""
    return (
        token in lexicon.TITLES
        or token in lexicon.AFFIXES
        or token in _LEGAL_WORDS
        or _respelt_short_legal_word(token)
        or _transposed_legal_word(token) is not None
        or _slipped_legal_word(token)
    )


_SHORT_LEGAL_WORDS = tuple(
    sorted({w for form in lexicon.LEGAL_FORMS for w in form if 2 <= len(w) <= 3 and w.isalpha()})
)


# Two- and three-letter legal-form words written without their vowels ("s" for "sa").
_VOWELLESS_SHORT_LEGAL_WORDS = frozenset(
    stripped
    for word in _SHORT_LEGAL_WORDS
    if (stripped := word.translate(str.maketrans("", "", "aeiou"))) and stripped != word
)


_SHORT_LEGAL_KEYS = frozenset(spelling_key(w) for w in _SHORT_LEGAL_WORDS if len(w) == 2)


@lru_cache(maxsize=1 << 16)
def _slipped_legal_word(token: str) -> bool:
    """One letter in place of another in a legal-form word of two or three letters ("pre" for
    "pte", "vo" for "co")."""
    if not 2 <= len(token) <= 3 or (token,) in lexicon.LEGAL_FORMS or not token.isalpha():
        return False  # (the words it could be a slip of have two or three letters)
    return any(
        len(form) == len(token) and OSA.distance(token, form, score_cutoff=1) <= 1
        for form in _SHORT_LEGAL_WORDS
    )


@lru_cache(maxsize=1 << 16)
def _respelt_short_legal_word(token: str) -> bool:
    """A two-letter legal-form word respelt phonetically (c/k, s/z): "ko", "za"."""
    if len(token) != 2 or (token,) in lexicon.LEGAL_FORMS:
        return False
    return spelling_key(token) in _SHORT_LEGAL_KEYS


_LEGAL_LETTERS = frozenset("".join(sorted(w)) for form in lexicon.LEGAL_FORMS for w in form)


@lru_cache(maxsize=1 << 16)
def _transposed_legal_word(token: str) -> str | None:
    """A legal-form word of three or four letters with two neighbouring letters swapped
    ("ldt", "poa"); longer ones are read with one slip anywhere (`known_word`)."""
    if not 3 <= len(token) <= 4 or "".join(sorted(token)) not in _LEGAL_LETTERS:
        return None
    if (token,) in lexicon.LEGAL_FORMS:
        return None
    for i in range(len(token) - 1):
        swapped = token[:i] + token[i + 1] + token[i] + token[i + 2 :]
        if swapped != token and (swapped,) in lexicon.LEGAL_FORMS:
            return swapped
    return None
