"""A use case spanning several transactions asks whether a message was handled without
recording it, and records it in its last transaction (re-screening after a list update)."""

from __future__ import annotations

import uuid

import pytest

from caseflow.db import create_pool, migrate
from caseflow.settings import Endpoints
from caseflow.uow import HeldPool, PostgresStore, PostgresUnitOfWork
from services.screening.config import MIGRATIONS, SCHEMA

pytestmark = [pytest.mark.integration]


class Consumer(PostgresUnitOfWork):
    """A consumer of its own, so that no service's records are touched."""

    consumer = f"test-handled-{uuid.uuid4().hex[:8]}"


async def test_a_message_asked_about_is_not_recorded_until_its_last_transaction_records_it(
    stack_endpoints: Endpoints,
) -> None:
    await migrate(stack_endpoints.database, SCHEMA, MIGRATIONS)  # as screening starts
    pool = await create_pool(stack_endpoints.database, SCHEMA, size=1)
    store = PostgresStore(HeldPool(pool), Consumer)
    message = uuid.uuid4()
    try:
        async with store.unit_of_work() as uow:
            assert not await uow.handled(message)
        async with store.unit_of_work() as uow:
            assert not await uow.handled(message)  # asking recorded nothing
            assert await uow.first_delivery(message)
        async with store.unit_of_work() as uow:
            assert await uow.handled(message)
            assert not await uow.first_delivery(message)
            assert not await uow.handled(uuid.uuid4())
    finally:
        await pool.close()
