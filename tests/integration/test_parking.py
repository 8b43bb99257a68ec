"""On the real broker: a message whose handler always fails is parked and its partition moves on;
once the handler is fixed, a replay of the parked message is handled once."""

from __future__ import annotations

import asyncio
import time
import uuid
from collections import Counter
from collections.abc import Awaitable, Callable

import pytest
from faststream import FastStream
from faststream.kafka import KafkaRouter
from faststream.kafka.annotations import KafkaMessage
from prometheus_client import REGISTRY

from caseflow.cli.parked import read_parked
from caseflow.kafka import make_broker, start_producer
from caseflow.messaging import at_least_once, deliveries
from caseflow.parked import REPLAYED_FROM_HEADER, ParkedMessage
from caseflow.parking import RetryBudget
from caseflow.settings import Endpoints, Settings
from caseflow.stack.broker import create_topics
from schemas.topics import Topic
from tests.support import caseflow

pytestmark = pytest.mark.integration

# Shortened for the test: three failed deliveries, at least two seconds apart from the first.
BUDGET = RetryBudget(attempts=3, seconds=2.0)
WAIT = 120.0


class Broken(RuntimeError):
    """The handler's bug: it cannot take this value."""


async def eventually(check: Callable[[], Awaitable[bool]], what: str) -> None:
    deadline = time.monotonic() + WAIT
    while not await check():
        if time.monotonic() > deadline:
            raise AssertionError(f"not within {WAIT}s: {what}")
        await asyncio.sleep(0.2)


async def test_a_message_that_always_fails_is_parked_and_a_replay_is_handled_once_fixed(
    stack_settings: Settings, stack_endpoints: Endpoints
) -> None:
    bootstrap = stack_endpoints.kafka
    run = uuid.uuid4().hex[:8]
    topic = Topic(f"caseflow.test.parking-{run}", 1, "one partition: the poison blocks it all")
    group = f"caseflow-test-parking-{run}"
    await create_topics(bootstrap, [topic])
    handled: Counter[bytes] = Counter()
    replay_headers: list[bytes] = []
    fixed = asyncio.Event()

    router = KafkaRouter()

    @at_least_once(
        router, topic, group_id=group, title="on_test", description="", batch_size=10, budget=BUDGET
    )
    async def on_test(body: list[bytes], message: KafkaMessage) -> None:
        batch = deliveries(message)
        # Fails before any effect, as a transaction rolled back would.
        if not fixed.is_set() and any(d.body == b"poison" for d in batch):
            raise Broken("cannot take the value 'poison'")
        handled.update(d.body for d in batch)
        raw = message.raw_message
        assert isinstance(raw, tuple)
        replay_headers.extend(v for r in raw for k, v in r.headers if k == REPLAYED_FROM_HEADER)

    producer = await start_producer(bootstrap, "test-parking")
    broker = make_broker(bootstrap, "test-parking")
    broker.include_router(router)
    try:
        async with FastStream(broker):
            await producer.send_and_wait(
                topic.name, b"poison", key=b"case-a", headers=[("caseflow-agency", b"DE-BAFA")]
            )
            await producer.send_and_wait(topic.name, b"next", key=b"case-b")

            parked: list[ParkedMessage] = []

            async def poison_parked() -> bool:
                parked[:] = [p for p in await read_parked(bootstrap) if p.topic == topic.name]
                return bool(parked)

            await eventually(poison_parked, "the poison parked")
            await eventually(lambda: _true(handled[b"next"] >= 1), "the next message handled")
            [poison] = parked
            assert handled[b"poison"] == 0
            assert (poison.partition, poison.offset, poison.key) == (0, 0, "case-a")
            assert poison.consumer == group
            assert poison.error_type == "Broken"
            assert poison.attempts >= BUDGET.attempts
            assert poison.raw_body() == b"poison"
            counted = REGISTRY.get_sample_value(
                "caseflow_messages_parked_total", {"consumer": group, "topic": topic.name}
            )
            assert counted == 1

            listed = await caseflow(stack_settings, "parked", "list", "--consumer", group)
            assert poison.parked_id[:12] in listed
            assert "case-a" in listed
            assert "Broken: cannot take the value 'poison'" in listed

            fixed.set()
            replayed = await caseflow(stack_settings, "parked", "replay", poison.parked_id[:8])
            assert f"replayed {poison.parked_id}" in replayed
            await producer.send_and_wait(topic.name, b"after", key=b"case-b")
            # One partition: once "after" is handled, the replay before it was handled too.
            await eventually(lambda: _true(handled[b"after"] >= 1), "the message after the replay")
            assert handled[b"poison"] == 1
            assert replay_headers == [poison.parked_id.encode()]
    finally:
        await producer.stop()


async def _true(value: bool) -> bool:
    return value
