"""The stakeholder registry in PostgreSQL follows its seed file's versions, except where an
operator changed an entry."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import asyncpg
import pytest

from caseflow.db import migrate
from caseflow.settings import Endpoints
from schemas.envelope import utcnow
from services.consultation.adapters import PostgresConsultationUnitOfWork
from services.consultation.config import MIGRATIONS, SCHEMA
from services.consultation.policy import StakeholderRegistry
from services.consultation.registry import updated
from services.consultation.registry_store import RegistryStore

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


@asynccontextmanager
async def rolled_back(endpoints: Endpoints) -> AsyncIterator[asyncpg.Connection]:
    """A connection on consultation's schema in a transaction rolled back at the end, so that
    the session's registry stays as shipped."""
    await migrate(endpoints.database, SCHEMA, MIGRATIONS)
    connection = await asyncpg.connect(endpoints.database, server_settings={"search_path": SCHEMA})
    transaction = connection.transaction()
    await transaction.start()
    try:
        yield connection
    finally:
        await transaction.rollback()
        await connection.close()


async def test_a_conflict_declared_in_a_newer_seed_file_reaches_the_registry_and_an_older_does_not(
    stack_endpoints: Endpoints,
) -> None:
    declared = {"kind": "party", "value": "Cascade Biometrics Inc", "note": "member"}
    async with rolled_back(stack_endpoints) as connection:
        uow = PostgresConsultationUnitOfWork(connection)
        assert await uow.seed_stakeholders(registry("2026-11-01")) == 1
        assert await uow.seed_stakeholders(registry("2026-12-01", declared)) == 1
        assert await uow.seed_stakeholders(registry("2026-11-15")) == 0
        [entry] = [s for s in await uow.stakeholders() if s.id == "test-industry-body"]
        assert [conflict.value for conflict in entry.conflicts] == ["Cascade Biometrics Inc"]


async def test_the_seed_file_fills_an_empty_registry_but_never_overwrites_an_operators_change(
    stack_endpoints: Endpoints,
) -> None:
    declared = {"kind": "country", "value": "AE", "note": "office in Dubai"}
    async with rolled_back(stack_endpoints) as connection:
        uow, operators = PostgresConsultationUnitOfWork(connection), RegistryStore(connection)
        assert await uow.seed_stakeholders(registry("2026-11-01")) == 1
        [seeded] = [s for s in await uow.stakeholders() if s.id == "test-industry-body"]
        changed = updated(seeded, channel="gateway:moved")
        await operators.save(changed, "updated", "registrar-1", "new gateway", utcnow())

        assert await uow.seed_stakeholders(registry("2026-12-01", declared)) == 0
        [kept] = [s for s in await uow.stakeholders() if s.id == "test-industry-body"]
        assert kept == changed
        await operators.save(kept, "disabled", "registrar-1", "closed", utcnow())
        assert await uow.seed_stakeholders(registry("2027-01-01")) == 0
        assert "test-industry-body" not in {s.id for s in await uow.stakeholders()}
