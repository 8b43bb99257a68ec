"""A consumer that parks a record batch it cannot read and moves its partition past it.

aiokafka raises while fetching when a batch is corrupt or compressed with a codec it cannot
decode, before any handler sees a record; it raises again at every poll, so the partition would
stand still forever. `ParkingConsumer` catches that error, fetches the partition's bytes at its
position itself, finds the first batch that cannot be read
(`caseflow.bad_messages.record_batches`), parks it on `caseflow.parked` with its offsets,
bytes and reason, commits past it and reads on. Records of the same fetch before the bad batch
are handed out first, so nothing readable is skipped.
"""

from __future__ import annotations

import base64
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import structlog
from aiokafka import AIOKafkaConsumer, ConsumerRecord, TopicPartition
from aiokafka.consumer.fetcher import PartitionRecords
from aiokafka.errors import (
    ConsumerStoppedError,
    CorruptRecordException,
    KafkaError,
    UnsupportedCodecError,
)
from aiokafka.protocol.fetch import FetchRequest
from aiokafka.record.memory_records import MemoryRecords
from prometheus_client import Counter

from caseflow.bad_messages.parked_message import ParkedMessage, error_text
from caseflow.bad_messages.record_batches import UnreadableBatch, first_unreadable, reason_class
from caseflow.consumer_progress import watch
from schemas.envelope import utcnow

log = structlog.get_logger(__name__)
READ_UNCOMMITTED = 0
FETCH_BYTES = 16 * 1024 * 1024
FETCH_WAIT_MS = 500

UNREADABLE_BATCHES = Counter(
    "caseflow_unreadable_batches",
    "Record batches no consumer could read (corrupt, or compressed with an unknown codec), "
    "parked on caseflow.parked and skipped, by consumer group, topic and reason.",
    ["consumer", "topic", "reason"],
)


@dataclass(frozen=True)
class SkippedBatch:
    """An unreadable batch that was parked and skipped: where it lay, and its parked form."""

    consumer: str
    topic: str
    partition: int
    batch: UnreadableBatch
    parked: ParkedMessage


Park = Callable[[ParkedMessage], Awaitable[None]]
Readable = tuple[TopicPartition, list["ConsumerRecord[bytes, bytes]"]]
OnSkipped = Callable[[SkippedBatch], Awaitable[None]]


class UnreadableBatchNotParked(KafkaError):  # type: ignore[misc]
    """The batch could not be parked (the broker left): the consumer tries again later."""


class FetchNotUnderstood(KafkaError):  # type: ignore[misc]
    """Fetching failed and the partition's bytes could not be looked into: tried again later."""


class ParkingConsumer(AIOKafkaConsumer):  # type: ignore[misc]
    """An AIOKafkaConsumer that parks the batches it cannot read instead of stopping on them."""

    def __init__(
        self,
        *topics: str,
        park: Park,
        on_skipped: OnSkipped | None = None,
        stall_after: float | None = None,
        **config: Any,
    ) -> None:
        super().__init__(*topics, **config)
        self._park = park
        self._on_skipped = on_skipped
        self._stall_after = stall_after
        self._group = str(config.get("group_id") or "no-group")
        self._ready: list[ConsumerRecord[bytes, bytes]] = []

    async def start(self) -> None:
        """Start, and be watched for lag and stalls (`caseflow.consumer_progress`) if given how
        long a stall lasts."""
        await super().start()
        if self._stall_after is not None:
            watch(self._group, self, self._stall_after)

    async def getmany(
        self, *partitions: TopicPartition, timeout_ms: int = 0, max_records: int | None = None
    ) -> dict[TopicPartition, list[ConsumerRecord[bytes, bytes]]]:
        """As aiokafka's, with unreadable batches parked and skipped."""
        # When aiokafka raises on one partition, the records it drained from others in the
        # same call are lost while their positions moved on: so they are moved back. Where a
        # position is not known yet (at start, after a rebalance), one record at a time is read.
        before = self.positions()
        known = bool(before) and len(before) == len(self.assignment())
        try:
            return await super().getmany(  # type: ignore[no-any-return]
                *partitions, timeout_ms=timeout_ms, max_records=max_records if known else 1
            )
        except Exception as error:
            if not _may_be_unreadable(error):
                raise
            at = before if known else self.positions()
            readable = await _as_kafka_error(self._past_unreadable(at, error))
            return dict([readable]) if readable else {}

    async def getone(self, *partitions: TopicPartition) -> ConsumerRecord[bytes, bytes]:
        """As aiokafka's, with unreadable batches parked and skipped."""
        while True:
            if self._ready:
                return self._ready.pop(0)
            try:
                return await super().getone(*partitions)
            except Exception as error:
                if not _may_be_unreadable(error):
                    raise
                readable = await _as_kafka_error(self._past_unreadable(self.positions(), error))
                self._ready = readable[1] if readable else []

    def positions(self) -> dict[TopicPartition, int]:
        """Each assigned partition's position, where it is known (read without waiting)."""
        subscription = self._subscription.subscription
        if subscription is None or subscription.assignment is None:
            return {}
        assignment = subscription.assignment
        return {
            tp: assignment.state_value(tp).position
            for tp in assignment.tps
            if assignment.state_value(tp).has_valid_position
        }

    async def _past_unreadable(
        self, positions: dict[TopicPartition, int], error: Exception
    ) -> Readable | None:
        """Park the first unreadable batch found and seek past it; or hand out the readable
        records before it. Raises the original error when no partition holds one."""
        for tp, offset in positions.items():  # forget what was fetched and half read
            self.seek(tp, offset)
        for tp, position in positions.items():
            raw = await self._fetch(tp, position)
            readable, batch = first_unreadable(raw, position)
            if batch is None:
                continue
            if readable and batch.frame.base_offset > position:
                records = _records(tp, raw[readable[0].start : readable[-1].end], position)
                self.seek(tp, batch.frame.base_offset)
                return tp, records
            await self._skip(tp, batch)
            return None
        raise error

    async def _fetch(self, tp: TopicPartition, offset: int) -> bytes:
        """The partition's bytes from `offset`, straight from its leader."""
        client = self._client
        leader = client.cluster.leader_for_partition(tp)
        if leader is None or leader < 0:
            raise FetchNotUnderstood(f"no leader known for {tp}")
        request = FetchRequest(
            FETCH_WAIT_MS,
            1,
            FETCH_BYTES,
            READ_UNCOMMITTED,
            [(tp.topic, [(tp.partition, offset, FETCH_BYTES)])],
        )
        response = await client.send(leader, request)
        for topic, partitions in response.topics:
            for partition, _error_code, _highwater, *data in partitions:
                if (topic, partition) == (tp.topic, tp.partition):
                    return bytes(data[-1] or b"")
        return b""

    async def _skip(self, tp: TopicPartition, batch: UnreadableBatch) -> None:
        """Tell whoever asked, park the batch, then commit past it.

        Both are idempotent (the parked id is the batch's place), so a failure of either is
        simply tried again.
        """
        parked = parked_batch(self._group, tp, batch)
        try:
            if self._on_skipped is not None:
                await self._on_skipped(
                    SkippedBatch(self._group, tp.topic, tp.partition, batch, parked)
                )
            await self._park(parked)
        except Exception as error:
            raise UnreadableBatchNotParked(f"{type(error).__name__}: {error}") from error
        UNREADABLE_BATCHES.labels(self._group, tp.topic, reason_class(batch.reason)).inc()
        log.error(
            "unreadable record batch parked and skipped",
            consumer=self._group,
            location=f"{tp.topic}/{tp.partition}/{batch.frame.base_offset}-{batch.last_offset}",
            codec=batch.frame.codec,
            reason=batch.reason,
            parked_id=parked.parked_id,
        )
        self.seek(tp, batch.frame.next_offset)
        try:
            await self.commit({tp: batch.frame.next_offset})
        except KafkaError as error:  # a rebalance: the next owner parks it again, harmlessly
            log.warning("skipped batch not committed", consumer=self._group, error=repr(error))


async def _as_kafka_error(looking: Awaitable[Readable | None]) -> Readable | None:
    """What looking past an unreadable batch gave; any failure as a Kafka error, which the
    subscriber's loop rides out with a pause (another error would end its task)."""
    try:
        return await looking
    except KafkaError:
        raise
    except Exception as error:
        raise FetchNotUnderstood(f"{type(error).__name__}: {error_text(error)}") from error


def _may_be_unreadable(error: Exception) -> bool:
    """Whether a fetch error may come from a batch (aiokafka's, or a codec's own error)."""
    if isinstance(error, ConsumerStoppedError):
        return False
    if isinstance(error, KafkaError):
        return isinstance(error, UnsupportedCodecError | CorruptRecordException)
    return True


def _records(
    tp: TopicPartition, readable: bytes, position: int
) -> list[ConsumerRecord[bytes, bytes]]:
    """The records of readable batches, from `position` on, as aiokafka hands them out."""
    records = PartitionRecords(
        tp, MemoryRecords(readable), None, position, None, None, True, READ_UNCOMMITTED
    )
    return list(records)


def parked_batch(consumer: str, tp: TopicPartition, batch: UnreadableBatch) -> ParkedMessage:
    """The parked form of a batch: its offsets, bytes, reason, and the keys it let be seen."""
    now = utcnow()
    keys = [key.decode("utf-8", "replace") for key in batch.keys]
    place = f"{consumer}/{tp.topic}/{tp.partition}/{batch.frame.base_offset}"
    return ParkedMessage(
        parked_id=uuid.uuid5(uuid.NAMESPACE_URL, f"caseflow-unreadable:{place}").hex,
        parked_at=now,
        consumer=consumer,
        topic=tp.topic,
        partition=tp.partition,
        offset=batch.frame.base_offset,
        key=keys[0] if len(keys) == 1 else None,
        case_id=None,
        headers=[],
        body=None,
        body_base64=base64.b64encode(batch.raw).decode(),
        error_type="UnreadableRecordBatch",
        error=error_text(f"{batch.reason} (codec {batch.frame.codec}; {len(keys)} key(s) seen)"),
        attempts=1,
        first_failed_at=now,
        last_failed_at=now,
        unreadable_batch=True,
        last_offset=batch.last_offset,
    )
