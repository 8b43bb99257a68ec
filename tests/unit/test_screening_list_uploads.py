"""A list file sent to screening's API: stored as the next version once, or refused whole."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import pytest

from caseflow.limits import LIST_FILE, Limit
from schemas.screening import ListUpdated
from services.screening.list_diff import ListDelta
from services.screening.list_updates import Progress
from services.screening.list_uploads import (
    ListFileTooLarge,
    ListFormat,
    ListVersionLoaded,
    LoadProgress,
    read_sent_list,
    storing_lines,
)
from services.screening.matching import ListFormatError
from tests.unit.test_screening_fakes import FakeScreeningStore, FakeScreeningUnitOfWork

LISTED = (
    b"id,name,alt_names,country\n"
    b"u-1,Zephyr Lattice Analytics,,AE\n"
    b"u-2,Orison Signal Works,Orison SW,RU\n"
)


async def sent(content: bytes, chunk: int = 7) -> AsyncIterator[bytes]:
    """The file as an HTTP body arrives: in pieces that split lines and characters."""
    for start in range(0, len(content), chunk):
        yield content[start : start + chunk]


async def load_as_the_api_does(
    name: str,
    body: AsyncIterator[bytes],
    file_format: ListFormat,
    loaded_from: str,
    store: FakeScreeningStore,
    limit: Limit = LIST_FILE,
) -> ListVersionLoaded:
    """What the API makes of a sent file: read, then stored, its last answer line the outcome."""
    entries = await read_sent_list(name, body, file_format, limit)
    lines = [line async for line in storing_lines(name, entries, loaded_from, store)]
    outcome = LoadProgress.model_validate_json(lines[-1])
    assert outcome.loaded is not None, outcome.failed
    return outcome.loaded


async def test_a_file_sent_in_pieces_becomes_the_next_version_and_is_announced() -> None:
    store = FakeScreeningStore()
    loaded = await load_as_the_api_does("national", sent(LISTED), "csv", "list.csv", store)
    assert (loaded.list_version, loaded.entries, loaded.summary()) == (
        "national@1",
        2,
        "2 added, 0 changed, 0 removed",
    )
    assert loaded.published
    assert len(store.published_of("ListUpdated")) == 1


async def test_the_same_file_sent_again_stores_no_second_version() -> None:
    store = FakeScreeningStore()
    await load_as_the_api_does("national", sent(LISTED), "csv", "list.csv", store)
    again = await load_as_the_api_does("national", sent(LISTED, 5), "csv", "retried", store)
    assert (again.list_version, again.published) == ("national@1", False)
    assert len(store.published_of("ListUpdated")) == 1


async def test_a_file_that_is_not_a_list_is_refused_naming_the_record_not_a_server_path() -> None:
    store = FakeScreeningStore()
    with pytest.raises(ListFormatError) as refused:
        await load_as_the_api_does(
            "csl", sent(b'{"results": [{"no_name": 1}]}'), "json", "c.json", store
        )
    assert str(refused.value) == "record 0: not an object with a name"
    with pytest.raises(ListFormatError) as not_json:
        await load_as_the_api_does("csl", sent(b'{"results": ['), "json", "c.json", store)
    assert str(not_json.value).startswith("not JSON (")
    assert store.published_of("ListUpdated") == []


async def test_a_file_beyond_the_limit_is_refused_naming_it_and_stores_nothing() -> None:
    store = FakeScreeningStore()
    small = Limit("list_file", 64, "the list file")
    with pytest.raises(ListFileTooLarge, match="exceeds the limit list_file of 64 bytes"):
        await load_as_the_api_does("national", sent(LISTED), "csv", "list.csv", store, small)
    assert store.published_of("ListUpdated") == []


async def test_a_load_answers_with_the_entries_stored_then_the_new_version() -> None:
    store = FakeScreeningStore()
    entries = await read_sent_list("national", sent(LISTED), "csv")
    lines = [line async for line in storing_lines("national", entries, "list.csv", store)]
    answers = [LoadProgress.model_validate_json(line) for line in lines]
    assert all(line.endswith("\n") for line in lines)
    assert (answers[0].stored, answers[0].total) == (2, 2)
    assert answers[-1].loaded is not None
    assert (answers[-1].loaded.list_version, answers[-1].loaded.published) == ("national@1", True)


class FailingStore(FakeScreeningStore):
    """A store whose storage fails half way through writing a version."""

    @asynccontextmanager
    async def unit_of_work(self) -> AsyncIterator[FakeScreeningUnitOfWork]:
        async with super().unit_of_work() as uow:
            yield FailingUnitOfWork(uow.state)


class FailingUnitOfWork(FakeScreeningUnitOfWork):
    async def add_list_version(
        self, update: ListUpdated, delta: ListDelta, progress: Progress
    ) -> None:
        progress(1, 2)
        raise OSError("disk full")


async def test_a_load_that_fails_in_storage_says_so_last_and_leaves_no_version() -> None:
    store = FailingStore()
    entries = await read_sent_list("national", sent(LISTED), "csv")
    lines = [line async for line in storing_lines("national", entries, "list.csv", store)]
    *progress, last = [LoadProgress.model_validate_json(line) for line in lines]
    assert [(p.stored, p.total) for p in progress] == [(1, 2)]
    assert (last.loaded, last.failed) == (None, "OSError: disk full")
    assert store.state.versions == []
    assert store.published_of("ListUpdated") == []
