"""Match keys: what a party's name and a listed name share whenever the matcher can pair them.

Re-screening after a list update looks up the subjects whose parties could match a changed
entry, without screening every party again. The matcher finds a listed word for a party's word
exactly, within one edit (a shared one-letter deletion of the word, its folded spelling or its
OCR reading), by Arabic or Hebrew consonants, without inner vowels, as another rendering of a
given name, joined with the next word, split into listed words, or as the beginning of a word
cut at a field limit. Each of those ways is a family of keys below, computed the same way on
both sides, so a pair the matcher can compare always shares a key. The keys over-select (a
shared key is no hit); the candidates are screened in full, which decides.

Only the words a hit cannot do without are looked up (`KeyRules`, from the matcher's policy):
- A listed name with distinctive words hits only through them, and a partial match must rest on
  matched distinctive words weighing at least `min_partial_evidence`: the lightest of them
  (words common in the list), together under that weight, cannot make a hit on their own.
- Nor can words that are too small a share of the name's weight: a party matching only those
  recalls at most that share of the listed name, and the matcher's score (an F-measure of the
  two coverages) stays under the hit threshold, country bonus included, below `max_recall`.
  Frequent words weigh little (the list's document frequency sets the weight), so a name's
  words common in the list are left out when its rarer ones weigh enough.
- A name of places and trade words only ("Municipal Public Security Bureau") must be matched
  whole: its heaviest word (the rarest in the list) finds the candidates.
Whatever is left out, the words a hit may rest on keep their beginnings (a name cut at a
field limit may match a listed word it begins).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from itertools import pairwise
from typing import Protocol

from services.screening.matching import MatchPolicy, RestrictedPartyEntry, normalise_name
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
    words: set[MatchKey] = set()
    for token in tokens:
        words |= word_keys(token.text, token.abjad, True)
    texts = set()
    for first, second in pairwise(tokens):
        texts.add("w:" + first.text + second.text)
    if tokens and len(name.strip()) in set(field_lengths):
        texts.add("p:" + tokens[-1].text)
    if all(len(t.text) == 1 for t in tokens if t.kind is TokenKind.DISTINCTIVE):
        # An organisation written with its distinctive words' initials ("V. Systems GmbH").
        texts |= {"p:" + t.text for t in tokens if len(t.text) == 1}
    return frozenset(words | {_digest(text) for text in texts})


class WordWeights(Protocol):
    """How much a listed word weighs in the current lists (words common in them weigh less)."""

    def word_weight(self, token: NameToken) -> float: ...


@dataclass(frozen=True)
class KeyRules:
    """Which of a listed name's words need no key: a party matching only them cannot be a hit.

    `min_evidence`: the matcher's `min_partial_evidence`. `max_recall`: the share of a listed
    name's weight under which a party matching only that share scores below the hit threshold
    even with a perfect precision and the same-country bonus (0 looks every word up).
    """

    min_evidence: float = 0.0
    max_recall: float = 0.0

    @classmethod
    def of(cls, policy: MatchPolicy) -> KeyRules:
        """The rules that follow from the matcher's policy."""
        # score = (1 + b2) P R / (b2 P + R), at most (1 + b2) R / (b2 + R) with P = 1; it must
        # stay under the threshold less the country bonus, and a rounding step (scores are
        # rounded to 0.001) below that.
        beta2 = policy.missing_listed_word_weight
        floor = policy.hit_threshold - policy.same_country_bonus - 0.002
        return cls(policy.min_partial_evidence, beta2 * floor / (1 + beta2 - floor))


NO_RULES = KeyRules()


def listed_keys(
    entry: RestrictedPartyEntry, weights: WordWeights | None = None, rules: KeyRules = NO_RULES
) -> set[MatchKey]:
    """The keys a party matching any of the entry's names shares with it."""
    texts: set[str] = set()
    for name in entry.names:
        tokens = [t for t in normalise_name(name).tokens if t.kind is not TokenKind.FILLER]
        for token in _telling(tokens, weights, rules):
            texts |= _texts_of(token.text, token.abjad, party=False)
        # A cut party name may match a listed word it begins and be excused the words after it.
        distinctive = [t for t in tokens if t.kind is TokenKind.DISTINCTIVE]
        for token in distinctive or tokens:
            texts |= {"p:" + token.text[:cut] for cut in range(1, len(token.text))}
    return {_digest(text) for text in texts}


def _telling(
    tokens: Sequence[NameToken], weights: WordWeights | None, rules: KeyRules
) -> list[NameToken]:
    """The words a hit must match one of. With distinctive words: all but the lightest few
    that together weigh less than `min_evidence`, or whose weight with the other words' stays
    under `max_recall` of the name's (and the heaviest, always). Without: the heaviest word."""
    distinctive = [t for t in tokens if t.kind is TokenKind.DISTINCTIVE]
    if weights is None:
        return distinctive or list(tokens)
    if not distinctive:
        # Matched whole (the matcher's rule): any one word finds the party, the rarest best.
        return [max(tokens, key=weights.word_weight)] if tokens else []
    ranked = sorted(distinctive, key=weights.word_weight)
    whole = sum(weights.word_weight(t) for t in tokens)
    others = whole - sum(weights.word_weight(t) for t in distinctive)
    light = 0.0
    for position, token in enumerate(ranked[:-1]):
        light += weights.word_weight(token)
        if light >= rules.min_evidence and light + others >= rules.max_recall * whole:
            return ranked[position:]
    return ranked[-1:]


def hit_key(entry_id: str) -> MatchKey:
    """The key of a subject whose latest result matched this entry (found again if it changes)."""
    return _digest("hit:" + entry_id)


@lru_cache(maxsize=1 << 17)
def word_keys(text: str, abjad: bool, party: bool) -> frozenset[MatchKey]:
    """The keys of one word of a party's name (`party`) or of a listed name: a party word and
    a listed word the matcher may read as one share a key."""
    # The same words recur in many names (surnames, trade words) and at every update.
    return frozenset(map(_digest, _texts_of(text, abjad, party)))


def _texts_of(text: str, abjad: bool, party: bool) -> set[str]:
    texts = {"w:" + text}
    for line in name_variants().get(text, ()):
        texts.add(f"n:{line}")
    if len(text) >= 3 and not text.isdigit():
        texts |= {"d:" + variant for variant in _variants(text)}
    if party:
        # Words a party word may be written together from ("nsogroup"): its two ends.
        texts |= {"w:" + text[:cut] for cut in range(2, len(text) - 1)}
        texts |= {"w:" + text[cut:] for cut in range(2, len(text) - 1)}
        if abjad and len(skeleton := consonants(text)) >= 2:
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


def joined_key(first: str, second: str) -> MatchKey:
    """The key of two party words written apart that a listed name writes as one word."""
    return _digest("w:" + first + second)


def retrieval_keys(entry: RestrictedPartyEntry) -> set[MatchKey]:
    """The keys a party whose candidates may include one of the entry's names shares with it:
    a party's distinctive words and places find its candidates (its other words when it has
    neither), so do a cut last word's beginnings."""
    texts: set[str] = set()
    for name in entry.names:
        tokens = [t for t in normalise_name(name).tokens if t.kind is not TokenKind.FILLER]
        finding = [t for t in tokens if t.kind is not TokenKind.GENERIC] or tokens
        for token in finding:
            texts |= _texts_of(token.text, token.abjad, party=False)
            texts |= {"p:" + token.text[:cut] for cut in range(1, len(token.text))}
    return {_digest(text) for text in texts}
