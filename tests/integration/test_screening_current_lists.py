"""A screening request on real PostgreSQL is screened against the list versions PostgreSQL holds:
a version loaded since the process last polled its lists is indexed before the case is screened,
and one loaded while it was screened (its re-screen holding the subjects) has it screened again."""

from __future__ import annotations

import asyncio
import uuid

import asyncpg
import pytest

from caseflow.db import create_pool
from caseflow.messaging import Delivery
from caseflow.settings import Endpoints
from caseflow.uow import HeldPool, PostgresStore
from schemas.envelope import Envelope
from schemas.screening import ScreeningCompleted, ScreeningRequested
from services.screening.adapters import PostgresScreeningUnitOfWork
from services.screening.config import SCHEMA
from services.screening.current_lists import load_screener
from services.screening.domain import Knowledge
from services.screening.list_updates import load_list_version
from services.screening.matching import RestrictedPartyEntry
from services.screening.policy import ScreeningPolicy
from services.screening.requests import request_table
from services.screening.rules.destination import DestinationRegister
from tests.unit.test_screening_fakes import screening_request, with_end_user

pytestmark = [pytest.mark.integration]


async def never_set_aside(message: object, reason: str) -> None:
    raise AssertionError(f"set aside: {reason}")


def listed(name: str, number: int, words: str) -> RestrictedPartyEntry:
    """Entry `number` of list `name`: a company of these words in the UAE, made unique."""
    return RestrictedPartyEntry(name, f"{name}-{number}", words, countries=("AE",))


def asking_for(entry: RestrictedPartyEntry) -> Envelope[ScreeningRequested]:
    """A request for a case whose end user is the listed company, written as listed."""
    return screening_request(with_end_user(entry.name, "AE"))


async def kept_result(
    store: PostgresStore[PostgresScreeningUnitOfWork], request: Envelope[ScreeningRequested]
) -> ScreeningCompleted:
    """The request's kept result; its case closed (no workflow holds it: it is not left open
    for the session's later list updates)."""
    async with store.unit_of_work() as uow:
        result = await uow.find_result(request.data.request_id)
        await uow.close_case(request.data.case_id, "the test")
    assert result is not None
    return result


def hit_on(result: ScreeningCompleted, list_version: str, entry: RestrictedPartyEntry) -> bool:
    """Whether the result was screened on `list_version` (one of its lists') and hit `entry`."""
    found = {finding.reference for finding in result.findings}
    return list_version in result.list_version.split("+") and entry.entry_id in found


async def test_a_case_is_screened_against_a_version_loaded_since_the_lists_were_polled(
    case_services: None, stack_endpoints: Endpoints
) -> None:
    name, tag = f"fresh-{uuid.uuid4().hex[:8]}", uuid.uuid4().hex[:6].upper()
    entry = listed(name, 1, f"Kestrel {tag} Maritime Holdings")
    request = asking_for(entry)
    pool = await create_pool(stack_endpoints.database, SCHEMA, size=2)
    try:
        store = PostgresStore(HeldPool(pool), PostgresScreeningUnitOfWork)
        lists = load_screener()
        await lists.refresh(pool)  # the process's last poll, before the version below is loaded
        await load_list_version(name, [entry], "new.csv", store)
        standing = Knowledge(lists, DestinationRegister.load())
        table = request_table(store, store, ScreeningPolicy.load(), standing, lists, HeldPool(pool))
        delivery = Delivery(request.to_bytes(), request.subject.encode(), "test/0/0")
        await table.dispatch(delivery, never_set_aside)
        result = await kept_result(store, request)
    finally:
        await pool.close()

    assert hit_on(result, f"{name}@1", entry), result


async def test_a_case_kept_after_a_rescreen_read_the_subjects_is_screened_on_its_lists(
    case_services: None, stack_endpoints: Endpoints
) -> None:
    name, tag = f"moved-{uuid.uuid4().hex[:8]}", uuid.uuid4().hex[:6].upper()
    first = listed(name, 1, f"Heron {tag} Survey Systems")
    added = listed(name, 2, f"Osprey {tag} Avionics Trading")
    request = asking_for(added)
    # The request's process on a pool of one connection (whose lock waits are told by its pid),
    # the re-screen and the list load on another.
    own = await create_pool(stack_endpoints.database, SCHEMA, size=1)
    other = await create_pool(stack_endpoints.database, SCHEMA, size=3)
    try:
        store, elsewhere = (
            PostgresStore(HeldPool(p), PostgresScreeningUnitOfWork) for p in (own, other)
        )
        await load_list_version(name, [first], "v1.csv", elsewhere)
        lists = load_screener()
        standing = Knowledge(lists, DestinationRegister.load())
        table = request_table(store, store, ScreeningPolicy.load(), standing, lists, HeldPool(own))
        delivery = Delivery(request.to_bytes(), request.subject.encode(), "test/0/0")
        async with own.acquire() as connection:
            pid = connection.get_server_pid()
        async with elsewhere.unit_of_work() as rescreen:
            await rescreen.hold_subjects()  # as an update's re-screen reading the open cases
            handling = asyncio.create_task(table.dispatch(delivery, never_set_aside))
            await waiting_for_a_lock(other, pid, handling)  # screened on version 1, not kept yet
            assert lists.versions[name] == 1
            await load_list_version(name, [first, added], "v2.csv", elsewhere)
        await asyncio.wait_for(handling, 60)
        result = await kept_result(store, request)
    finally:
        await own.close()
        await other.close()

    assert hit_on(result, f"{name}@2", added), result


async def waiting_for_a_lock(pool: asyncpg.Pool, pid: int, handling: asyncio.Task[object]) -> None:
    """Return once the connection `pid` waits for a lock (its task still running)."""
    for _ in range(600):
        assert not handling.done(), "the request was kept without waiting for the re-screen"
        if await pool.fetchval("SELECT count(*) FROM pg_locks WHERE pid = $1 AND NOT granted", pid):
            return
        await asyncio.sleep(0.05)
    raise AssertionError("the request never waited for the re-screen holding the subjects")
