"""On the real broker: a message whose handler always fails is parked and its partition moves on;
once the handler is fixed, a replay of the parked message is handled once. A message waiting on a
server that is away is never parked, however long the outage; `replay --all` replays them all."""

from __future__ import annotations

import asyncio
import base64
import socket
import time
import uuid
from collections import Counter
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager

import asyncpg
import pytest
from aiokafka import AIOKafkaProducer
from faststream import FastStream
from faststream.kafka import KafkaRouter
from faststream.kafka.annotations import KafkaMessage
from prometheus_client import REGISTRY

from caseflow.bad_messages.parked_message import REPLAYED_FROM_HEADER, ParkedMessage
from caseflow.bad_messages.parked_topic import read_parked
from caseflow.bad_messages.retries import RetryBudget
from caseflow.kafka import make_broker, start_producer
from caseflow.messaging import at_least_once, deliveries, read_or_set_aside, set_aside_on_parked
from caseflow.settings import Endpoints, Settings
from entrypoints.stack.broker import create_topics
from schemas.cases import CaseWithdrawn
from schemas.envelope import Envelope, utcnow
from schemas.topics import Topic
from tests.support import caseflow, eventually

pytestmark = pytest.mark.integration

# Shortened for the test: three failed deliveries, at least two seconds apart from the first.
BUDGET = RetryBudget(attempts=3, seconds=2.0)


class Broken(RuntimeError):
    """The handler's bug: it cannot take this value."""


@asynccontextmanager
async def consuming(
    bootstrap: str,
    handler: Callable[..., Awaitable[None]],
    *,
    batch_size: int | None = None,
) -> AsyncIterator[tuple[Topic, str, AIOKafkaProducer]]:
    """The handler consuming a new one-partition topic with the shortened budget: the topic, the
    consumer group and a producer to it."""
    run = uuid.uuid4().hex[:8]
    topic = Topic(f"caseflow.test.parking-{run}", 1, "one partition: the poison blocks it all")
    group = f"caseflow-test-parking-{run}"
    await create_topics(bootstrap, [topic])
    router = KafkaRouter()
    at_least_once(
        router,
        topic,
        group_id=group,
        title="on_test",
        description="",
        batch_size=batch_size,
        budget=BUDGET,
    )(handler)
    producer = await start_producer(bootstrap, "test-parking")
    broker = make_broker(bootstrap, "test-parking")
    broker.include_router(router)
    try:
        async with FastStream(broker):
            yield topic, group, producer
    finally:
        await producer.stop()


async def parked_from(bootstrap: str, topic: Topic, count: int) -> list[ParkedMessage]:
    """The messages parked from the topic, once there are `count` of them."""
    parked: list[ParkedMessage] = []

    async def all_parked() -> bool:
        parked[:] = await read_parked_from(bootstrap, topic)
        return len(parked) >= count

    await eventually(all_parked, f"{count} message(s) parked")
    return parked


async def test_a_message_that_always_fails_is_parked_and_a_replay_is_handled_once_fixed(
    stack_settings: Settings, stack_endpoints: Endpoints
) -> None:
    bootstrap = stack_endpoints.kafka
    handled: Counter[bytes] = Counter()
    replay_headers: list[bytes] = []
    fixed = asyncio.Event()

    async def on_test(body: list[bytes], message: KafkaMessage) -> None:
        batch = deliveries(message)
        # Fails before any effect, as a transaction rolled back would.
        if not fixed.is_set() and any(d.body == b"poison" for d in batch):
            raise Broken("cannot take the value 'poison'")
        handled.update(d.body for d in batch)
        raw = message.raw_message
        assert isinstance(raw, tuple)
        replay_headers.extend(v for r in raw for k, v in r.headers if k == REPLAYED_FROM_HEADER)

    async with consuming(bootstrap, on_test, batch_size=10) as (topic, group, producer):
        await producer.send_and_wait(
            topic.name, b"poison", key=b"case-a", headers=[("caseflow-agency", b"DE-BAFA")]
        )
        await producer.send_and_wait(topic.name, b"next", key=b"case-b")

        [poison] = await parked_from(bootstrap, topic, 1)
        await eventually(lambda: _true(handled[b"next"] >= 1), "the next message handled")
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


async def test_a_message_waiting_on_a_server_that_is_away_is_never_parked_and_handled_once_back(
    stack_endpoints: Endpoints,
) -> None:
    bootstrap = stack_endpoints.kafka
    nobody_listens = f"postgresql://caseflow@127.0.0.1:{_closed_port()}/caseflow"
    database = nobody_listens
    refused: list[BaseException] = []
    handled: list[bytes] = []

    async def needs_postgresql(body: bytes, message: KafkaMessage) -> None:
        try:
            connection = await asyncpg.connect(database, timeout=10)
        except Exception as error:
            refused.append(error)
            raise
        try:
            await connection.fetchval("SELECT 1")
        finally:
            await connection.close()
        handled.append(body)

    async with consuming(bootstrap, needs_postgresql) as (topic, group, producer):
        started = time.monotonic()
        await producer.send_and_wait(topic.name, b"lone", key=b"case-a")
        # Well past the budget (three failures over two seconds) both in attempts and in time.
        await eventually(
            lambda: _true(
                len(refused) >= 2 * BUDGET.attempts
                and time.monotonic() - started > 2 * BUDGET.seconds
            ),
            "deliveries refused",
        )
        assert await read_parked_from(bootstrap, topic) == []
        outages = REGISTRY.get_sample_value(
            "caseflow_message_redeliveries_total",
            {"consumer": group, "reason": "server_unavailable"},
        )
        assert outages is not None
        assert outages >= len(refused) - 1

        database = stack_endpoints.database  # the server is back
        await eventually(lambda: _true(handled == [b"lone"]), "the message handled")
        assert await read_parked_from(bootstrap, topic) == []


async def test_replay_all_publishes_every_parked_message_again_and_the_list_shows_it(
    stack_settings: Settings, stack_endpoints: Endpoints
) -> None:
    bootstrap = stack_endpoints.kafka
    handled: Counter[bytes] = Counter()
    fixed = asyncio.Event()

    async def fails_on_poison(body: bytes, message: KafkaMessage) -> None:
        if not fixed.is_set() and body.startswith(b"poison"):
            raise Broken(f"cannot take the value {body.decode()!r}")
        handled[body] += 1

    async with consuming(bootstrap, fails_on_poison) as (topic, group, producer):
        poisons = [b"poison-1", b"poison-2", b"poison-3"]
        for n, poison in enumerate(poisons):
            await producer.send_and_wait(topic.name, poison, key=f"case-{n}".encode())
        parked = await parked_from(bootstrap, topic, len(poisons))
        assert sorted(p.raw_body() for p in parked) == poisons

        fixed.set()
        shown = await caseflow(stack_settings, "parked", "replay", "--all", "--topic", topic.name)
        assert f"replayed {len(poisons)} of {len(poisons)} parked message(s)" in shown
        await producer.send_and_wait(topic.name, b"after", key=b"case-9")
        # One partition: once "after" is handled, the replays before it were handled too.
        await eventually(lambda: _true(handled[b"after"] == 1), "the message after the replays")
        assert [handled[poison] for poison in poisons] == [1, 1, 1]

        listed = await caseflow(stack_settings, "parked", "list", "--consumer", group)
        assert listed.count(f"→ {topic.name}/0/") == len(poisons)
        assert f"{len(poisons)} parked message(s), {len(poisons)} replayed" in listed
        pending = await caseflow(stack_settings, "parked", "list", "--consumer", group, "--pending")
        assert "0 parked message(s)" in pending
        again = await caseflow(stack_settings, "parked", "replay", "--all", "--consumer", group)
        assert "replayed 0 of 0" in again
        assert f"{len(poisons)} replayed before were left out" in again


async def test_an_unreadable_message_is_parked_at_once_listed_and_replayed_like_the_others(
    stack_settings: Settings, stack_endpoints: Endpoints
) -> None:
    bootstrap = stack_endpoints.kafka
    withdrawn: list[str] = []
    run = uuid.uuid4().hex[:8]
    topic = Topic(f"caseflow.test.unreadable-{run}", 1, "one partition: order is plain")
    group = f"caseflow-test-unreadable-{run}"
    await create_topics(bootstrap, [topic])
    router = KafkaRouter()
    set_aside = set_aside_on_parked(router, group)

    @at_least_once(router, topic, group_id=group, title="on_test", description="", budget=BUDGET)
    async def on_test(body: bytes, message: KafkaMessage) -> None:
        envelope = await read_or_set_aside(message, CaseWithdrawn, set_aside)
        if envelope is not None:
            withdrawn.append(envelope.subject)

    valid = Envelope.wrap(
        CaseWithdrawn(
            case_id="case-v", control_number="Z000001", withdrawn_at=utcnow(), reason="r"
        ),
        source="tests",
        subject="case-v",
        correlation_id="case-v",
    )
    producer = await start_producer(bootstrap, "test-unreadable")
    broker = make_broker(bootstrap, "test-unreadable")
    broker.include_router(router)
    try:
        async with FastStream(broker):
            await producer.send_and_wait(topic.name, b"\xff not an envelope", key=b"case-u")
            await producer.send_and_wait(topic.name, valid.to_bytes(), key=b"case-v")

            [garbage] = await parked_from(bootstrap, topic, 1)
            await eventually(lambda: _true(withdrawn == ["case-v"]), "the next message handled")
            assert (garbage.offset, garbage.key, garbage.consumer) == (0, "case-u", group)
            assert (garbage.error_type, garbage.attempts) == ("UnreadableMessage", 1)
            assert garbage.raw_body() == b"\xff not an envelope"

            listed = await caseflow(stack_settings, "parked", "list", "--consumer", group)
            assert garbage.parked_id[:12] in listed
            assert "UnreadableMessage" in listed

            await caseflow(stack_settings, "parked", "replay", garbage.parked_id[:8])
            # Still unreadable: the copy is parked again, naming the one it replays.
            parked = await parked_from(bootstrap, topic, 2)
            copy = next(p for p in parked if p.parked_id != garbage.parked_id)
            assert copy.raw_body() == garbage.raw_body()
            headers = {name: base64.b64decode(value) for name, value in copy.headers}
            assert headers[REPLAYED_FROM_HEADER] == garbage.parked_id.encode()
    finally:
        await producer.stop()


async def read_parked_from(bootstrap: str, topic: Topic) -> list[ParkedMessage]:
    """The messages parked from the topic so far."""
    return [p for p in await read_parked(bootstrap) if p.topic == topic.name]


def _closed_port() -> int:
    """A local port nobody listens on: a connection to it is refused."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def _true(value: bool) -> bool:
    return value
