"""Every list name as word ids in flat arrays, and the postings from each word to its names."""

from __future__ import annotations

import hashlib
from array import array
from collections.abc import Iterable, Sequence

import numpy as np
import numpy.typing as npt

from services.screening.matching.model import RestrictedPartyEntry
from services.screening.matching.normalise import NameToken
from services.screening.matching.word_cache import WordCachedNormaliser

Int32s = npt.NDArray[np.int32]


# An entry as the table reads it: its names (primary first) and its first country, if any.
ListedNames = tuple[tuple[str, ...], str | None]


def listed_names(entry: RestrictedPartyEntry) -> ListedNames:
    """An entry's names and first country: all a name table reads of it."""
    return entry.names, entry.countries[0] if entry.countries else None


class NameTable:
    """Every distinct normalised name of every entry, as word ids in flat arrays."""

    def __init__(self, entries: Sequence[RestrictedPartyEntry]) -> None:
        self._fill(map(listed_names, entries))

    @classmethod
    def of_names(cls, rows: Iterable[ListedNames]) -> NameTable:
        """The table of entries given by their names and first country (`listed_names`)."""
        table = cls.__new__(cls)
        table._fill(rows)
        return table

    def _fill(self, rows: Iterable[ListedNames]) -> None:
        self.words: list[str] = []
        self.countries: dict[str, int] = {}
        self.kinds = bytearray()
        self.abjad = bytearray()
        ids: dict[str, int] = {}
        entry_ids, alias_ids, offsets, countries = (
            array("i"),
            array("h"),
            array("q", [0]),
            array("h"),
        )
        word_ids, first_name = array("i"), array("q", [0])
        tokens = WordCachedNormaliser().tokens  # each distinct word's work once, freed after
        word_id = self._word_id
        for position, (names, first_country) in enumerate(rows):
            seen: set[tuple[int, ...]] = set()
            country = (
                -1
                if first_country is None
                else self.countries.setdefault(first_country, len(self.countries))
            )
            for alias, raw in enumerate(names):
                words = tuple([word_id(token, ids) for token in tokens(raw)])
                if words and words not in seen:
                    seen.add(words)
                    entry_ids.append(position)
                    alias_ids.append(min(alias, 32767))
                    countries.append(country)
                    word_ids.extend(words)
                    offsets.append(len(word_ids))
            first_name.append(len(entry_ids))
        self.entry: Int32s = np.frombuffer(entry_ids, dtype=np.int32)
        self.alias = np.frombuffer(alias_ids, dtype=np.int16)
        self.country = np.frombuffer(countries, dtype=np.int16)  # entry's first country
        self.offsets = np.frombuffer(offsets, dtype=np.int64)
        self.word_ids: Int32s = np.frombuffer(word_ids, dtype=np.int32)
        self.entry_first_name = np.frombuffer(first_name, dtype=np.int64)

    def _word_id(self, token: NameToken, ids: dict[str, int]) -> int:
        word_id = ids.get(token.text)
        if word_id is None:
            word_id = ids[token.text] = len(self.words)
            self.words.append(token.text)
            self.kinds.append(int(token.kind))
            self.abjad.append(int(token.abjad))
        elif token.abjad and not self.abjad[word_id]:
            self.abjad[word_id] = 1
        return word_id


def postings(names: NameTable, word_count: int) -> tuple[npt.NDArray[np.int64], Int32s]:
    """For each word, the names containing it (CSR: offsets into one array of name ids)."""
    lengths = np.diff(names.offsets)
    name_of_occurrence = np.repeat(np.arange(len(lengths), dtype=np.int32), lengths)
    order = np.argsort(names.word_ids, kind="stable")
    counts = np.bincount(names.word_ids, minlength=word_count)
    offsets = np.concatenate([[0], np.cumsum(counts)]).astype(np.int64)
    return offsets, name_of_occurrence[order]


def name_prints(
    entries: Sequence[RestrictedPartyEntry], names: NameTable
) -> npt.NDArray[np.uint64]:
    """`RestrictedPartyIndex.name_prints` of the names in `names` (of `entries`)."""
    prints = np.empty(len(names.entry), dtype=np.uint64)
    pairs = zip(names.entry.tolist(), names.alias.tolist(), strict=True)
    for name, (position, alias) in enumerate(pairs):
        entry = entries[position]
        fields = (entry.source, entry.entry_id, entry.name, *entry.countries, "")
        text = "\x1f".join(fields) + entry.names[alias]
        digest = hashlib.blake2b(text.encode(), digest_size=8).digest()
        prints[name] = int.from_bytes(digest, "little")
    return prints
