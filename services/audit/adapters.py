"""The trail in PostgreSQL: appended to under a lock, read in order to verify or show."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime

import asyncpg

from caseflow.db import Connection
from caseflow.uow import PostgresUnitOfWork
from services.audit.config import CONSUMER
from services.audit.domain import AuditEntry, ChainedRow, link


class AuditUnitOfWork(PostgresUnitOfWork):
    """The trail's transaction (and the dead letters of this consumer)."""

    consumer = CONSUMER


COLUMNS = (
    "seq, event_id, case_id, control_number, event_type, source, occurred_at, recorded_at,"
    " content, prev_hash, hash"
)


async def append(connection: Connection, entry: AuditEntry) -> ChainedRow | None:
    """Chain the entry onto the trail (inside the caller's transaction); None if it is there."""
    # One writer at a time: each row needs the hash of the one before it.
    await connection.execute("SELECT pg_advisory_xact_lock(hashtext('caseflow-audit-trail'))")
    if await connection.fetchval("SELECT 1 FROM trail WHERE event_id = $1", entry.event_id):
        return None
    last = await connection.fetchrow(f"SELECT {COLUMNS} FROM trail ORDER BY seq DESC LIMIT 1")
    row = link(_row(last) if last else None, entry, datetime.now(UTC))
    await connection.execute(
        f"INSERT INTO trail ({COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
        row.seq,
        entry.event_id,
        entry.case_id,
        entry.control_number,
        entry.event_type,
        entry.source,
        entry.occurred_at,
        row.recorded_at,
        entry.content,
        row.prev_hash,
        row.hash,
    )
    return row


async def every_row(connection: asyncpg.Connection) -> AsyncIterator[ChainedRow]:
    """The whole trail in order, read with a cursor (inside a transaction)."""
    async for record in connection.cursor(f"SELECT {COLUMNS} FROM trail ORDER BY seq"):
        yield _row(record)


async def rows_of_case(connection: Connection, case: str) -> list[ChainedRow]:
    """The rows of one case, by case id or control number, in order."""
    records = await connection.fetch(
        f"SELECT {COLUMNS} FROM trail WHERE case_id = $1 OR control_number = $1 ORDER BY seq",
        case,
    )
    return [_row(record) for record in records]


def _row(record: asyncpg.Record) -> ChainedRow:
    entry = AuditEntry(
        event_id=record["event_id"],
        case_id=record["case_id"],
        control_number=record["control_number"],
        event_type=record["event_type"],
        source=record["source"],
        occurred_at=record["occurred_at"],
        content=record["content"],
    )
    return ChainedRow(
        record["seq"], entry, record["recorded_at"], record["prev_hash"], record["hash"]
    )
