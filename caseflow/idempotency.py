"""The idempotent-consumer helper: act on each message id once per consumer."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from caseflow.db import Connection


async def first_deliveries(
    connection: Connection, consumer: str, message_ids: Sequence[uuid.UUID]
) -> set[uuid.UUID]:
    """Record ids as processed; return those seen for the first time (inside the effect's tx)."""
    rows = await connection.fetch(
        "INSERT INTO processed_events (consumer, event_id)"
        " SELECT $1, id FROM unnest($2::uuid[]) AS id"
        " ON CONFLICT DO NOTHING RETURNING event_id",
        consumer,
        list(message_ids),
    )
    return {row["event_id"] for row in rows}


async def first_delivery(connection: Connection, consumer: str, message_id: uuid.UUID) -> bool:
    """Record `message_id` as processed; False if it was already (call inside the effect's tx)."""
    return message_id in await first_deliveries(connection, consumer, [message_id])


async def processed(connection: Connection, consumer: str, message_id: uuid.UUID) -> bool:
    """Whether `message_id` is recorded as processed, recording nothing (a use case that spans
    several transactions records it in its last)."""
    found = await connection.fetchval(
        "SELECT true FROM processed_events WHERE consumer = $1 AND event_id = $2",
        consumer,
        message_id,
    )
    return bool(found)
