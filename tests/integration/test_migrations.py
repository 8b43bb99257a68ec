"""Migrations are recorded by file name: a database migrated before a file was renumbered still
comes up to date."""

from __future__ import annotations

import shutil
import uuid
from pathlib import Path

import asyncpg
import pytest

from caseflow.db import migrate
from caseflow.settings import Endpoints
from services.consultation.config import MIGRATIONS

pytestmark = pytest.mark.integration

# The disclosed-case migration as it was first numbered, beside 003_reminders_and_cancellation.
FORMER_003 = (
    "-- The case as the stakeholder was shown it (ReferralOpened.case), so its portal can show it"
    " again.\nALTER TABLE referrals ADD COLUMN disclosed jsonb;\n"
)


async def test_a_consultation_database_migrated_under_the_former_003_comes_up_to_date(
    stack_endpoints: Endpoints, tmp_path: Path
) -> None:
    schema = f"consultation_{uuid.uuid4().hex[:8]}"
    for name in ("001_consultation.sql", "002_opened.sql"):
        shutil.copy(MIGRATIONS / name, tmp_path / name)
    (tmp_path / "003_referral_disclosed.sql").write_text(FORMER_003)
    await migrate(stack_endpoints.database, schema, tmp_path)

    applied = await migrate(stack_endpoints.database, schema, MIGRATIONS)

    assert applied == [
        "service/003_reminders_and_cancellation.sql",
        "service/004_referral_disclosed.sql",
        "service/005_stakeholder_changes.sql",
        "service/006_stakeholder_enabled.sql",
    ]
    connection = await asyncpg.connect(stack_endpoints.database)
    try:
        columns = await connection.fetch(
            "SELECT column_name FROM information_schema.columns"
            " WHERE table_schema = $1 AND table_name = 'referrals'",
            schema,
        )
    finally:
        await connection.close()
    assert {"disclosed", "reminded_at", "cancelled_at"} <= {row["column_name"] for row in columns}
