"""On the real broker: a librdkafka agency client (confluent-kafka) that no one here wrote sends
submissions with every codec and with its idempotent producer, and intake registers each; a
corrupt record batch is parked while the next submission on its partition is registered."""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import AsyncIterator

import pytest
from aiokafka import AIOKafkaClient, TopicPartition
from aiokafka.protocol.produce import ProduceRequest
from aiokafka.record.default_records import DefaultRecordBatchBuilder
from confluent_kafka import Producer
from faststream import FastStream
from faststream.kafka import KafkaRouter
from faststream.kafka.annotations import KafkaMessage
from prometheus_client import REGISTRY

from caseflow.auth import Role
from caseflow.bad_messages.parked_message import ParkedMessage
from caseflow.bad_messages.parked_topic import read_parked
from caseflow.bad_messages.retries import RetryBudget
from caseflow.bad_messages.unreadable_batches import ParkingConsumer
from caseflow.consumer_progress import ConsumerProgress, StallWatch
from caseflow.kafka import make_broker
from caseflow.messaging import at_least_once
from caseflow.settings import Endpoints, Settings
from entrypoints.agency_client import publish_submissions
from entrypoints.samples import sample_applications, submission
from entrypoints.stack.broker import create_topics
from schemas.intake import AGENCY_HEADER
from schemas.topics import SUBMISSIONS, Topic
from services.intake.bootstrap import bootstrap as intake_app
from services.intake.config import CONSUMER
from tests.support import caseflow, eventually, intake_standing, signed_token

pytestmark = pytest.mark.integration


@pytest.fixture
async def intake(stack_settings: Settings, stack_endpoints: Endpoints) -> AsyncIterator[None]:
    async with intake_app(stack_settings):
        yield


def agency_send(bootstrap: str, config: dict[str, object], key: str, body: bytes) -> None:
    """Send one submission as an agency's librdkafka client does, on partition 0."""
    producer = Producer({"bootstrap.servers": bootstrap, "linger.ms": 0, **config})
    agency = key.split(":")[0]
    producer.produce(
        SUBMISSIONS.name, body, key.encode(), partition=0, headers=[(AGENCY_HEADER, agency)]
    )
    assert producer.flush(30) == 0, f"not delivered with {config}"


def new_submission(suffix: str) -> tuple[str, str, bytes]:
    """(agency, reference, bytes) of a sample application under a fresh reference."""
    envelope = submission(sample_applications(f"-{suffix}-{uuid.uuid4().hex[:6]}")[0])
    data = envelope.data
    return data.submitting_agency, data.agency_reference, envelope.to_bytes()


async def registered(database: str, agency: str, reference: str) -> bool:
    standing, _ = await intake_standing(database, agency, reference)
    return standing is not None


@pytest.mark.parametrize(
    "config",
    [
        {"compression.type": "gzip"},
        {"compression.type": "snappy"},
        {"compression.type": "lz4"},
        {"compression.type": "zstd"},
        {"enable.idempotence": True},
    ],
    ids=["gzip", "snappy", "lz4", "zstd", "idempotent"],
)
async def test_a_librdkafka_agency_client_submission_is_registered(
    intake: None, stack_endpoints: Endpoints, config: dict[str, object]
) -> None:
    agency, reference, body = new_submission(str(next(iter(config.values()))))
    await asyncio.to_thread(
        agency_send, stack_endpoints.kafka, config, f"{agency}:{reference}", body
    )
    await eventually(
        lambda: registered(stack_endpoints.database, agency, reference),
        f"{reference} sent with {config} registered",
    )


@pytest.mark.parametrize("codec", ["gzip", "snappy", "lz4", "zstd"])
async def test_caseflow_producers_write_every_codec(
    intake: None, stack_endpoints: Endpoints, codec: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CASEFLOW_KAFKA_COMPRESSION", codec)
    agency, reference, body = new_submission(f"own-{codec}")
    await publish_submissions(stack_endpoints.kafka, [(f"{agency}:{reference}", body)])
    await eventually(
        lambda: registered(stack_endpoints.database, agency, reference),
        f"{reference} published by caseflow with {codec} registered",
    )


def corrupt_batch(key: bytes, value: bytes) -> bytes:
    """A one-record batch whose checksum does not match its contents (a flipped CRC byte)."""
    builder = DefaultRecordBatchBuilder(
        magic=2,
        compression_type=0,
        is_transactional=False,
        producer_id=-1,
        producer_epoch=-1,
        base_sequence=-1,
        batch_size=1 << 20,
    )
    builder.append(0, timestamp=int(time.time() * 1000), key=key, value=value, headers=[])
    raw = bytearray(builder.build())
    raw[17] ^= 0xFF  # the first byte of the CRC-32C
    return bytes(raw)


async def produce_raw(bootstrap: str, tp: TopicPartition, batch: bytes) -> int:
    """Write a record batch to the partition as it is, the way a broken client would; its
    offset."""
    client = AIOKafkaClient(bootstrap_servers=bootstrap)
    await client.bootstrap()
    try:
        await client.force_metadata_update()
        leader = client.cluster.leader_for_partition(tp)
        response = await client.send(
            leader, ProduceRequest(None, -1, 10_000, [(tp.topic, [(tp.partition, batch)])])
        )
    finally:
        await client.close()
    [(_, [(_, error_code, offset, *_)])] = response.topics
    assert error_code == 0, f"the broker refused the batch: error {error_code}"
    return int(offset)


async def test_a_corrupt_batch_is_parked_while_the_next_submission_is_registered(
    intake: None, stack_settings: Settings, stack_endpoints: Endpoints
) -> None:
    bootstrap, database = stack_endpoints.kafka, stack_endpoints.database
    tp = TopicPartition(SUBMISSIONS.name, 0)
    lost_agency, lost_reference, lost_body = new_submission("corrupt")
    key = f"{lost_agency}:{lost_reference}"
    offset = await produce_raw(bootstrap, tp, corrupt_batch(key.encode(), lost_body))
    agency, reference, body = new_submission("after-corrupt")
    await asyncio.to_thread(agency_send, bootstrap, {}, f"{agency}:{reference}", body)

    await eventually(lambda: registered(database, agency, reference), "the next one registered")
    [parked] = [
        p for p in await read_parked(bootstrap) if p.unreadable_batch and p.offset == offset
    ]
    assert (parked.topic, parked.partition, parked.consumer) == (tp.topic, 0, CONSUMER)
    assert parked.last_offset == offset
    assert "CRC" in parked.error
    assert parked.key == key  # its record still parses: whose it was can be told
    assert not await registered(database, lost_agency, lost_reference)
    counted = REGISTRY.get_sample_value(
        "caseflow_unreadable_batches_total",
        {"consumer": CONSUMER, "topic": tp.topic, "reason": "corrupt"},
    )
    assert counted is not None
    assert counted >= 1

    agency_token = await signed_token(stack_settings, Role.AGENCY, agency=lost_agency)
    told = await caseflow(stack_settings, "status", lost_agency, lost_reference, token=agency_token)
    assert "could not be read" in told
    assert f"under {lost_agency} {lost_reference}" in told
    assert f"{tp.topic}/0/{offset}" in told
    listed = await caseflow(stack_settings, "parked", "list", "--consumer", CONSUMER)
    assert f"{tp.topic}/0/{offset}-{offset} (batch)" in listed
    refused = await caseflow(stack_settings, "parked", "replay", parked.parked_id, status=1)
    assert "its producer must send it again" in refused
    operator = await signed_token(stack_settings, Role.OPERATOR)
    summary = await caseflow(stack_settings, "flow", token=operator)
    assert "unreadable batches parked" in summary


async def test_a_message_by_message_consumer_parks_a_corrupt_batch_and_reads_on(
    stack_endpoints: Endpoints,
) -> None:
    bootstrap = stack_endpoints.kafka
    run = uuid.uuid4().hex[:8]
    topic, group = Topic(f"caseflow.test.codecs-{run}", 1, "one partition"), f"test-codecs-{run}"
    await create_topics(bootstrap, [topic])
    offset = await produce_raw(bootstrap, TopicPartition(topic.name, 0), corrupt_batch(b"k", b"v"))
    for codec in ("snappy", "lz4"):
        await asyncio.to_thread(agency_send_to, bootstrap, topic.name, codec)
    handled: list[bytes] = []
    router = KafkaRouter()

    async def on_test(body: bytes, message: KafkaMessage) -> None:
        handled.append(message.body)

    budget = RetryBudget.from_settings(Settings())
    at_least_once(router, topic, group_id=group, title="on_test", description="", budget=budget)(
        on_test
    )
    broker = make_broker(bootstrap, "test-codecs")
    broker.include_router(router)
    async with FastStream(broker):
        await eventually(lambda: _true(len(handled) >= 2), "both messages after it handled")
    assert handled == [b"snappy", b"lz4"]
    parked = [p for p in await read_parked(bootstrap) if p.topic == topic.name]
    assert [(p.offset, p.consumer, p.unreadable_batch) for p in parked] == [(offset, group, True)]


def agency_send_to(bootstrap: str, topic: str, codec: str, body: str | None = None) -> None:
    producer = Producer({"bootstrap.servers": bootstrap, "compression.type": codec})
    producer.produce(topic, (body or codec).encode(), b"k", partition=0)
    assert producer.flush(30) == 0


async def _true(value: bool) -> bool:
    return value


async def test_a_consumer_that_stops_moving_while_messages_wait_shows_as_stalled(
    stack_endpoints: Endpoints,
) -> None:
    bootstrap = stack_endpoints.kafka
    run = uuid.uuid4().hex[:8]
    topic = Topic(f"caseflow.test.stall-{run}", 1, "one partition")
    await create_topics(bootstrap, [topic])
    for number in range(4):
        await asyncio.to_thread(agency_send_to, bootstrap, topic.name, "gzip", str(number))

    async def never_parks(parked: ParkedMessage) -> None:
        raise AssertionError(f"nothing here is unreadable: {parked}")

    consumer = ParkingConsumer(
        topic.name,
        bootstrap_servers=bootstrap,
        group_id=f"test-stall-{run}",
        auto_offset_reset="earliest",
        enable_auto_commit=False,
        park=never_parks,
    )
    progress = ConsumerProgress(StallWatch())
    await consumer.start()
    try:
        read: list[bytes] = []
        while not read:  # one message handed out, then the handler "hangs"
            batches = await consumer.getmany(timeout_ms=1000, max_records=1)
            read += [r.value for records in batches.values() for r in records]
        progress.watch("test-stall", consumer, stall_after=1.0)
        [seen] = progress.progress()
        assert (seen.lag, seen.stalled) == (3, False)
        await asyncio.sleep(1.2)
        [seen] = progress.progress()
        assert (seen.topic, seen.partition, seen.lag, seen.stalled) == (topic.name, 0, 3, True)
    finally:
        await consumer.stop()
