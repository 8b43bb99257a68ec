"""PostgreSQL implementation of intake's store, with the outbox in the same transaction."""

from __future__ import annotations

import json
import uuid

from caseflow.uow import PostgresUnitOfWork
from schemas.application import SubmitApplication
from schemas.intake import SubmissionRejected
from services.intake.config import CONSUMER
from services.intake.handlers import RegisteredCase

CONTROL_NUMBER_PREFIX = "Z"


class PostgresIntakeUnitOfWork(PostgresUnitOfWork):
    """Intake's records and outbox on one connection inside one transaction."""

    consumer = CONSUMER

    async def find_case(self, agency: str, reference: str) -> RegisteredCase | None:
        """The case registered under this agency and reference, if any."""
        row = await self.connection.fetchrow(
            "SELECT case_id, control_number, content_hash, registered_at FROM applications"
            " WHERE submitting_agency = $1 AND agency_reference = $2",
            agency,
            reference,
        )
        if row is None:
            return None
        return RegisteredCase(
            case_id=str(row["case_id"]),
            control_number=row["control_number"],
            content_hash=row["content_hash"],
            registered_at=row["registered_at"],
        )

    async def next_control_number(self) -> str:
        """One letter and six digits, as applications are numbered."""
        number = await self.connection.fetchval("SELECT nextval('control_numbers')")
        return f"{CONTROL_NUMBER_PREFIX}{int(number) % 1_000_000:06d}"

    async def add_case(
        self, case: RegisteredCase, application: SubmitApplication, correlation_id: str
    ) -> None:
        """Store the registered application."""
        await self.connection.execute(
            "INSERT INTO applications (case_id, control_number, submitting_agency,"
            " agency_reference, content_hash, application, correlation_id, registered_at)"
            " VALUES ($1, $2, $3, $4, $5, $6::jsonb, $7, $8)",
            uuid.UUID(case.case_id),
            case.control_number,
            application.submitting_agency,
            application.agency_reference,
            case.content_hash,
            application.model_dump_json(),
            correlation_id,
            case.registered_at,
        )

    async def add_rejection(self, message_id: uuid.UUID, rejection: SubmissionRejected) -> None:
        """Keep the refusal with its deficiencies."""
        await self.connection.execute(
            "INSERT INTO rejections (message_id, submitting_agency, agency_reference,"
            " deficiencies, raw_message, rejected_at) VALUES ($1, $2, $3, $4::jsonb, $5, $6)",
            message_id,
            rejection.submitting_agency,
            rejection.agency_reference,
            json.dumps([deficiency.model_dump() for deficiency in rejection.deficiencies]),
            rejection.raw_message,
            rejection.rejected_at,
        )
