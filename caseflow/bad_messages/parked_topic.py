"""The parked topic read whole (parked messages and their recorded replays), and replays."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition
from faststream.kafka.security import parse_security
from faststream.security import BaseSecurity
from pydantic import ValidationError

from caseflow.bad_messages.parked_message import ParkedMessage, ParkedReplay
from caseflow.kafka import start_producer
from schemas.envelope import utcnow
from schemas.topics import PARKED

READ_WAIT_MS = 1000


@dataclass
class ParkedTopic:
    """What the parked topic holds: the parked messages, and the replays recorded beside them."""

    parked: list[ParkedMessage]
    replays: dict[str, list[ParkedReplay]] = field(default_factory=dict)

    def last_replay(self, parked: ParkedMessage) -> ParkedReplay | None:
        """The latest recorded replay of a parked message, if any."""
        replays = self.replays.get(parked.parked_id)
        return replays[-1] if replays else None


async def read_parked_topic(bootstrap: str, security: BaseSecurity | None = None) -> ParkedTopic:
    """Everything on the parked topic, oldest first (read without a consumer group)."""
    return parked_topic_of(await _read_all(bootstrap, security))


def parked_topic_of(values: Iterable[bytes | None]) -> ParkedTopic:
    """The parked messages and replays among the parked topic's values, oldest first."""
    found = ParkedTopic([])
    seen: set[str] = set()
    for value in values:
        entry = _entry(value)
        # A delivery parked twice (its consumer stopped before committing) is listed once.
        if isinstance(entry, ParkedMessage) and entry.parked_id not in seen:
            seen.add(entry.parked_id)
            found.parked.append(entry)
        elif isinstance(entry, ParkedReplay):
            found.replays.setdefault(entry.replay_of, []).append(entry)
    return found


async def read_parked(bootstrap: str, security: BaseSecurity | None = None) -> list[ParkedMessage]:
    """Every message on the parked topic, oldest first."""
    return (await read_parked_topic(bootstrap, security)).parked


async def _read_all(bootstrap: str, security: BaseSecurity | None) -> list[bytes | None]:
    consumer = AIOKafkaConsumer(
        bootstrap_servers=bootstrap, enable_auto_commit=False, **parse_security(security)
    )
    await consumer.start()
    try:
        partitions = [
            TopicPartition(PARKED.name, p)
            for p in sorted(consumer.partitions_for_topic(PARKED.name) or ())
        ]
        if not partitions:
            return []
        consumer.assign(partitions)
        await consumer.seek_to_beginning(*partitions)
        ends = await consumer.end_offsets(partitions)
        values: list[bytes | None] = []
        while [p for p in partitions if await consumer.position(p) < ends[p]]:
            batches = await consumer.getmany(*partitions, timeout_ms=READ_WAIT_MS)
            values += [r.value for records in batches.values() for r in records]
        return values
    finally:
        await consumer.stop()


def _entry(value: bytes | None) -> ParkedMessage | ParkedReplay | None:
    for kind in (ParkedMessage, ParkedReplay):
        try:
            return kind.model_validate_json(value or b"")
        except ValidationError:
            continue
    return None  # not written by caseflow: nothing to replay


async def replay(
    parked: ParkedMessage, bootstrap: str, security: BaseSecurity | None = None
) -> str:
    """Publish the parked message to its topic again, marked as a replay; where it now lies."""
    producer = await start_producer(bootstrap, "caseflow-parked-replay", security)
    try:
        return await replay_with(producer, parked)
    finally:
        await producer.stop()


async def replay_with(producer: AIOKafkaProducer, parked: ParkedMessage) -> str:
    """Publish the copy, then record on the parked topic that it was replayed, and where to."""
    if parked.unreadable_batch:
        raise ValueError(
            f"{parked.parked_id} is a record batch no consumer could read, not a message: "
            "ask its producer to send it again"
        )
    key = parked.key.encode() if parked.key is not None else None
    sent = await producer.send_and_wait(
        parked.topic, parked.raw_body(), key=key, headers=parked.replay_headers()
    )
    at = f"{sent.topic}/{sent.partition}/{sent.offset}"
    # Recorded after the copy: if this fails, the list shows no replay and a second one is
    # harmless (consumers are idempotent).
    done = ParkedReplay(replay_of=parked.parked_id, replayed_at=utcnow(), to=at)
    await producer.send_and_wait(PARKED.name, done.model_dump_json().encode(), key=key)
    return at
