"""From a name as written to comparable tokens, remembering what was changed on the way."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from enum import IntEnum
from functools import lru_cache

from rapidfuzz.distance import OSA

from services.screening.matching import lexicon
from services.screening.matching.folds import (
    fold_digits,
    is_vowel_dropped,
    ocr_key,
    single_letters,
    spelling_key,
    vowel_key,
)
from services.screening.matching.legal_forms import PARTIAL_LEGAL_WORDS, scattered_form_words
from services.screening.matching.scripts import (
    ABJADS,
    LOOKALIKE_SCRIPTS,
    LOOKALIKES,
    SYLLABIC,
    Script,
    fold_lookalikes,
    remove_invisible,
    script_of,
    transliterate,
)

# A word of two or three letters each followed by a full stop ("S.A.", "z.A.", "o.o."): how
# legal forms are abbreviated, and how a person's name is not written.
# A letter may be missing between the stops ("S.." for "S.A.", vowels dropped).
_ABBREVIATION = re.compile(r"(?=(?:\.*[^\W\d_]){1,3}\.*$)(?:[^\W\d_]?\.){2,3}")
_DROPPED = re.compile(r"[.'`\u2019\u02bc\u02bb]")
_SEPARATORS = re.compile(r"[^a-z0-9]+")


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


@dataclass(frozen=True, slots=True)
class _Word:
    tokens: tuple[str, ...]
    script: Script | None  # transliterated from, if not Latin
    folded: int
    abjad: bool


def normalise_name(raw: str) -> NormalisedName:
    """Normalise a party or list name: Unicode, scripts, case, punctuation, legal forms."""
    text, invisible = (
        (raw, 0) if raw.isascii() else remove_invisible(unicodedata.normalize("NFKC", raw))
    )
    raw_words = text.split()
    # A word mixing Latin letters with look-alikes is a spoof: the name is Latin.
    latin_context = any(_mostly_latin(word) or _mixed_latin(word) for word in raw_words)
    words = [_romanise_word(word, latin_context) for word in raw_words]
    pairs = [(token, fold_digits(token), word.abjad) for word in words for token in word.tokens]
    flat = [(read, abjad) for _, read, abjad in pairs]
    digits_read = tuple(token for token, read, _ in pairs if read != token)
    written = _join_split_known_words([token for token, _ in flat])
    read = [_known_word(token) for token in written]
    if read != written:
        read = _slips_kept_before_form(written, read)
    abbreviated = bool(raw_words) and _ABBREVIATION.fullmatch(raw_words[-1]) is not None
    kept, legal_forms, titles = _strip_affixes(read, abbreviated)
    abjad_of = dict(flat)
    tokens = tuple(_classify(token, abjad_of.get(token, False)) for token in kept)
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


class WordCachedNormaliser:
    """`normalise_name` for many names (a whole list): the work of each distinct word is done
    once and kept here, not in the module's caches, so it is freed with this object.

    The rules that look across words are applied per name as `normalise_name` does; each runs
    only where a word's cached flags say it can change anything: joins of split words (some
    word is the beginning of a legal-form or trade word), affixes and legal forms (a word at
    either end may be one, or a long legal-form word is inside), romanisation of non-Latin words
    (they depend on whether the name has a Latin word), Arabic and Hebrew romanisation marks.
    """

    def __init__(self) -> None:
        self._latin: dict[str, bool] = {}
        self._words: tuple[dict[str, _CachedWord], dict[str, _CachedWord]] = ({}, {})
        self._abbreviated: dict[str, bool] = {}
        self._classified: tuple[dict[str, NameToken], dict[str, NameToken]] = ({}, {})  # by abjad

    def __call__(self, raw: str) -> NormalisedName:
        """The same NormalisedName as `normalise_name(raw)`."""
        text, invisible = (
            (raw, 0) if raw.isascii() else remove_invisible(unicodedata.normalize("NFKC", raw))
        )
        words, written, read, tokens, legal_forms, titles = self._normalised(text.split())
        scripts = (word.script for word in words if word.script is not None)
        changed = ((b, a) for b, a in zip(written, read, strict=True) if b != a)
        return NormalisedName(  # the fields in order, as `normalise_name` makes them
            tokens,
            tuple(legal_forms),
            tuple(dict.fromkeys(scripts)),
            sum(word.folded for word in words),
            invisible,
            tuple(titles),
            tuple(token for word in words for token in word.digits_read),
            tuple(dict.fromkeys(changed)),
        )

    def tokens(self, raw: str) -> tuple[NameToken, ...]:
        """The same tokens as `normalise_name(raw).tokens` (and nothing else, for less work)."""
        text = raw if raw.isascii() else remove_invisible(unicodedata.normalize("NFKC", raw))[0]
        return self._normalised(text.split())[3]

    def _normalised(
        self, raw_words: list[str]
    ) -> tuple[
        list[_CachedWord], list[str], list[str], tuple[NameToken, ...], list[str], list[str]
    ]:
        """The words, tokens as written and as read, the tokens kept, legal forms, titles."""
        words = self._cached_words(raw_words)
        written, read, kept, legal_forms, titles = self._read(raw_words, words)
        tokens = self._classified_tokens(words, kept)
        if not tokens and written:
            # A name made only of legal-form words ("Limited") is still a name.
            tokens = tuple(NameToken(t, TokenKind.DISTINCTIVE) for w in words for t in w.texts)
            legal_forms, titles = [], []
        return words, written, read, tokens, legal_forms, titles

    def _cached_words(self, raw_words: list[str]) -> list[_CachedWord]:
        latin = self._latin
        latin_context = False
        for word in raw_words:
            mostly = latin.get(word)
            if mostly is None:
                # A word mixing Latin letters with look-alikes is a spoof: the name is Latin.
                mostly = latin[word] = _mostly_latin(word) or _mixed_latin(word)
            if mostly:
                latin_context = True
                break
        cache = self._words[latin_context]
        return [cache.get(word) or self._word(word, latin_context) for word in raw_words]

    def _read(
        self, raw_words: list[str], words: list[_CachedWord]
    ) -> tuple[list[str], list[str], list[str], list[str], list[str]]:
        """Tokens as written (split words joined), as read, kept, legal forms and titles."""
        written = [token for word in words for token in word.texts]
        joined = False
        if len(written) > 1 and any(word.joinable for word in words):
            written = _join_split_known_words(written)
            joined = len(written) < sum(len(word.texts) for word in words)
        if joined:
            read = [_known_word(token) for token in written]
        else:
            read = [token for word in words for token in word.read]
        if read != written:
            read = _slips_kept_before_form(written, read)
        if len(read) < 2 or not (
            joined
            or _may_be_affix(read[0])
            or _may_be_affix(read[-1])
            or read[-1] in BRANCH_WORDS
            or any(word.inner_legal_form for word in words)
        ):  # what `_strip_affixes` returns for a name with no affix and no legal form
            return written, read, read, [], []
        abbreviated = self._abbreviated.get(raw_words[-1])
        if abbreviated is None:
            last = raw_words[-1]
            abbreviated = self._abbreviated[last] = _ABBREVIATION.fullmatch(last) is not None
        return written, read, *_strip_affixes(read, abbreviated)

    def _classified_tokens(
        self, words: list[_CachedWord], kept: list[str]
    ) -> tuple[NameToken, ...]:
        if any(word.abjad for word in words):
            abjad_of = {token: word.abjad for word in words for token in word.texts}
            return tuple(self._classify(token, abjad_of.get(token, False)) for token in kept)
        plain = self._classified[False]
        return tuple([plain.get(token) or self._classify(token, False) for token in kept])

    def _word(self, raw: str, latin_context: bool) -> _CachedWord:
        word = _romanised(raw, latin_context)
        pairs = [(token, fold_digits(token)) for token in word.tokens]
        read = tuple(_known_word(token) for _, token in pairs)
        cached = _CachedWord(
            texts=tuple(token for _, token in pairs),
            digits_read=tuple(token for token, folded in pairs if folded != token),
            read=read,
            script=None if word.script is None else str(word.script),
            folded=word.folded,
            abjad=word.abjad,
            joinable=any(token in _KNOWN_BEGINNINGS for _, token in pairs),
            inner_legal_form=any(t in _LONG_LEGAL_FORMS for t in read),
        )
        self._words[latin_context][raw] = cached
        return cached

    def _classify(self, token: str, abjad: bool) -> NameToken:
        cache = self._classified[abjad]
        found = cache.get(token)
        if found is None:
            found = cache[token] = _classified(token, abjad)
        return found


@dataclass(frozen=True, slots=True)
class _CachedWord:
    """One written word of a name, normalised as far as it can be on its own."""

    texts: tuple[str, ...]  # its tokens, digits read
    digits_read: tuple[str, ...]
    read: tuple[str, ...]  # each token as `_known_word` reads it
    script: str | None
    folded: int
    abjad: bool
    joinable: bool  # a token is the beginning of a legal-form or trade word (may be joined)
    inner_legal_form: bool  # a token read is a legal-form word of 3+ letters


def _mostly_latin(word: str) -> bool:
    if word.isascii():
        return any(char.isalpha() for char in word)
    scripts = [script_of(char) for char in word if char.isalpha()]
    latin = sum(1 for script in scripts if script is Script.LATIN)
    return latin > len(scripts) - latin


def _mixed_latin(word: str) -> bool:
    if word.isascii():
        return False
    scripts = {script_of(char) for char in word}
    return Script.LATIN in scripts and bool(scripts & LOOKALIKE_SCRIPTS)


def _romanised(word: str, latin_context: bool) -> _Word:
    if word.isascii():
        return _Word(_split(word), None, 0, abjad=False)
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
    return _Word(tokens, script, folded, abjad=bool(foreign & ABJADS))


_romanise_word = lru_cache(maxsize=1 << 18)(_romanised)


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


def _is_known(token: str) -> bool:
    return (
        (token,) in lexicon.LEGAL_FORMS
        or token in lexicon.GENERIC_CANONICAL
        or token in PARTIAL_LEGAL_WORDS
    )


# Every proper beginning of a legal-form or trade word: a word joined to the next one into
# such a word (`_join_split_known_words`) is one of these.
_KNOWN_BEGINNINGS = frozenset(
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


def _join_split_known_words(tokens: list[str]) -> list[str]:
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


def _strip_affixes(
    tokens: list[str], abbreviated: bool = False
) -> tuple[list[str], list[str], list[str]]:
    """Remove titles before a name, generational affixes after it and legal forms at either
    end, and unambiguous legal forms (3+ letters) anywhere; one word at least is kept.

    `abbreviated`: the name's last word is written as letters with full stops ("z.A.", "S.Z."),
    as legal forms are: respelt or mistyped, it is read as the legal form even after one word.
    """
    tail = _branch_tail(tokens)
    if tail:  # "X Co., Ltd. (Beijing) Branch": the legal form ends the name before its branch
        before, forms, affixes = _strip_affixes(tokens[:-tail])
        return before + tokens[-tail:], forms, affixes
    removed: list[str] = []
    titles: list[str] = []
    # Every rule below starts from a word at one end of the name: most names have none.
    changed = len(tokens) > 1 and (_may_be_affix(tokens[0]) or _may_be_affix(tokens[-1]))
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
        if token in _LONG_LEGAL_FORMS and len(tokens) > 1:
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
        and _classified(tokens[-1 - tail], False).kind is TokenKind.PLACE
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
_LONG_LEGAL_FORMS = frozenset(  # legal forms of one word of 3+ letters, removed anywhere
    form[0] for form in lexicon.LEGAL_FORMS if len(form) == 1 and len(form[0]) >= 3
)


def _ends_in_legal_form(tokens: list[str]) -> bool:
    return any(
        tuple(tokens[-length:]) in lexicon.LEGAL_FORMS
        for length in range(1, min(lexicon.LONGEST_LEGAL_FORM, len(tokens)) + 1)
    )


_LEGAL_WORDS = frozenset(word for form in lexicon.LEGAL_FORMS for word in form)


def _slips_kept_before_form(written: list[str], read: list[str]) -> list[str]:
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
    """Whether a rule of `_strip_affixes`'s loop can apply: each starts from an end word."""
    return (
        _may_be_affix(tokens[0])
        or _may_be_affix(tokens[-1])
        or (abbreviated and tokens[-1] in _VOWELLESS_SHORT_LEGAL_WORDS)
    )


@lru_cache(maxsize=1 << 18)
def _may_be_affix(token: str) -> bool:
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
    ("ldt", "poa"); longer ones are read with one slip anywhere (`_known_word`)."""
    if not 3 <= len(token) <= 4 or "".join(sorted(token)) not in _LEGAL_LETTERS:
        return None
    if (token,) in lexicon.LEGAL_FORMS:
        return None
    for i in range(len(token) - 1):
        swapped = token[:i] + token[i + 1] + token[i] + token[i + 2 :]
        if swapped != token and (swapped,) in lexicon.LEGAL_FORMS:
            return swapped
    return None


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
def _known_word(token: str) -> str:
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


def _classified(token: str, abjad: bool) -> NameToken:
    canonical = lexicon.GENERIC_CANONICAL.get(token)
    if canonical is not None:
        return NameToken(canonical, TokenKind.GENERIC, abjad)
    if token in lexicon.STOPWORDS:
        return NameToken(token, TokenKind.FILLER, abjad)
    place = lexicon.PLACE_SPELLINGS.get(token, token)
    if place in lexicon.place_words():
        return NameToken(place, TokenKind.PLACE, abjad)
    return NameToken(token, TokenKind.DISTINCTIVE, abjad)


_classify = lru_cache(maxsize=1 << 18)(_classified)
