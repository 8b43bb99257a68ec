"""The distinct words of a list's names, their weights, and look-up that tolerates typos."""

from __future__ import annotations

import copy
from array import array
from bisect import bisect_left
from collections.abc import Collection, Iterable, Iterator, Sequence
from functools import cache

import numpy as np
import numpy.typing as npt

from services.screening.matching import lexicon
from services.screening.matching.folds import (
    consonant_key,
    is_vowel_dropped,
    ocr_key,
    spelling_key,
    vowel_key,
)
from services.screening.matching.normalise import NameToken, TokenKind
from services.screening.matching.policy import MatchPolicy
from services.screening.matching.scoring import WeightedToken, consonants, token_similarity

WordIds = npt.NDArray[np.int32]


class Vocabulary:
    """Words with their kind and weight; finds the listed words a party's word may stand for.

    Typos are found through a deletion neighbourhood (every word, its romanisation-folded
    spelling, and each of their one-letter deletions, stored as sorted 64-bit hashes): two
    words within one edit, or two with one letter deleted on each side, share a key.
    Candidates are then checked by edit distance.
    Words romanised from Arabic or Hebrew letters are looked up by their consonants, words
    written without inner vowels by their vowel-less key, given names by their renderings in
    other transliteration systems, and a word cut at a field limit by its beginning.
    """

    def __init__(
        self,
        words: list[str],
        kinds: npt.NDArray[np.int8],
        abjad: npt.NDArray[np.bool_],
        names_per_word: npt.NDArray[np.int64],
        policy: MatchPolicy,
    ) -> None:
        self.words = words
        self.spellings = [spelling_key(word) for word in words]
        self.ids = {word: position for position, word in enumerate(words)}
        self.kinds = kinds
        self.abjad = abjad
        self.policy = policy
        self._tokens: dict[int, WeightedToken] = {}  # the words screened against, as tokens
        self.weights = _weights(words, kinds, names_per_word, policy)
        every = range(len(words))
        self._variant_keys, self._variant_words = _sorted_keys(
            _variant_owned(words, self.spellings, every)
        )
        self._vowel_keys, self._vowel_words = _sorted_keys(_vowel_owned(words, every))
        self._alphabetical = np.array(
            sorted(range(len(words)), key=words.__getitem__), dtype=np.int32
        )
        self._consonant_keys, self._consonant_words = _sorted_keys(_consonant_owned(words, every))

    def __len__(self) -> int:
        return len(self.words)

    def moved_since(self, before: Vocabulary) -> list[str]:
        """The words whose weight differs from `before`'s, this vocabulary being `before`
        updated (`updated`): words new to it, words no name has any more, counts crossing a step."""
        known = len(before.words)
        moved = np.flatnonzero(self.weights[:known] != before.weights).tolist()
        return [self.words[word_id] for word_id in moved] + self.words[known:]

    def weight_of(self, token: NameToken) -> float:
        """The listed weight of a word, or its kind's base weight if no listed name has it."""
        word_id = self.ids.get(token.text)
        if word_id is None:
            weight = self.policy.base_weight(token.kind)
            return min(weight, self.policy.initial_weight) if len(token.text) == 1 else weight
        return float(self.weights[word_id])

    def token(self, word_id: int) -> WeightedToken:
        """The listed word as a weighted token."""
        token = self._tokens.get(word_id)
        if token is None:
            token = self._tokens[word_id] = WeightedToken(
                self.words[word_id],
                TokenKind(int(self.kinds[word_id])),
                float(self.weights[word_id]),
                bool(self.abjad[word_id]),
                self.spellings[word_id],
            )
        return token

    def lookup(self, party: WeightedToken) -> list[tuple[int, float]]:
        """Listed words this party word may be: (word id, similarity), exact match first."""
        found: dict[int, float] = {}
        exact = self.ids.get(party.text)
        if exact is not None:
            found[exact] = 1.0
        if len(party.text) >= 3 and not party.text.isdigit():
            variants = _variant_texts(party.text, party.spelling)
            for word_id in _search(self._variant_keys, self._variant_words, variants):
                if word_id not in found:
                    similarity, _ = token_similarity(party, self.token(word_id), self.policy)
                    if similarity > 0:
                        found[word_id] = similarity
        if party.abjad and len(skeleton := consonants(party.text)) >= 2:
            skeletons = {skeleton, skeleton[1:]} if skeleton[0] == "l" else {skeleton}
            for word_id in _search(self._consonant_keys, self._consonant_words, skeletons):
                found.setdefault(word_id, self.policy.consonant_similarity)
        if is_vowel_dropped(party.text):
            keys = {vowel_key(party.text), consonant_key(party.text)}
            for word_id in _search(self._vowel_keys, self._vowel_words, keys):
                if word_id not in found and len(self.words[word_id]) > len(party.text):
                    found[word_id] = self.policy.vowel_dropped_similarity
        for line in lexicon.name_variants().get(party.text, ()):
            for variant in _name_lines()[line]:
                variant_id = self.ids.get(variant)
                if variant_id is not None:
                    found.setdefault(variant_id, self.policy.name_variant_similarity)
        for word_id in self._halves(party.text):
            found.setdefault(word_id, 1.0)
        return list(found.items())

    def beginning_with(self, text: str, limit: int) -> list[int]:
        """Up to `limit` listed words longer than `text` that begin with it (a cut word)."""
        words = self.words
        start = bisect_left(self._alphabetical, text, key=lambda word_id: words[word_id])
        found = []
        for word_id in self._alphabetical[start : start + limit + 1].tolist():
            word = words[word_id]
            if not word.startswith(text):
                break
            if len(word) > len(text):
                found.append(word_id)
        return found[:limit]

    def _halves(self, text: str) -> list[int]:
        """Listed words a party word is made of, written together ("nsogroup", "yongboxin")."""
        for cut in range(2, len(text) - 1):
            left = self.ids.get(text[:cut])
            if left is None:
                continue
            right = self.ids.get(text[cut:])
            if right is not None:
                return [left, right]
            for second in range(cut + 2, len(text) - 1):
                middle, last = self.ids.get(text[cut:second]), self.ids.get(text[second:])
                if middle is not None and last is not None:
                    return [left, middle, last]
        return []

    def updated(
        self,
        words: list[str],
        kinds: npt.NDArray[np.int8],
        abjad: npt.NDArray[np.bool_],
        names_per_word: npt.NDArray[np.int64],
    ) -> Vocabulary:
        """This vocabulary after a list update, look-up keys made for the new words only.

        `words` extends this one's words (new ones at the end); a word no name has any more
        (none in `names_per_word`) drops out of every look-up, as if never indexed.
        """
        new_ids = range(len(self.words), len(words))
        live = names_per_word > 0
        updated = copy.copy(self)
        updated.words, updated.kinds, updated.abjad = words, kinds, abjad
        updated.spellings = [*self.spellings, *(spelling_key(words[i]) for i in new_ids)]
        updated.ids = dict(self.ids)
        for word_id in np.flatnonzero(~live[: len(self.words)]).tolist():
            if updated.ids.get(words[word_id]) == word_id:
                del updated.ids[words[word_id]]
        updated.ids.update((words[word_id], word_id) for word_id in new_ids)
        updated.weights = _weights(words, kinds, names_per_word, self.policy)
        updated._tokens = {}
        updated._variant_keys, updated._variant_words = _merged(
            (self._variant_keys, self._variant_words),
            _sorted_keys(_variant_owned(words, updated.spellings, new_ids)),
            live,
        )
        updated._vowel_keys, updated._vowel_words = _merged(
            (self._vowel_keys, self._vowel_words), _sorted_keys(_vowel_owned(words, new_ids)), live
        )
        updated._consonant_keys, updated._consonant_words = _merged(
            (self._consonant_keys, self._consonant_words),
            _sorted_keys(_consonant_owned(words, new_ids)),
            live,
        )
        kept = self._alphabetical[live[self._alphabetical]]
        fresh = sorted(new_ids, key=words.__getitem__)
        at = [bisect_left(kept, words[i], key=words.__getitem__) for i in fresh]
        updated._alphabetical = np.insert(kept, at, fresh).astype(np.int32)
        return updated


def _weights(
    words: Sequence[str],
    kinds: npt.NDArray[np.int8],
    names_per_word: npt.NDArray[np.int64],
    policy: MatchPolicy,
) -> npt.NDArray[np.float32]:
    """Each word's weight: its kind's, less for words many names share; initials capped."""
    base = np.array([policy.base_weight(kind) for kind in TokenKind], np.float32)[kinds]
    names = counted_names(names_per_word, policy)
    rarity = 1.0 / (1.0 + np.log10(1.0 + names / policy.common_word_names))
    weights = (base * np.maximum(rarity, policy.min_weight_factor)).astype(np.float32)
    letters = np.array([len(word) == 1 for word in words], dtype=np.bool_)
    weights[letters] = np.minimum(weights[letters], policy.initial_weight)
    return weights


def counted_names(
    names_per_word: npt.NDArray[np.int64], policy: MatchPolicy
) -> npt.NDArray[np.float64]:
    """How many names each word is counted in: exactly up to `exact_word_names`, above on a
    grid of `word_count_steps` steps per doubling (the grid point at or under the count)."""
    # A list update moves a common word's count by a few names out of hundreds: read on a grid,
    # its weight moves only when the count crosses a step, and re-screening after the update
    # follows the few words whose weight moved (list_moves.py) rather than every word.
    counts = names_per_word.astype(np.float64)
    steps = policy.word_count_steps
    grid = np.exp2(np.floor(np.log2(np.maximum(counts, 1.0)) * steps) / steps)
    return np.where(
        counts <= policy.exact_word_names, counts, np.maximum(grid, policy.exact_word_names)
    )


def _variant_owned(
    words: Sequence[str], spellings: Sequence[str], word_ids: Iterable[int]
) -> Iterator[tuple[int, set[str]]]:
    """Typo keys: each word's deletion neighbourhood (words of three letters or more)."""
    for word_id in word_ids:
        word = words[word_id]
        if len(word) >= 3 and not word.isdigit():
            yield word_id, _variant_texts(word, spellings[word_id])


def _vowel_owned(words: Sequence[str], word_ids: Iterable[int]) -> Iterator[tuple[int, set[str]]]:
    """Vowel-less keys of words of four letters or more."""
    for word_id in word_ids:
        word = words[word_id]
        if len(word) >= 4 and word.isalpha():
            yield word_id, {vowel_key(word), consonant_key(word)} - {word}


def _consonant_owned(
    words: Sequence[str], word_ids: Iterable[int]
) -> Iterator[tuple[int, tuple[str]]]:
    """Consonant skeletons (two consonants or more)."""
    for word_id in word_ids:
        if len(skeleton := consonants(words[word_id])) >= 2:
            yield word_id, (skeleton,)


def _merged(
    kept: tuple[npt.NDArray[np.int64], WordIds],
    fresh: tuple[npt.NDArray[np.int64], WordIds],
    live: npt.NDArray[np.bool_],
) -> tuple[npt.NDArray[np.int64], WordIds]:
    """Sorted keys of the live words, the fresh ones merged in (no sort of the whole)."""
    keys, owners = kept
    alive = live[owners]
    keys, owners = keys[alive], owners[alive]
    at = np.searchsorted(keys, fresh[0])
    return np.insert(keys, at, fresh[0]), np.insert(owners, at, fresh[1])


def _deletions(word: str) -> set[str]:
    return {word} | {word[:i] + word[i + 1 :] for i in range(len(word))}


def _variant_texts(word: str, spelling: str) -> set[str]:
    """A word's one-letter deletions, of its folded spelling, and of its OCR reading."""
    texts = _deletions(word) if spelling == word else _deletions(word) | _deletions(spelling)
    read = ocr_key(word)
    return texts | _deletions(read) if read != word else texts


@cache
def _name_lines() -> dict[int, list[str]]:
    lines: dict[int, list[str]] = {}
    for word, numbers in lexicon.name_variants().items():
        for number in numbers:
            lines.setdefault(number, []).append(word)
    return lines


def _sorted_keys(
    owned: Iterable[tuple[int, Collection[str]]],
) -> tuple[npt.NDArray[np.int64], WordIds]:
    """Hashes of each word's key texts, sorted, with the word each came from."""
    owners, counts, keys = array("i"), array("q"), array("q")
    for owner, texts in owned:
        keys.extend(map(hash, texts))
        owners.append(owner)
        counts.append(len(texts))
    key_array = np.frombuffer(keys, dtype=np.int64)
    order = np.argsort(key_array, kind="stable")
    owner_of_key = np.frombuffer(owners, dtype=np.int32).repeat(np.frombuffer(counts, np.int64))
    return key_array[order], owner_of_key[order]


def _search(
    keys: npt.NDArray[np.int64], owners: WordIds, texts: Sequence[str] | set[str]
) -> set[int]:
    wanted = np.array([hash(text) for text in texts], dtype=np.int64)
    starts = np.searchsorted(keys, wanted, side="left")
    ends = np.searchsorted(keys, wanted, side="right")
    found: set[int] = set()
    for start, end in zip(starts.tolist(), ends.tolist(), strict=True):
        if end > start:
            found.update(owners[start:end].tolist())
    return found
