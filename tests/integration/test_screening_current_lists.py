"""A screening request on real PostgreSQL is screened against the list versions PostgreSQL holds:
a version loaded since the process last polled its lists is indexed before the case is screened."""

from __future__ import annotations

import uuid

import pytest

from caseflow.db import create_pool
from caseflow.messaging import Delivery
from caseflow.settings import Endpoints
from caseflow.uow import HeldPool, PostgresStore
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


async def test_a_case_is_screened_against_a_version_loaded_since_the_lists_were_polled(
    case_services: None, stack_endpoints: Endpoints
) -> None:
    name, tag = f"fresh-{uuid.uuid4().hex[:8]}", uuid.uuid4().hex[:6].upper()
    listed = RestrictedPartyEntry(
        name, f"{name}-1", f"Kestrel {tag} Maritime Holdings", countries=("AE",)
    )
    request = screening_request(with_end_user(f"Kestrel {tag} Maritime Holdings", "AE"))
    pool = await create_pool(stack_endpoints.database, SCHEMA, size=2)
    try:
        store = PostgresStore(HeldPool(pool), PostgresScreeningUnitOfWork)
        lists = load_screener()
        await lists.refresh(pool)  # the process's last poll, before the version below is loaded
        await load_list_version(name, [listed], "new.csv", store)
        standing = Knowledge(lists, DestinationRegister.load())
        table = request_table(store, store, ScreeningPolicy.load(), standing, lists, HeldPool(pool))
        delivery = Delivery(request.to_bytes(), request.subject.encode(), "test/0/0")
        await table.dispatch(delivery, never_set_aside)
        async with store.unit_of_work() as uow:
            result = await uow.find_result(request.data.request_id)
            # No workflow holds this case: it is not left open for the session's later updates.
            await uow.close_case(request.data.case_id, "the test")
    finally:
        await pool.close()

    assert result is not None
    assert f"{name}@1" in result.list_version
    assert listed.entry_id in {finding.reference for finding in result.findings}
