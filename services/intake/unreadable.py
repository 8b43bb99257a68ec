"""Submissions no consumer could read, remembered so the agency is told (`caseflow status`)."""

from __future__ import annotations

from datetime import UTC, datetime

from caseflow.bad_messages.unreadable_batches import OnSkipped, SkippedBatch
from caseflow.service_runtime import ServiceRuntime
from schemas.topics import SUBMISSIONS


def remember_unreadable(runtime: ServiceRuntime) -> OnSkipped:
    """Record each unreadable batch of the submissions topic in intake's own schema."""

    async def remember(skipped: SkippedBatch) -> None:
        if skipped.topic != SUBMISSIONS.name:
            return  # the cases topic is read for progress only; the parked topic has it
        frame = skipped.batch.frame
        async with runtime.pool.acquire() as connection:
            await connection.execute(
                "INSERT INTO unreadable_submissions (topic, partition, first_offset, last_offset,"
                " codec, reason, sent_at, keys, parked_id, parked_at)"
                " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)"
                " ON CONFLICT (topic, partition, first_offset) DO NOTHING",
                skipped.topic,
                skipped.partition,
                frame.base_offset,
                skipped.batch.last_offset,
                frame.codec,
                skipped.batch.reason,
                _from_ms(frame.first_timestamp_ms),
                [key.decode("utf-8", "replace") for key in skipped.batch.keys],
                skipped.parked.parked_id,
                skipped.parked.parked_at,
            )

    return remember


def _from_ms(milliseconds: int | None) -> datetime | None:
    if milliseconds is None or milliseconds < 0:
        return None
    return datetime.fromtimestamp(milliseconds / 1000, UTC)
