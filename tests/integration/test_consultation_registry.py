"""The stakeholder registry in PostgreSQL follows its seed file's versions."""

from __future__ import annotations

import asyncpg
import pytest

from caseflow.db import migrate
from caseflow.settings import Endpoints
from services.consultation.adapters import PostgresConsultationUnitOfWork
from services.consultation.config import MIGRATIONS, SCHEMA
from services.consultation.policy import StakeholderRegistry

pytestmark = pytest.mark.integration


def registry(version: str, *conflicts: dict[str, str]) -> StakeholderRegistry:
    return StakeholderRegistry.model_validate(
        {
            "version": version,
            "stakeholders": [
                {
                    "id": "test-industry-body",
                    "name": "Test Industry Body",
                    "kind": "industry",
                    "channel": "portal:test",
                    "expertise": {"technology_categories": ["execution_equipment"]},
                    "conflicts": list(conflicts),
                }
            ],
        }
    )


async def test_a_conflict_declared_in_a_newer_seed_file_reaches_the_registry_and_an_older_does_not(
    stack_endpoints: Endpoints,
) -> None:
    await migrate(stack_endpoints.database, SCHEMA, MIGRATIONS)
    connection = await asyncpg.connect(
        stack_endpoints.database, server_settings={"search_path": SCHEMA}
    )
    declared = {"kind": "party", "value": "Cascade Biometrics Inc", "note": "member"}
    transaction = connection.transaction()
    await transaction.start()
    try:
        uow = PostgresConsultationUnitOfWork(connection)
        assert await uow.seed_stakeholders(registry("2026-11-01")) == 1
        assert await uow.seed_stakeholders(registry("2026-12-01", declared)) == 1
        assert await uow.seed_stakeholders(registry("2026-11-15")) == 0
        [entry] = [s for s in await uow.stakeholders() if s.id == "test-industry-body"]
        assert [conflict.value for conflict in entry.conflicts] == ["Cascade Biometrics Inc"]
    finally:
        await transaction.rollback()  # the session's registry stays as shipped
        await connection.close()
