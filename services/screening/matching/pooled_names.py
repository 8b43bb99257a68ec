"""A large list's name table made in parallel: each process normalises a run of the entries,
and the runs' tables are joined into the one table a single process would have made."""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from itertools import pairwise

import numpy as np
import numpy.typing as npt

from services.screening.matching.model import RestrictedPartyEntry
from services.screening.matching.name_table import ListedNames, NameTable, listed_names

# Below this many entries a list is normalised in one process: starting another (importing
# the matcher, about a second) and sending it the names would cost more than it saves.
POOLED_FROM = 100_000


def default_processes(entries: int) -> int:
    """How many processes normalise a list of `entries`: every core this process may use,
    for a large list; one for a small one."""
    if entries < POOLED_FROM:
        return 1
    return max(1, len(os.sched_getaffinity(0)))


def name_table(entries: Sequence[RestrictedPartyEntry], processes: int) -> NameTable:
    """The entries' name table, normalised by `processes` processes (this one included)."""
    if processes <= 1 or len(entries) < 2:
        return NameTable(entries)
    rows = list(map(listed_names, entries))
    runs = _runs(rows, min(processes, len(rows)))
    # Spawned, not forked: the screening service indexes from a thread of a running event loop.
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(len(runs) - 1, mp_context=context) as pool:
        sent = [pool.submit(NameTable.of_names, run) for run in runs[:-1]]
        del rows, runs[:-1]  # sent: only this process's run is kept here
        last = NameTable.of_names(runs[-1])
        return joined([*(each.result() for each in sent), last])


def _runs(rows: list[ListedNames], count: int) -> list[list[ListedNames]]:
    """`rows` cut into `count` consecutive runs of about as many names each."""
    names = np.cumsum([len(row[0]) for row in rows])
    cuts = np.searchsorted(names, names[-1] * np.arange(1, count) / count).tolist()
    bounds = [0, *cuts, len(rows)]
    return [rows[start:end] for start, end in pairwise(bounds)]


def joined(parts: Sequence[NameTable]) -> NameTable:
    """One table of consecutive runs' tables: word and country ids in order of first use, as
    one pass over every run would give them, a word's kind from its first use, abjad if any."""
    table = NameTable.__new__(NameTable)
    table.words, table.countries = [], {}
    table.kinds, table.abjad = bytearray(), bytearray()
    ids: dict[str, int] = {}
    word_ids, countries = [], []
    for part in parts:
        global_ids = np.array([_word_id(table, ids, part, i) for i in range(len(part.words))])
        word_ids.append(global_ids.astype(np.int32)[part.word_ids])
        codes = [table.countries.setdefault(code, len(table.countries)) for code in part.countries]
        countries.append(np.array([*codes, -1], dtype=np.int16)[part.country])  # -1 stays -1
    entry_counts = [len(part.entry_first_name) - 1 for part in parts]
    entry_starts = np.cumsum([0, *entry_counts[:-1]])
    table.entry = np.concatenate(
        [part.entry + start for part, start in zip(parts, entry_starts.tolist(), strict=True)]
    ).astype(np.int32)
    table.alias = np.concatenate([part.alias for part in parts])
    table.country = np.concatenate(countries)
    table.word_ids = np.concatenate(word_ids)
    table.offsets = _stacked([part.offsets for part in parts])
    table.entry_first_name = _stacked([part.entry_first_name for part in parts])
    return table


def _word_id(table: NameTable, ids: dict[str, int], part: NameTable, local: int) -> int:
    word = part.words[local]
    found = ids.get(word)
    if found is None:
        found = ids[word] = len(table.words)
        table.words.append(word)
        table.kinds.append(part.kinds[local])
        table.abjad.append(part.abjad[local])
    elif part.abjad[local]:
        table.abjad[found] = 1
    return found


def _stacked(starts: Sequence[npt.NDArray[np.int64]]) -> npt.NDArray[np.int64]:
    """Runs of start offsets (each from 0, one more than its items) as one run of offsets."""
    sizes = np.concatenate([np.diff(each) for each in starts])
    return np.concatenate([[0], np.cumsum(sizes)]).astype(np.int64)
