"""Match keys: what a party's name and a listed name share whenever the matcher can pair them.

Re-screening after a list update looks up the subjects whose parties could match a changed
entry, without screening every party again. The matcher finds a listed word for a party's word
exactly, within one edit (a shared one-letter deletion of the word, its folded spelling or its
OCR reading), by Arabic or Hebrew consonants, without inner vowels, as another rendering of a
given name, joined with the next word, split into listed words, or as the beginning of a word
cut at a field limit. Each of those ways is a family of keys below, computed the same way on
both sides, so a pair the matcher can compare always shares a key. The keys over-select (a
shared key is no hit); the candidates are screened in full, which decides.

A listed name with distinctive words hits only through them, and a partial match must rest on
matched distinctive words weighing at least `min_partial_evidence` (the matcher's rule): the
lightest of them (words common in the list), together under that weight, cannot make a hit on
their own, so only the others are looked up. A name of places and trade words only ("Municipal
Public Security Bureau") must be matched whole, so any of its words finds the candidates.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from functools import lru_cache
from itertools import pairwise
from typing import Protocol

from services.screening.matching import RestrictedPartyEntry, normalise_name
from services.screening.matching.folds import (
    consonant_key,
    is_vowel_dropped,
    ocr_key,
    spelling_key,
    vowel_key,
)
from services.screening.matching.lexicon import name_variants
from services.screening.matching.normalise import NameToken, TokenKind
from services.screening.matching.scoring import consonants

MatchKey = int  # a signed 64-bit digest, stored in PostgreSQL as bigint


def party_keys(name: str, field_lengths: Iterable[int] = (20, 35)) -> frozenset[MatchKey]:
    """Every key of a party's name: each word's, joined neighbours, a cut last word's beginning."""
    return _party_keys(name, tuple(field_lengths))


@lru_cache(maxsize=1 << 16)
def _party_keys(name: str, field_lengths: tuple[int, ...]) -> frozenset[MatchKey]:
    # Party names recur across cases and updates: each name's keys are computed once.
    tokens = [token for token in normalise_name(name).tokens if token.kind is not TokenKind.FILLER]
    texts = set()
    for token in tokens:
        texts |= _word_texts(token, party=True)
    for first, second in pairwise(tokens):
        texts.add("w:" + first.text + second.text)
    if tokens and len(name.strip()) in set(field_lengths):
        texts.add("p:" + tokens[-1].text)
    if all(len(t.text) == 1 for t in tokens if t.kind is TokenKind.DISTINCTIVE):
        # An organisation written with its distinctive words' initials ("V. Systems GmbH").
        texts |= {"p:" + t.text for t in tokens if len(t.text) == 1}
    return frozenset(_digest(text) for text in texts)


class WordWeights(Protocol):
    """How much a listed word weighs in the current lists (words common in them weigh less)."""

    def word_weight(self, token: NameToken) -> float: ...


def listed_keys(
    entry: RestrictedPartyEntry, weights: WordWeights | None = None, min_evidence: float = 0.0
) -> set[MatchKey]:
    """The keys a party matching any of the entry's names shares with it."""
    texts: set[str] = set()
    for name in entry.names:
        tokens = [t for t in normalise_name(name).tokens if t.kind is not TokenKind.FILLER]
        distinctive = [t for t in tokens if t.kind is TokenKind.DISTINCTIVE]
        for token in _telling(distinctive, weights, min_evidence) or tokens:
            texts |= _word_texts(token, party=False)
            texts |= {"p:" + token.text[:cut] for cut in range(1, len(token.text))}
    return {_digest(text) for text in texts}


def _telling(
    distinctive: list[NameToken], weights: WordWeights | None, min_evidence: float
) -> list[NameToken]:
    """The distinctive words a hit must match one of: all but the lightest few that together
    weigh less than `min_evidence` (and the heaviest, always)."""
    if weights is None or not distinctive:
        return distinctive
    ranked = sorted(distinctive, key=weights.word_weight)
    light = 0.0
    for position, token in enumerate(ranked[:-1]):
        light += weights.word_weight(token)
        if light >= min_evidence:
            return ranked[position:]
    return ranked[-1:]


def hit_key(entry_id: str) -> MatchKey:
    """The key of a subject whose latest result matched this entry (found again if it changes)."""
    return _digest("hit:" + entry_id)


def _word_texts(token: NameToken, party: bool) -> set[str]:
    text = token.text
    texts = {"w:" + text}
    for line in name_variants().get(text, ()):
        texts.add(f"n:{line}")
    if len(text) >= 3 and not text.isdigit():
        texts |= {"d:" + variant for variant in _variants(text)}
    if party:
        # Words a party word may be written together from ("nsogroup"): its two ends.
        texts |= {"w:" + text[:cut] for cut in range(2, len(text) - 1)}
        texts |= {"w:" + text[cut:] for cut in range(2, len(text) - 1)}
        if token.abjad and len(skeleton := consonants(text)) >= 2:
            texts.add("c:" + skeleton)
            if skeleton[0] == "l":
                texts.add("c:" + skeleton[1:])
        if is_vowel_dropped(text):
            texts |= {"v:" + vowel_key(text), "v:" + consonant_key(text)}
    else:
        if len(skeleton := consonants(text)) >= 2:
            texts.add("c:" + skeleton)
        if len(text) >= 4 and text.isalpha():
            texts |= {"v:" + vowel_key(text), "v:" + consonant_key(text)}
    return texts


def _variants(word: str) -> set[str]:
    """The word's one-letter deletions, of its folded spelling and of its OCR reading."""
    texts = _deletions(word) | _deletions(spelling_key(word))
    read = ocr_key(word)
    return texts | _deletions(read) if read != word else texts


def _deletions(word: str) -> set[str]:
    return {word} | {word[:i] + word[i + 1 :] for i in range(len(word))}


def _digest(text: str) -> MatchKey:
    return int.from_bytes(hashlib.blake2b(text.encode(), digest_size=8).digest(), signed=True)
