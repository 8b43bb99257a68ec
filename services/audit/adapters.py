"""The trail in PostgreSQL: appended to under a lock, read in order as stored."""

from __future__ import annotations

from datetime import UTC, datetime

from caseflow.db import Connection
from caseflow.uow import PostgresUnitOfWork
from schemas.audit_trail import TrailRow
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
    head = ChainedRow.of_stored(TrailRow.model_validate(dict(last))) if last else None
    row = link(head, entry, datetime.now(UTC))
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


async def rows_after(connection: Connection, after: int, limit: int) -> list[TrailRow]:
    """Up to `limit` rows following row `after`, in order, as stored."""
    records = await connection.fetch(
        f"SELECT {COLUMNS} FROM trail WHERE seq > $1 ORDER BY seq LIMIT $2", after, limit
    )
    return [TrailRow.model_validate(dict(record)) for record in records]


async def rows_of_case(connection: Connection, case: str) -> list[TrailRow]:
    """The rows of one case, by case id or control number, in order, as stored."""
    records = await connection.fetch(
        f"SELECT {COLUMNS} FROM trail WHERE case_id = $1 OR control_number = $1 ORDER BY seq",
        case,
    )
    return [TrailRow.model_validate(dict(record)) for record in records]
