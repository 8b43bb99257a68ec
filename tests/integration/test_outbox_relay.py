"""The outbox relay outlives its broker: events written while the broker is away stay pending,
are published once it is back, and the relay never dies for it."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator, Callable
from pathlib import Path

import asyncpg
import pytest

from caseflow.db import migrate
from caseflow.kafka import start_producer
from caseflow.loopback import free_ports
from caseflow.outbox import OutboxRelay, enqueue
from caseflow.settings import Endpoints, Settings
from entrypoints.stack import start_stack, stop_process, stop_stack
from schemas.cases import CaseStatus, CaseStatusChanged
from schemas.envelope import Envelope, utcnow
from schemas.topics import CASES
from tests.support import collect

pytestmark = pytest.mark.integration


@pytest.fixture
async def own_broker(
    stack_state_dirs: Callable[[], Path], stack_endpoints: Endpoints
) -> AsyncIterator[Settings]:
    """A broker of this test's own, which it stops and starts again."""
    [kafka_port] = free_ports(1)
    settings = Settings(
        state_dir=stack_state_dirs(),
        kafka_port=kafka_port,
        database_url=stack_endpoints.database,
        temporal_address=stack_endpoints.temporal,
    )
    await start_stack(settings)
    yield settings
    stop_stack(settings)


def status_event(case_id: str) -> Envelope[CaseStatusChanged]:
    changed = CaseStatusChanged(
        case_id=case_id,
        control_number="Z999999",
        submitting_agency="DE-BAFA",
        agency_reference="R",
        status=CaseStatus.SCREENING,
        changed_at=utcnow(),
    )
    return Envelope.wrap(changed, source="test", subject=case_id, correlation_id=case_id)


async def pending(connection: asyncpg.Connection) -> int:
    return int(await connection.fetchval("SELECT count(*) FROM outbox WHERE published_at IS NULL"))


async def test_events_written_while_the_broker_is_down_are_published_when_it_returns(
    own_broker: Settings, tmp_path: Path
) -> None:
    endpoints = own_broker.endpoints()
    schema = f"relay_{uuid.uuid4().hex[:8]}"
    await migrate(endpoints.database, schema, tmp_path)  # the platform's outbox tables only
    producer = await start_producer(endpoints.kafka, "test-relay")
    relay = asyncio.create_task(
        OutboxRelay(endpoints.database, schema, producer).run(poll_seconds=0.2)
    )
    connection = await asyncpg.connect(endpoints.database, server_settings={"search_path": schema})
    try:
        before, during = str(uuid.uuid4()), str(uuid.uuid4())
        await enqueue(connection, CASES, status_event(before))
        await collect(
            endpoints.kafka,
            CASES.name,
            lambda seen: len(seen) == 1,
            where=lambda event: event["subject"] == before,
        )

        stop_process(own_broker.state_dir.resolve(), "broker")
        await enqueue(connection, CASES, status_event(during))
        await asyncio.sleep(3)  # the relay meets the missing broker and waits
        assert not relay.done()
        assert await pending(connection) == 1
        await start_stack(own_broker)
        for _ in range(300):
            if not await pending(connection):
                break
            await asyncio.sleep(0.2)
        assert await pending(connection) == 0
        assert not relay.done()
        # The embedded broker may auto-create a topic for a message that beats `stack up`'s topic
        # creation and then lose it (README, honest limits); what follows must arrive.
        after = str(uuid.uuid4())
        await enqueue(connection, CASES, status_event(after))
        await collect(
            endpoints.kafka,
            CASES.name,
            lambda seen: len(seen) == 1,
            where=lambda event: event["subject"] == after,
        )
    finally:
        relay.cancel()
        await asyncio.gather(relay, return_exceptions=True)
        await producer.stop()
        await connection.close()
