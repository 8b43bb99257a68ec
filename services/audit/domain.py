"""The hash chain: how a row is linked to the one before it, and how a chain is checked."""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from dataclasses import fields as dataclass_fields
from datetime import UTC, datetime

from schemas.audit_trail import TrailRow
from schemas.envelope import canonical_json

GENESIS = "0" * 64  # the previous hash of the first row


@dataclass(frozen=True)
class AuditEntry:
    """One event or reviewer action to record, its content as canonical JSON."""

    event_id: uuid.UUID
    case_id: str
    control_number: str | None
    event_type: str
    source: str
    occurred_at: datetime
    content: str

    @classmethod
    def of_envelope(cls, envelope: Mapping[str, object], topic: str) -> AuditEntry:
        """The entry for an envelope read from `topic` (fields checked by the caller)."""
        data = envelope.get("data")
        control_number = data.get("control_number") if isinstance(data, dict) else None
        return cls(
            event_id=uuid.UUID(str(envelope["id"])),
            case_id=str(envelope["subject"]),
            control_number=str(control_number) if control_number else None,
            event_type=str(envelope["type"]),
            source=f"{envelope['source']} via {topic}",
            occurred_at=datetime.fromisoformat(str(envelope["time"])),
            content=canonical_json(envelope),
        )


@dataclass(frozen=True)
class ChainedRow:
    """A row of the trail as stored: the entry, its place, and the hashes linking it."""

    seq: int
    entry: AuditEntry
    recorded_at: datetime
    prev_hash: str
    hash: str

    @classmethod
    def of_stored(cls, row: TrailRow) -> ChainedRow:
        """The row as the trail stored it (read from the audit service's answer)."""
        entry = AuditEntry(
            **row.model_dump(include={field.name for field in dataclass_fields(AuditEntry)})
        )
        return cls(row.seq, entry, row.recorded_at, row.prev_hash, row.hash)


@dataclass(frozen=True)
class ChainBreak:
    """A row that was changed, or a place where rows were removed."""

    seq: int
    problem: str

    def __str__(self) -> str:
        return f"row {self.seq}: {self.problem}"


def row_hash(seq: int, prev_hash: str, entry: AuditEntry, recorded_at: datetime) -> str:
    """SHA-256 over the previous hash and every stored field of the row."""
    fields = [
        str(seq),
        prev_hash,
        str(entry.event_id),
        entry.case_id,
        entry.control_number or "",
        entry.event_type,
        entry.source,
        entry.occurred_at.astimezone(UTC).isoformat(),
        recorded_at.astimezone(UTC).isoformat(),
        entry.content,
    ]
    return hashlib.sha256("\x1f".join(fields).encode()).hexdigest()


def link(head: ChainedRow | None, entry: AuditEntry, recorded_at: datetime) -> ChainedRow:
    """The row that follows `head` (or starts the chain)."""
    seq = head.seq + 1 if head else 1
    prev_hash = head.hash if head else GENESIS
    # PostgreSQL keeps microseconds; hashing the stored precision keeps the check exact.
    recorded_at = recorded_at.astimezone(UTC)
    return ChainedRow(
        seq, entry, recorded_at, prev_hash, row_hash(seq, prev_hash, entry, recorded_at)
    )


class ChainCheck:
    """Walks a chain in `seq` order, naming every changed row and every deleted one."""

    def __init__(self) -> None:
        self.rows = 0
        self.last: ChainedRow | None = None

    def check(self, row: ChainedRow) -> list[ChainBreak]:
        """The breaks this row reveals (about itself, or the rows before it)."""
        expected_seq = self.last.seq + 1 if self.last else 1
        expected_prev = self.last.hash if self.last else GENESIS
        found = []
        if row.seq != expected_seq:
            found += [
                ChainBreak(deleted, "deleted (the chain skips from it to the next row)")
                for deleted in range(expected_seq, row.seq)
            ]
        elif row.prev_hash != expected_prev:
            found.append(ChainBreak(row.seq - 1, f"changed: row {row.seq} recorded another hash"))
        if row.hash != row_hash(row.seq, row.prev_hash, row.entry, row.recorded_at):
            found.append(ChainBreak(row.seq, "changed after it was recorded (hash mismatch)"))
        self.rows, self.last = self.rows + 1, row
        return found


def breaks(rows: Iterable[ChainedRow]) -> list[ChainBreak]:
    """Every break in a chain read in `seq` order."""
    check = ChainCheck()
    return [problem for row in rows for problem in check.check(row)]
