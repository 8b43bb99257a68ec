"""A screening request on real PostgreSQL is screened against the list versions and partner
notices PostgreSQL holds: a version loaded since the process last polled its lists is indexed
before the case is screened, and a version loaded or a notice kept while it was screened (their
re-screen holding the open cases) has it screened again."""

from __future__ import annotations

import asyncio
import contextlib
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass

import asyncpg
import pytest
from prometheus_client import REGISTRY

from caseflow.db import create_pool
from caseflow.messaging import Delivery
from caseflow.settings import Endpoints
from caseflow.uow import HeldPool, PostgresStore
from schemas.envelope import Envelope
from schemas.screening import ScreeningCompleted, ScreeningRequested
from services.screening.adapters import PostgresScreeningUnitOfWork
from services.screening.config import SCHEMA
from services.screening.current_lists import CurrentLists, load_screener
from services.screening.domain import Knowledge
from services.screening.list_updates import load_list_version
from services.screening.matching import RestrictedPartyEntry
from services.screening.policy import ScreeningPolicy
from services.screening.requests import request_table
from services.screening.rules.destination import DestinationRegister
from tests.unit.test_screening_fakes import screening_request, with_end_user
from tests.unit.test_screening_partner_notices import denial, surveillance_to_the_ministry

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


Unit = PostgresScreeningUnitOfWork


async def test_a_case_kept_after_a_rescreen_read_the_subjects_is_screened_on_its_lists(
    case_services: None, stack_endpoints: Endpoints
) -> None:
    name, tag = f"moved-{uuid.uuid4().hex[:8]}", uuid.uuid4().hex[:6].upper()
    first = listed(name, 1, f"Heron {tag} Survey Systems")
    added = listed(name, 2, f"Osprey {tag} Avionics Trading")

    async def rescreen_reading(uow: Unit) -> None:  # as an update's re-screen reads open cases
        await uow.hold_subjects()

    async def loading(elsewhere: PostgresStore[Unit], lists: CurrentLists) -> None:
        assert lists.versions[name] == 1  # the request was screened on version 1, not kept yet
        await load_list_version(name, [first, added], "v2.csv", elsewhere)

    async with two_processes(stack_endpoints) as processes:
        await load_list_version(name, [first], "v1.csv", processes.stores[1])
        request = asking_for(added)
        result = await screened_while_held(processes, request, rescreen_reading, loading)

    assert hit_on(result, f"{name}@2", added), result


async def test_a_case_kept_after_a_notice_read_the_open_cases_is_screened_with_the_notice(
    case_services: None, stack_endpoints: Endpoints
) -> None:
    notice_id = f"NL-{uuid.uuid4().hex[:10]}"
    kept: list[Unit] = []

    async def notice_reading(uow: Unit) -> None:  # as a notice's re-screen reads open cases
        await uow.hold_open_cases()
        kept.append(uow)

    async def keeping(elsewhere: PostgresStore[Unit], lists: CurrentLists) -> None:
        await kept[0].add_partner_notice(denial(notice_id=notice_id).data)

    async with two_processes(stack_endpoints) as processes:
        request = surveillance_to_the_ministry()
        result = await screened_while_held(processes, request, notice_reading, keeping)

    assert notice_id in {consultation.notice_id for consultation in result.partner_consultations}


@dataclass(frozen=True)
class TwoProcesses:
    """The request's process on a pool of one connection (whose lock waits are told by its
    pid), another process (a re-screen, a list load) on a pool of its own."""

    own: asyncpg.Pool
    other: asyncpg.Pool

    @property
    def stores(self) -> tuple[PostgresStore[Unit], PostgresStore[Unit]]:
        """Each process's screening store."""
        return PostgresStore(HeldPool(self.own), Unit), PostgresStore(HeldPool(self.other), Unit)


@contextlib.asynccontextmanager
async def two_processes(endpoints: Endpoints) -> AsyncIterator[TwoProcesses]:
    """Two processes' pools, closed at the end."""
    own = await create_pool(endpoints.database, SCHEMA, size=1)
    other = await create_pool(endpoints.database, SCHEMA, size=3)
    try:
        yield TwoProcesses(own, other)
    finally:
        await own.close()
        await other.close()


async def screened_while_held(
    processes: TwoProcesses,
    request: Envelope[ScreeningRequested],
    holding: Callable[[Unit], Awaitable[None]],
    meanwhile: Callable[[PostgresStore[Unit], CurrentLists], Awaitable[None]],
) -> ScreeningCompleted:
    """The request's kept result, handled while another process's transaction, begun with
    `holding`, holds it back: once it waits, `meanwhile` runs, then that transaction commits."""
    (store, elsewhere), own = processes.stores, HeldPool(processes.own)
    lists = load_screener()
    standing = Knowledge(lists, DestinationRegister.load())
    table = request_table(store, store, ScreeningPolicy.load(), standing, lists, own)
    delivery = Delivery(request.to_bytes(), request.subject.encode(), "test/0/0")
    async with processes.own.acquire() as connection:
        pid = connection.get_server_pid()
    again = screened_again()
    async with elsewhere.unit_of_work() as uow:
        await holding(uow)
        handling = asyncio.create_task(table.dispatch(delivery, never_set_aside))
        await waiting_for_a_lock(processes.other, pid, handling)
        await meanwhile(elsewhere, lists)
    await asyncio.wait_for(handling, 60)
    assert screened_again() == again + 1  # as operators see it
    return await kept_result(store, request)


def screened_again() -> float:
    """`caseflow_screening_screened_again_total` in this process."""
    return REGISTRY.get_sample_value("caseflow_screening_screened_again_total") or 0.0


async def waiting_for_a_lock(pool: asyncpg.Pool, pid: int, handling: asyncio.Task[object]) -> None:
    """Return once the connection `pid` waits for a lock (its task still running)."""
    for _ in range(600):
        assert not handling.done(), "the request was kept without waiting for the re-screen"
        if await pool.fetchval("SELECT count(*) FROM pg_locks WHERE pid = $1 AND NOT granted", pid):
            return
        await asyncio.sleep(0.05)
    raise AssertionError("the request never waited for the re-screen holding the subjects")
