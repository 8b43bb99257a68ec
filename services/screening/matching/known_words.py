"""Legal-form and trade words written through a fold, a slip or a split, read as themselves."""

from __future__ import annotations

from functools import lru_cache

from rapidfuzz.distance import OSA

from services.screening.matching import lexicon
from services.screening.matching.folds import (
    is_vowel_dropped,
    ocr_key,
    single_letters,
    spelling_key,
    vowel_key,
)
from services.screening.matching.legal_forms import PARTIAL_LEGAL_WORDS


def _is_known(token: str) -> bool:
    return (
        (token,) in lexicon.LEGAL_FORMS
        or token in lexicon.GENERIC_CANONICAL
        or token in PARTIAL_LEGAL_WORDS
    )


# Every proper beginning of a legal-form or trade word: a word joined to the next one into
# such a word (`join_split_known_words`) is one of these.
KNOWN_BEGINNINGS = frozenset(
    word[:end]
    for word in {form[0] for form in lexicon.LEGAL_FORMS if len(form) == 1}
    | set(lexicon.GENERIC_CANONICAL)
    for end in range(1, len(word))
)


# What two written words are joined into: a known word (`_is_known`) of four letters or more,
# or a legal form of three.
_JOINED_WORDS = frozenset(
    word
    for word in {form[0] for form in lexicon.LEGAL_FORMS if len(form) == 1}
    | set(lexicon.GENERIC_CANONICAL)
    | set(PARTIAL_LEGAL_WORDS)
    if len(word) >= 4 or (len(word) == 3 and (word,) in lexicon.LEGAL_FORMS)
)


def join_split_known_words(tokens: list[str]) -> list[str]:
    """A legal-form or trade word split by a space ("Com pany", "Serv ice", "L td", "Youxia n"),
    written whole; of three letters, only a legal form."""
    joined: list[str] = []
    for token in tokens:
        if (
            joined
            and joined[-1] + token in _JOINED_WORDS
            and not _is_known(token)
            and not _is_known(joined[-1])
        ):
            joined[-1] += token
            continue
        joined.append(token)
    return joined


def _fold_keys(word: str) -> set[str]:
    keys = set()
    if (word,) in lexicon.LEGAL_FORMS and len(single := single_letters(word)) >= 2:
        keys.add("d:" + single)  # doubled letters written once ("LC" for "LLC")
    if len(word) >= 3 and (word,) in lexicon.LEGAL_FORMS:
        keys.add("s:" + spelling_key(word))  # a brand respelt may be a trade word: not those
    if len(word) >= 5:
        keys.add("v:" + vowel_key(word))
    return keys


@lru_cache(maxsize=1)
def _known_by_fold() -> dict[str, str]:
    """Legal-form and trade words by their folded spellings (OCR, phonetic, vowels dropped),
    keeping only keys that stand for one word."""
    known = {form[0] for form in lexicon.LEGAL_FORMS if len(form) == 1} | set(
        lexicon.FOLDABLE_GENERIC
    )
    owners: dict[str, set[str]] = {}
    for word in known:
        for key in _fold_keys(word):
            owners.setdefault(key, set()).add(word)
    return {key: next(iter(words)) for key, words in owners.items() if len(words) == 1}


_LONG_LEGAL_WORDS = tuple(
    sorted({w for form in lexicon.LEGAL_FORMS for w in form if len(w) >= 6 and w.isalpha()})
)


def _long_legal_near() -> dict[tuple[str, int], tuple[str, ...]]:
    """Long legal-form words by one of their first two letters and a word length at most one
    letter from theirs: those a word of that letter and length may be one slip from."""
    near: dict[tuple[str, int], list[str]] = {}
    for word in _LONG_LEGAL_WORDS:
        for letter in dict.fromkeys(word[:2]):
            for length in (len(word) - 1, len(word), len(word) + 1):
                near.setdefault((letter, length), []).append(word)
    return {key: tuple(words) for key, words in near.items()}


_LONG_LEGAL_NEAR = _long_legal_near()


@lru_cache(maxsize=1 << 18)
def known_word(token: str) -> str:
    """A legal-form or trade word written through a fold ("Cornpany", "Trdng", "kompany"), or
    with one slip in a long legal-form word ("Lmiited", "Compant"), read as that word."""
    if (token,) in lexicon.LEGAL_FORMS or token in lexicon.GENERIC_CANONICAL or token.isdigit():
        return token
    read = ocr_key(token)
    if (read,) in lexicon.LEGAL_FORMS or read in lexicon.GENERIC_CANONICAL:
        return read
    folded = _known_by_fold()
    if "d:" + token in folded:
        return folded["d:" + token]
    if len(token) < 3:
        return token
    candidates = ["s:" + spelling_key(token)]
    if is_vowel_dropped(token):
        candidates.append("v:" + vowel_key(token))
    for key in candidates:
        word = folded.get(key)
        # A short word is read only letter for letter ("llk"), never out of a longer one.
        if word is not None and (len(word) >= 4 or len(word) == len(token)):
            return word
    if len(token) >= 6:
        # One slip keeps the first or the second letter in place (a swap of the two keeps both).
        length = len(token)
        near = _LONG_LEGAL_NEAR.get((token[0], length), ())
        for form in near + _LONG_LEGAL_NEAR.get((token[1], length), ()):
            if OSA.distance(token, form, score_cutoff=1) <= 1:
                return form
    return token
