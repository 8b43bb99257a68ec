"""PostgreSQL implementation of intake's store: batched writes, outbox in the same transaction."""

from __future__ import annotations

import json
import uuid
from collections.abc import Sequence

from caseflow.uow import PostgresUnitOfWork
from schemas.application import SubmitApplication
from services.intake.config import CONSUMER
from services.intake.ports import Changes, RegisteredCase
from services.intake.progress import CaseProgress


class PostgresIntakeUnitOfWork(PostgresUnitOfWork):
    """Intake's records and outbox on one connection inside one transaction."""

    consumer = CONSUMER

    async def find_cases(
        self, keys: Sequence[tuple[str, str]]
    ) -> dict[tuple[str, str], RegisteredCase]:
        """The cases registered under these agency references, locked until commit."""
        if not keys:
            return {}
        rows = await self.connection.fetch(
            "SELECT a.*, p.content_hash AS appeal_hash FROM applications a"
            " JOIN unnest($1::text[], $2::text[]) AS k(agency, reference)"
            " ON a.submitting_agency = k.agency AND a.agency_reference = k.reference"
            " LEFT JOIN appeals p ON p.case_id = a.case_id"
            " ORDER BY a.case_id FOR UPDATE OF a",
            [agency for agency, _ in keys],
            [reference for _, reference in keys],
        )
        return {
            (row["submitting_agency"], row["agency_reference"]): RegisteredCase(
                case_id=str(row["case_id"]),
                control_number=row["control_number"],
                content_hash=row["content_hash"],
                registered_at=row["registered_at"],
                application=SubmitApplication.model_validate_json(row["application"]),
                correlation_id=row["correlation_id"],
                closed=row["closed"],
                outcome=row["outcome"],
                decided_at=row["decided_at"],
                decided_by=row["decided_by"],
                countersigned_by=row["countersigned_by"],
                appeal_hash=row["appeal_hash"],
            )
            for row in rows
        }

    async def next_control_numbers(self, count: int, prefix: str) -> list[str]:
        """One letter and six digits each, as applications are numbered."""
        numbers = await self.connection.fetch(
            "SELECT nextval('control_numbers') AS n FROM generate_series(1, $1)", count
        )
        return [f"{prefix}{int(row['n']) % 1_000_000:06d}" for row in numbers]

    async def save(self, changes: Changes) -> None:
        """Write one batch's cases, amendments, closures, refusals and events."""
        await self.connection.executemany(
            "INSERT INTO applications (case_id, control_number, submitting_agency,"
            " agency_reference, content_hash, application, correlation_id, registered_at)"
            " VALUES ($1, $2, $3, $4, $5, $6::jsonb, $7, $8)",
            [
                (
                    uuid.UUID(case.case_id),
                    case.control_number,
                    case.application.submitting_agency,
                    case.application.agency_reference,
                    case.content_hash,
                    case.application.model_dump_json(),
                    case.correlation_id,
                    case.registered_at,
                )
                for case in changes.new_cases
            ],
        )
        await self.connection.executemany(
            "UPDATE applications SET application = $2::jsonb, content_hash = $3,"
            " updated_at = now() WHERE case_id = $1",
            [
                (uuid.UUID(case.case_id), case.application.model_dump_json(), case.content_hash)
                for case in changes.amended_cases
            ],
        )
        await self.connection.executemany(
            "UPDATE applications SET closed = true, status = 'withdrawn', outcome = 'withdrawn',"
            " updated_at = now()"
            " WHERE case_id = $1",
            [(uuid.UUID(case.case_id),) for case in changes.closed_cases],
        )
        await self.connection.executemany(
            "INSERT INTO appeals (appeal_id, case_id, content_hash, grounds, filed_at)"
            " VALUES ($1, $2, $3, $4, $5)",
            [
                (
                    uuid.UUID(filed.appeal_id),
                    uuid.UUID(filed.case_id),
                    content_hash,
                    filed.grounds,
                    filed.filed_at,
                )
                for filed, content_hash in changes.appeals
            ],
        )
        await self.connection.executemany(
            "INSERT INTO rejections (message_id, submitting_agency, agency_reference,"
            " deficiencies, raw_message, rejected_at) VALUES ($1, $2, $3, $4::jsonb, $5, $6)",
            [
                (
                    message_id,
                    rejection.submitting_agency,
                    rejection.agency_reference,
                    json.dumps([deficiency.model_dump() for deficiency in rejection.deficiencies]),
                    rejection.raw_message,
                    rejection.rejected_at,
                )
                for message_id, rejection in changes.rejections
            ],
        )
        await self.publish_many(changes.events)

    async def record_progress(self, progress: CaseProgress) -> None:
        """Keep a case's latest status; a decision closes it."""
        await self.connection.execute(
            "UPDATE applications SET status = $2, outcome = coalesce($3, outcome),"
            " closed = closed OR $4, decided_at = coalesce($5, decided_at),"
            " decided_by = coalesce($6, decided_by),"
            " countersigned_by = CASE WHEN $5 IS NULL THEN countersigned_by ELSE $7 END,"
            " updated_at = now() WHERE case_id = $1",
            uuid.UUID(progress.case_id),
            progress.status,
            progress.outcome,
            progress.closed,
            progress.decided_at,
            progress.decided_by,
            progress.countersigned_by,
        )

    async def agency_of(self, case_id: str) -> str | None:
        """The agency that submitted the case, if intake registered it."""
        try:
            key = uuid.UUID(case_id)
        except ValueError:
            return None
        agency: str | None = await self.connection.fetchval(
            "SELECT submitting_agency FROM applications WHERE case_id = $1", key
        )
        return agency
