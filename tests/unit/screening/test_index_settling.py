"""A built index is kept out of the garbage collector's full passes, its garbage collected."""

from __future__ import annotations

import gc
import weakref
from collections.abc import Iterator

import pytest

from services.screening.current_lists import load_screener
from services.screening.matching import RestrictedPartyEntry, RestrictedPartyIndex
from services.screening.matching.collector import settle_after_indexing


class _Node:
    def __init__(self) -> None:
        self.other: _Node | None = None


@pytest.fixture(autouse=True)
def _unfrozen() -> Iterator[None]:
    yield
    gc.unfreeze()


def _entries(count: int) -> list[RestrictedPartyEntry]:
    return [
        RestrictedPartyEntry("test", f"e{n}", f"Entry {n} Trading", countries=("AE",))
        for n in range(count)
    ]


def test_settling_freezes_the_index_entries_out_of_later_passes() -> None:
    entries = _entries(200)
    index = RestrictedPartyIndex.build(entries)
    settle_after_indexing()
    assert gc.get_freeze_count() >= len(entries)
    assert index.screen("Entry 7 Trading")[0].entry_id == "e7"


def test_settling_collects_cycles_first_so_none_is_frozen_for_good() -> None:
    first, second = _Node(), _Node()
    first.other, second.other = second, first
    gone = weakref.ref(first)
    gc.disable()
    try:
        del first, second
        settle_after_indexing()
        assert gone() is None
    finally:
        gc.enable()


def test_settling_again_frees_cycles_frozen_by_the_last_settling() -> None:
    first, second = _Node(), _Node()
    first.other, second.other = second, first
    gone = weakref.ref(first)
    settle_after_indexing()  # the pair is alive: frozen
    del first, second
    gc.collect()
    assert gone() is not None  # frozen objects are not collected
    settle_after_indexing()
    assert gone() is None


def test_the_screening_process_settles_its_index_once_built() -> None:
    gc.unfreeze()
    screener = load_screener()
    assert gc.get_freeze_count() > 0
    assert screener.screen("no such party at all") == []


def test_indexing_runs_no_collection_and_leaves_the_collector_as_found() -> None:
    passes: list[int] = []
    entries = _entries(5000)

    def counted(phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            passes.append(info["generation"])

    gc.callbacks.append(counted)
    try:
        RestrictedPartyIndex.build(entries)
    finally:
        gc.callbacks.remove(counted)
    assert len(passes) <= 1  # one may fall as the entries are copied, before the pause
    assert gc.isenabled()
    gc.disable()
    try:
        RestrictedPartyIndex.build(_entries(10))
        assert not gc.isenabled()
    finally:
        gc.enable()
