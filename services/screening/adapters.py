"""PostgreSQL implementation of screening's store, with the outbox in the same transaction."""

from __future__ import annotations

import uuid

from caseflow.uow import PostgresUnitOfWork
from schemas.screening import ScreeningCompleted
from services.screening.config import CONSUMER


class PostgresScreeningUnitOfWork(PostgresUnitOfWork):
    """Screening's results and outbox on one connection inside one transaction."""

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
