"""`normalise_name` for a whole list: each distinct word's work done once, kept per list."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from services.screening.matching.folds import fold_digits
from services.screening.matching.known_words import (
    KNOWN_BEGINNINGS,
    join_split_known_words,
    known_word,
)
from services.screening.matching.legal_affixes import (
    ABBREVIATION,
    BRANCH_WORDS,
    LONG_LEGAL_FORMS,
    may_be_affix,
    slips_kept_before_form,
    strip_affixes,
)
from services.screening.matching.normalise import NormalisedName
from services.screening.matching.romanise import mixed_latin, mostly_latin, romanised
from services.screening.matching.scripts import remove_invisible
from services.screening.matching.token_kinds import NameToken, TokenKind, classified


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
                mostly = latin[word] = mostly_latin(word) or mixed_latin(word)
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
            written = join_split_known_words(written)
            joined = len(written) < sum(len(word.texts) for word in words)
        if joined:
            read = [known_word(token) for token in written]
        else:
            read = [token for word in words for token in word.read]
        if read != written:
            read = slips_kept_before_form(written, read)
        if len(read) < 2 or not (
            joined
            or may_be_affix(read[0])
            or may_be_affix(read[-1])
            or read[-1] in BRANCH_WORDS
            or any(word.inner_legal_form for word in words)
        ):  # what `strip_affixes` returns for a name with no affix and no legal form
            return written, read, read, [], []
        abbreviated = self._abbreviated.get(raw_words[-1])
        if abbreviated is None:
            last = raw_words[-1]
            abbreviated = self._abbreviated[last] = ABBREVIATION.fullmatch(last) is not None
        return written, read, *strip_affixes(read, abbreviated)

    def _classified_tokens(
        self, words: list[_CachedWord], kept: list[str]
    ) -> tuple[NameToken, ...]:
        if any(word.abjad for word in words):
            abjad_of = {token: word.abjad for word in words for token in word.texts}
            return tuple(self._classify(token, abjad_of.get(token, False)) for token in kept)
        plain = self._classified[False]
        return tuple([plain.get(token) or self._classify(token, False) for token in kept])

    def _word(self, raw: str, latin_context: bool) -> _CachedWord:
        word = romanised(raw, latin_context)
        pairs = [(token, fold_digits(token)) for token in word.tokens]
        read = tuple(known_word(token) for _, token in pairs)
        cached = _CachedWord(
            texts=tuple(token for _, token in pairs),
            digits_read=tuple(token for token, folded in pairs if folded != token),
            read=read,
            script=None if word.script is None else str(word.script),
            folded=word.folded,
            abjad=word.abjad,
            joinable=any(token in KNOWN_BEGINNINGS for _, token in pairs),
            inner_legal_form=any(t in LONG_LEGAL_FORMS for t in read),
        )
        self._words[latin_context][raw] = cached
        return cached

    def _classify(self, token: str, abjad: bool) -> NameToken:
        cache = self._classified[abjad]
        found = cache.get(token)
        if found is None:
            found = cache[token] = classified(token, abjad)
        return found


@dataclass(frozen=True, slots=True)
class _CachedWord:
    """One written word of a name, normalised as far as it can be on its own."""

    texts: tuple[str, ...]  # its tokens, digits read
    digits_read: tuple[str, ...]
    read: tuple[str, ...]  # each token as `known_word` reads it
    script: str | None
    folded: int
    abjad: bool
    joinable: bool  # a token is the beginning of a legal-form or trade word (may be joined)
    inner_legal_form: bool  # a token read is a legal-form word of 3+ letters
