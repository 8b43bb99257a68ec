"""Re-screening a chunk at a time: each chunk's results go out in a transaction of its own, and
an update interrupted between chunks is handled again without screening a case twice."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import pytest

from services.screening import rescreening
from services.screening.handlers import screen_case
from services.screening.list_updates import load_list_version
from services.screening.matching import parse_csv
from services.screening.rescreening import rescreen_affected
from tests.unit.test_screening_fakes import (
    FakeScreeningStore,
    FakeScreeningUnitOfWork,
    screening_request,
    with_end_user,
)
from tests.unit.test_screening_list_updates import knowing, published_update
from tests.unit.test_screening_rescreening import AFTER, BEFORE, POLICY


class CountingStore(FakeScreeningStore):
    """A fake store that notes, after each committed transaction, the re-screening results
    published so far and whether the update counts as handled; `fail_in(n)`: the n-th
    transaction from then on raises instead of committing."""

    def __init__(self) -> None:
        super().__init__()
        self.commits: list[tuple[int, bool]] = []
        self._countdown: int | None = None

    def fail_in(self, transactions: int | None) -> None:
        self._countdown = transactions

    @asynccontextmanager
    async def unit_of_work(self) -> AsyncIterator[FakeScreeningUnitOfWork]:
        if self._countdown is not None:
            self._countdown -= 1
            if self._countdown == 0:
                raise ConnectionError("the database went away")
        async with super().unit_of_work() as uow:
            yield uow
        self.commits.append((len(rescreen_request_ids(self)), bool(self.state.processed)))


@pytest.fixture(autouse=True)
def a_case_a_chunk(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(rescreening, "CHUNK", 1)


async def three_cases_an_update_changes(store: CountingStore) -> list[str]:
    """Three cases screened against BEFORE, then AFTER loaded (it changes all three); ids."""
    await load_list_version("test", parse_csv(BEFORE, "test"), "before.csv", store)
    requests = [
        screening_request(with_end_user("Orison Signal Works LLC", "RU")),
        screening_request(with_end_user("Zephyr Lattice Analytics FZE")),
        screening_request(with_end_user("Kestrel Vantage Systems LLC")),
    ]
    for request in requests:
        await screen_case(request, store, POLICY, knowing(BEFORE, 1))
    await load_list_version("test", parse_csv(AFTER, "test"), "after.csv", store)
    store.commits.clear()
    store.state.processed.clear()
    return [request.data.case_id for request in requests]


def rescreen_request_ids(store: FakeScreeningStore) -> list[str]:
    return [
        request_id
        for _, envelope in store.state.published
        if "/rescreen/"
        in (request_id := getattr(getattr(envelope, "data", None), "request_id", ""))
    ]


async def test_each_chunk_of_new_results_goes_out_before_the_update_counts_as_handled() -> None:
    store = CountingStore()
    cases = await three_cases_an_update_changes(store)

    rescreened = await rescreen_affected(published_update(store), store, POLICY, knowing(AFTER, 2))

    assert sorted(rescreened.cases) == sorted(cases)
    # One transaction reads the candidates, one per case publishes its result, and the last
    # records the update as handled.
    assert store.commits == [(0, False), (1, False), (2, False), (3, False), (3, True)]


async def test_an_update_interrupted_between_chunks_is_handled_again_and_no_case_twice() -> None:
    store = CountingStore()
    cases = await three_cases_an_update_changes(store)
    update, lists = published_update(store), knowing(AFTER, 2)
    store.fail_in(4)  # the read, two chunks committed, the third fails

    with pytest.raises(ConnectionError):
        await rescreen_affected(update, store, POLICY, lists)
    assert len(rescreen_request_ids(store)) == 2
    assert not store.state.processed
    store.fail_in(None)
    again = await rescreen_affected(update, store, POLICY, lists)
    once_more = await rescreen_affected(update, store, POLICY, lists)

    assert len(again.cases) == 1
    assert once_more.cases == []
    published = rescreen_request_ids(store)
    assert len(published) == len(set(published)) == 3
    assert sorted(request_id.split("/")[0] for request_id in published) == sorted(cases)
    assert store.state.processed == {update.id}
