"""The register in PostgreSQL: events as JSONB, one line per case, searches, pseudonymisation."""

from __future__ import annotations

import json
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

import asyncpg

from caseflow.db import Connection
from caseflow.uow import PostgresUnitOfWork
from schemas.register import CaseLine, RecordedEvent
from services.register.config import CONSUMER
from services.register.domain import (
    KeptNotice,
    ReportFacts,
    consultation_facts,
    report_facts,
    summarise,
)

LINE_COLUMNS = (
    "case_id, control_number, submitting_agency, agency_reference, destination_country,"
    " control_codes, risk_level, status, outcome, registered_at, decided_at, decided_by"
)


class RegisterUnitOfWork(PostgresUnitOfWork):
    """The register's transaction: events, case lines, processed ids."""

    consumer = CONSUMER

    async def lock_case(self, case_id: str) -> None:
        """Hold the case until the transaction ends (see `lock_case`)."""
        await lock_case(self.connection, case_id)

    async def add_event(self, event: RecordedEvent, envelope: str) -> bool:
        """Keep the event; False if it is there already."""
        return await add_event(self.connection, event, envelope)

    async def events_of(self, case_id: str) -> list[RecordedEvent]:
        """The case's events in order."""
        return await events_of(self.connection, case_id)

    async def save_case(self, case_id: str, events: list[RecordedEvent]) -> None:
        """Write the case's line and its report facts, from its events."""
        await save_cases(self.connection, {case_id: events})

    async def add_consultations(self, events: list[RecordedEvent]) -> None:
        """Keep the consultations the events conclude, for the report."""
        await add_consultations(self.connection, events)

    async def add_notice(self, notice: KeptNotice, envelope: str) -> bool:
        """Keep a notice between states; False if it is kept already."""
        return await add_notice(self.connection, notice, envelope)

    async def decided_before(self, cutoff: datetime) -> list[str]:
        """Cases decided before the cutoff, not pseudonymised yet."""
        return await decided_before(self.connection, cutoff)

    async def is_pseudonymised(self, case_id: str) -> bool:
        """Whether the case's personal data was pseudonymised already."""
        return await is_pseudonymised(self.connection, case_id)

    async def replace_data(self, events: list[RecordedEvent]) -> None:
        """Store pseudonymised data in place of the events' data."""
        await replace_data(self.connection, events)

    async def mark_pseudonymised(self, case_id: str, at: datetime) -> None:
        """Note when the case's personal data was pseudonymised."""
        await mark_pseudonymised(self.connection, case_id, at)


async def lock_case(connection: Connection, case_id: str) -> None:
    """Hold the case until the transaction ends: its events arrive from four topics at once,
    and each writer must see the others' events before it writes the case's line."""
    await connection.execute("SELECT pg_advisory_xact_lock(hashtext('register:' || $1))", case_id)


async def add_event(connection: Connection, event: RecordedEvent, envelope: str) -> bool:
    """Keep the event (its envelope as received); False if it is kept already."""
    kept = await connection.fetchval(
        "INSERT INTO events (event_id, case_id, topic, event_type, occurred_at, digest, envelope)"
        " VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb) ON CONFLICT (event_id) DO NOTHING"
        " RETURNING seq",
        event.event_id,
        _case_of(event),
        event.topic,
        event.type,
        event.occurred_at,
        event.digest,
        envelope,
    )
    return kept is not None


async def lock_cases(connection: Connection, case_ids: Sequence[str]) -> None:
    """Hold every one of these cases until the transaction ends (in one order, so two batches
    never wait on each other)."""
    await connection.execute(
        "SELECT pg_advisory_xact_lock(hashtext('register:' || c))"
        " FROM unnest($1::text[]) AS c ORDER BY c",
        sorted(set(case_ids)),
    )


async def add_events(
    connection: Connection, events: Sequence[tuple[RecordedEvent, str]]
) -> set[uuid.UUID]:
    """Keep each event not kept already (its envelope as received); the ids newly kept."""
    rows = await connection.fetch(
        "INSERT INTO events (event_id, case_id, topic, event_type, occurred_at, digest, envelope)"
        " SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[],"
        " $5::timestamptz[], $6::text[], $7::jsonb[])"
        " ON CONFLICT (event_id) DO NOTHING RETURNING event_id",
        [event.event_id for event, _ in events],
        [_case_of(event) for event, _ in events],
        [event.topic for event, _ in events],
        [event.type for event, _ in events],
        [event.occurred_at for event, _ in events],
        [event.digest for event, _ in events],
        [envelope for _, envelope in events],
    )
    return {row["event_id"] for row in rows}


async def events_of_cases(
    connection: Connection, case_ids: Sequence[str]
) -> dict[str, list[RecordedEvent]]:
    """Each case's events in the order they happened (then as received)."""
    rows = await connection.fetch(
        f"SELECT case_id, {EVENT_COLUMNS} FROM events WHERE case_id = ANY($1::text[])"
        " ORDER BY case_id, occurred_at, seq",
        list(case_ids),
    )
    found: dict[str, list[RecordedEvent]] = {case_id: [] for case_id in case_ids}
    for row in rows:
        found[row["case_id"]].append(_event(row))
    return found


async def add_notice(connection: Connection, notice: KeptNotice, envelope: str) -> bool:
    """Keep a notice between states; False if it is kept already."""
    kept = await connection.fetchval(
        "INSERT INTO notices (event_id, notice_type, kind, direction, issuing_state, occurred_at,"
        " envelope) VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb) ON CONFLICT (event_id) DO NOTHING"
        " RETURNING 1",
        notice.event_id,
        notice.notice_type,
        notice.kind,
        notice.direction,
        notice.issuing_state,
        notice.occurred_at,
        envelope,
    )
    return kept is not None


def _case_of(event: RecordedEvent) -> str:
    return str(event.data["case_id"])


async def events_of(connection: Connection, case_id: str) -> list[RecordedEvent]:
    """The case's events in the order they happened (then as received)."""
    rows = await connection.fetch(
        f"SELECT {EVENT_COLUMNS} FROM events WHERE case_id = $1 ORDER BY occurred_at, seq",
        case_id,
    )
    return [_event(row) for row in rows]


EVENT_COLUMNS = "event_id, topic, event_type, occurred_at, digest, envelope->'data' AS data"


def _event(row: asyncpg.Record) -> RecordedEvent:
    return RecordedEvent(
        event_id=row["event_id"],
        topic=row["topic"],
        type=row["event_type"],
        occurred_at=row["occurred_at"],
        digest=row["digest"],
        data=json.loads(row["data"]),
    )


async def case_with_events(
    connection: Connection, reference: str
) -> tuple[str, datetime | None, list[RecordedEvent]] | None:
    """A case by id or control number: its id, when it was pseudonymised, and its events, in
    one round trip (a case page waits on it); None if the register holds no such case."""
    rows = await connection.fetch(
        f"SELECT c.case_id, c.pseudonymised_at, {EVENT_COLUMNS.replace('envelope', 'e.envelope')}"
        " FROM cases c JOIN events e USING (case_id)"
        " WHERE c.case_id = (SELECT case_id FROM cases WHERE case_id = $1 UNION ALL"
        " SELECT case_id FROM cases WHERE control_number = $1 LIMIT 1)"
        " ORDER BY e.occurred_at, e.seq",
        reference,
    )
    if not rows:
        return None
    return rows[0]["case_id"], rows[0]["pseudonymised_at"], [_event(row) for row in rows]


SAVE_LINE = (
    f"INSERT INTO cases ({LINE_COLUMNS}, updated_at)"
    " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, now())"
    " ON CONFLICT (case_id) DO UPDATE SET control_number = $2, submitting_agency = $3,"
    " agency_reference = $4, destination_country = $5, control_codes = $6, risk_level = $7,"
    " status = $8, outcome = $9, registered_at = $10, decided_at = $11, decided_by = $12,"
    " updated_at = now()"
)


def _line_values(line: CaseLine) -> tuple[object, ...]:
    return (
        line.case_id,
        line.control_number,
        line.submitting_agency,
        line.agency_reference,
        line.destination_country,
        line.control_codes,
        line.risk_level,
        line.status,
        line.outcome,
        line.registered_at,
        line.decided_at,
        line.decided_by,
    )


async def save_lines(connection: Connection, lines: Sequence[CaseLine]) -> None:
    """Write these cases' lines."""
    await connection.executemany(SAVE_LINE, [_line_values(line) for line in lines])


async def save_cases(
    connection: Connection, events_by_case: dict[str, list[RecordedEvent]]
) -> None:
    """Write each case's line and what the annual report counts of it, from its events."""
    await save_lines(
        connection, [summarise(case_id, events) for case_id, events in events_by_case.items()]
    )
    await save_report_facts(
        connection,
        [report_facts(case_id, events) for case_id, events in events_by_case.items()],
    )


async def add_consultations(connection: Connection, events: Sequence[RecordedEvent]) -> None:
    """Keep the positions of the concluded consultations among these (newly kept) events."""
    found = [facts for event in events if (facts := consultation_facts(event)) is not None]
    await connection.executemany(
        "INSERT INTO consultations (event_id, case_id, concluded_at, dissent, stakeholder_kinds,"
        " positions, deemed) VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT DO NOTHING",
        [
            (f.event_id, f.case_id, f.concluded_at, f.dissent, f.stakeholder_kinds, f.positions,
             f.deemed)
            for f in found
        ],
    )  # fmt: skip


async def save_report_facts(connection: Connection, facts: Sequence[ReportFacts]) -> None:
    """Write what the annual report counts of these cases (their lines are written)."""
    await connection.executemany(
        "UPDATE cases SET technologies = $2, human_rights_grounds = $3, deadline_breached = $4"
        " WHERE case_id = $1",
        [
            (fact.case_id, fact.technologies, fact.human_rights_grounds, fact.deadline_breached)
            for fact in facts
        ],
    )


@dataclass(frozen=True)
class CaseSearch:
    """What a list of closed cases is narrowed to; every field optional."""

    agency: str | None = None
    outcome: str | None = None
    destination: str | None = None
    risk: str | None = None
    control_code: str | None = None
    decided_from: datetime | None = None
    decided_to: datetime | None = None
    text: str | None = None

    def where(self) -> tuple[str, list[object]]:
        """The SQL conditions and their arguments."""
        clauses: list[str] = ["decided_at IS NOT NULL"]
        args: list[object] = []
        for column, value in (
            ("submitting_agency =", self.agency),
            ("outcome =", self.outcome),
            ("destination_country =", self.destination),
            ("risk_level =", self.risk),
            ("decided_at >=", self.decided_from),
            ("decided_at <", self.decided_to),
        ):
            if value is not None:
                args.append(value)
                clauses.append(f"{column} ${len(args)}")
        if self.control_code is not None:
            args.append(self.control_code)
            clauses.append(f"${len(args)} = ANY(control_codes)")
        if self.text:
            args.append(self.text)
            clauses.append(f"(control_number = ${len(args)} OR agency_reference = ${len(args)})")
        return " AND ".join(clauses), args


async def closed_cases(
    connection: Connection, search: CaseSearch, limit: int, offset: int = 0
) -> list[CaseLine]:
    """Closed cases matching, latest decision first."""
    where, args = search.where()
    rows = await connection.fetch(
        f"SELECT {LINE_COLUMNS}, pseudonymised_at FROM cases WHERE {where}"
        f" ORDER BY decided_at DESC, case_id LIMIT ${len(args) + 1} OFFSET ${len(args) + 2}",
        *args,
        limit,
        offset,
    )
    return [_line(row) for row in rows]


def _line(row: asyncpg.Record) -> CaseLine:
    values = dict(row)
    values["pseudonymised"] = values.pop("pseudonymised_at") is not None
    values["control_codes"] = list(values["control_codes"])
    return CaseLine.model_validate(values)


async def decided_before(connection: Connection, cutoff: datetime) -> list[str]:
    """Cases decided before the cutoff whose personal data is not pseudonymised yet."""
    rows = await connection.fetch(
        "SELECT case_id FROM cases WHERE decided_at < $1 AND pseudonymised_at IS NULL"
        " ORDER BY decided_at",
        cutoff,
    )
    return [row["case_id"] for row in rows]


async def replace_data(connection: Connection, events: list[RecordedEvent]) -> None:
    """Store pseudonymised data in place of the events' data (their digests stay)."""
    await connection.executemany(
        "UPDATE events SET envelope = jsonb_set(envelope, '{data}', $2::jsonb) WHERE event_id = $1",
        [(event.event_id, json.dumps(event.data)) for event in events],
    )


async def is_pseudonymised(connection: Connection, case_id: str) -> bool:
    """Whether the case's personal data was pseudonymised already."""
    return bool(
        await connection.fetchval(
            "SELECT pseudonymised_at IS NOT NULL FROM cases WHERE case_id = $1", case_id
        )
    )


async def mark_pseudonymised(connection: Connection, case_id: str, at: datetime) -> None:
    """Note when the case's personal data was pseudonymised."""
    await connection.execute(
        "UPDATE cases SET pseudonymised_at = $2, decided_by = NULL, updated_at = now()"
        " WHERE case_id = $1",
        case_id,
        at,
    )


async def counts(connection: Connection) -> dict[str, int]:
    """Cases held, closed ones, and pseudonymised ones (for /metrics)."""
    row = await connection.fetchrow(
        "SELECT count(*) AS held, count(decided_at) AS closed,"
        " count(pseudonymised_at) AS pseudonymised FROM cases"
    )
    assert row is not None
    return dict(row)
