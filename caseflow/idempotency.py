"""The idempotent-consumer helper: act on each message id once per consumer."""

from __future__ import annotations

import uuid

from caseflow.db import Connection


async def first_delivery(connection: Connection, consumer: str, message_id: uuid.UUID) -> bool:
    """Record `message_id` as processed; False if it was already (call inside the effect's tx)."""
    inserted = await connection.fetchval(
        "INSERT INTO processed_events (consumer, event_id) VALUES ($1, $2)"
        " ON CONFLICT DO NOTHING RETURNING true",
        consumer,
        message_id,
    )
    return bool(inserted)


async def set_aside(
    connection: Connection, consumer: str, location: str, error: str, payload: bytes
) -> None:
    """Keep an unreadable message for operators, so the consumer can move past it."""
    await connection.execute(
        "INSERT INTO dead_letters (location, consumer, error, payload) VALUES ($1, $2, $3, $4)"
        " ON CONFLICT (location) DO NOTHING",
        location,
        consumer,
        error[:2000],
        payload,
    )
