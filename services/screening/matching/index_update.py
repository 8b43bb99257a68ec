"""A restricted-party index brought up to a list update without indexing the list again.

Only the changed entries' names are normalised and only new words get look-up keys; the names
of the entries kept are carried over as they were indexed (word ids in arrays), the entries
removed or changed are dropped, and what depends on the whole list (word weights, the
postings from word to names) is recomputed from those arrays in vectorised passes. Screening
against the result gives the hits a rebuild from the whole updated list would give.
"""

from __future__ import annotations

import copy
from collections.abc import Collection, Sequence

import numpy as np
import numpy.typing as npt

from services.screening.matching.index import RestrictedPartyIndex
from services.screening.matching.model import RestrictedPartyEntry
from services.screening.matching.name_table import Int32s, NameTable, name_prints
from services.screening.matching.vocabulary import Vocabulary


def updated_index(
    index: RestrictedPartyIndex, added: Sequence[RestrictedPartyEntry], removed: Collection[str]
) -> RestrictedPartyIndex:
    """A new index: `index` less the entries with ids in `removed` or in `added`, plus `added`
    (a changed entry comes in `added` under its id); `index` itself is left as it was."""
    gone = {*removed, *(entry.entry_id for entry in added)}
    if not gone:
        return index
    keep = np.fromiter(
        (entry.entry_id not in gone for entry in index.entries), dtype=np.bool_, count=len(index)
    )
    fresh = NameTable(added)  # the only names normalised
    vocabulary = index.vocabulary
    words, kinds, abjad = list(vocabulary.words), vocabulary.kinds.copy(), vocabulary.abjad.copy()
    word_of = _global_words(fresh, vocabulary.ids, words)
    new_kinds = np.frombuffer(fresh.kinds, dtype=np.int8)
    new_abjad = np.frombuffer(fresh.abjad, dtype=np.bool_)
    appended = word_of >= len(kinds)
    kinds = np.concatenate([kinds, new_kinds[appended]])
    abjad = np.concatenate([abjad, new_abjad[appended]])
    abjad[word_of[~appended & new_abjad]] = True
    countries = dict(index._names.countries)
    country_of = np.array(
        [countries.setdefault(code, len(countries)) for code in fresh.countries] + [-1],
        dtype=np.int16,
    )  # a local -1 (no country) indexes the last item: -1 again

    kept_names = np.flatnonzero(keep[index._names.entry])
    starts = index._names.offsets[kept_names]
    lengths = index._names.offsets[kept_names + 1] - starts
    first = np.cumsum(lengths) - lengths
    positions = np.repeat(starts - first, lengths) + np.arange(int(lengths.sum()))
    names = NameTable.__new__(NameTable)
    names.words, names.countries = words, countries
    names.word_ids = np.concatenate([index._names.word_ids[positions], word_of[fresh.word_ids]])
    names.offsets = np.concatenate([[0], np.cumsum(np.concatenate([lengths, _sizes(fresh)]))])
    new_position = (np.cumsum(keep) - 1).astype(np.int32)
    names.entry = np.concatenate(
        [new_position[index._names.entry[kept_names]], fresh.entry + int(keep.sum())]
    ).astype(np.int32)
    names.alias = np.concatenate([index._names.alias[kept_names], fresh.alias])
    names.country = np.concatenate([index._names.country[kept_names], country_of[fresh.country]])
    per_entry = np.diff(index._names.entry_first_name)[keep]
    names.entry_first_name = np.concatenate(
        [[0], np.cumsum(np.concatenate([per_entry, np.diff(fresh.entry_first_name)]))]
    )
    entries = [entry for entry, kept in zip(index.entries, keep.tolist(), strict=True) if kept]
    counts = np.bincount(names.word_ids, minlength=len(words))
    updated_words = vocabulary.updated(words, kinds, abjad, counts)
    updated = _assembled(index, [*entries, *added], names, updated_words)
    if "name_prints" in index.__dict__:  # made for a re-screen: the kept names' carried over
        carried = [index.name_prints[kept_names], name_prints(added, fresh)]
        updated.__dict__["name_prints"] = np.concatenate(carried)
    return updated


def _global_words(fresh: NameTable, ids: dict[str, int], words: list[str]) -> Int32s:
    """The index's word id of each of the fresh names' words; new words appended to `words`."""
    found = []
    for word in fresh.words:
        word_id = ids.get(word)
        if word_id is None:
            word_id = len(words)
            words.append(word)
        found.append(word_id)
    return np.array(found, dtype=np.int32)


def _sizes(names: NameTable) -> npt.NDArray[np.int64]:
    return np.diff(names.offsets)


def _assembled(
    index: RestrictedPartyIndex,
    entries: list[RestrictedPartyEntry],
    names: NameTable,
    vocabulary: Vocabulary,
) -> RestrictedPartyIndex:
    """The index's copy holding the updated entries, names, vocabulary and postings."""
    updated = copy.copy(index)
    for cached in ("list_version", "name_prints"):  # made of the old entries and names
        updated.__dict__.pop(cached, None)
    updated._entries = entries
    updated.vocabulary = vocabulary
    updated._hold(names)
    return updated
