"""PostgreSQL implementation of screening's store, with the outbox in the same transaction."""

from __future__ import annotations

import uuid

from caseflow.uow import PostgresUnitOfWork
from schemas.application import SubmitApplication
from schemas.screening import ScreeningCompleted
from services.screening.config import CONSUMER
from services.screening.list_store import PostgresListStorage
from services.screening.rescreening import OpenCase


class PostgresScreeningUnitOfWork(PostgresListStorage, PostgresUnitOfWork):
    """Screening's results, cases, lists and outbox on one connection inside one transaction."""

    consumer = CONSUMER

    async def find_result(self, request_id: str) -> ScreeningCompleted | None:
        """The stored result of an earlier delivery of the same request."""
        stored = await self.connection.fetchval(
            "SELECT result FROM results WHERE request_id = $1", request_id
        )
        return None if stored is None else ScreeningCompleted.model_validate_json(stored)

    async def add_result(self, result: ScreeningCompleted) -> None:
        """Keep the result of a request."""
        await self.connection.execute(
            "INSERT INTO results (request_id, case_id, risk_level, result, completed_at)"
            " VALUES ($1, $2, $3, $4::jsonb, $5)",
            result.request_id,
            uuid.UUID(result.case_id),
            result.risk_level.value,
            result.model_dump_json(),
            result.screened_at,
        )

    async def keep_open_case(self, case_id: str, application: SubmitApplication) -> None:
        """Remember the case's application as last screened, unless the case is closed."""
        await self.connection.execute(
            "INSERT INTO cases (case_id, application, screened_at) VALUES ($1, $2::jsonb, now())"
            " ON CONFLICT (case_id) DO UPDATE"
            " SET application = EXCLUDED.application, screened_at = EXCLUDED.screened_at"
            " WHERE cases.closed_at IS NULL",
            uuid.UUID(case_id),
            application.model_dump_json(),
        )

    async def close_case(self, case_id: str, closed_by: str) -> None:
        """Stop re-screening the case (also when the closing event arrives first)."""
        await self.connection.execute(
            "INSERT INTO cases (case_id, closed_at, closed_by) VALUES ($1, now(), $2)"
            " ON CONFLICT (case_id) DO UPDATE SET closed_at = now(), closed_by = $2"
            " WHERE cases.closed_at IS NULL",
            uuid.UUID(case_id),
            closed_by,
        )

    async def open_cases(self) -> list[OpenCase]:
        """Every screened case not decided or withdrawn."""
        rows = await self.connection.fetch(
            "SELECT case_id, application FROM cases"
            " WHERE closed_at IS NULL AND application IS NOT NULL ORDER BY case_id"
        )
        return [
            OpenCase(str(row["case_id"]), SubmitApplication.model_validate_json(row["application"]))
            for row in rows
        ]
