"""Answers for agencies, from intake's own records: where does my case stand?"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import asyncpg

from services.intake.config import SCHEMA


@dataclass(frozen=True)
class CaseStanding:
    """Where one agency reference stands."""

    case_id: str
    control_number: str
    status: str
    outcome: str | None
    registered_at: datetime
    updated_at: datetime | None


@dataclass(frozen=True)
class Refusal:
    """A refused message under the reference, newest first."""

    rejected_at: datetime
    codes: list[str]


async def standing_of(
    database_url: str, agency: str, reference: str
) -> tuple[CaseStanding | None, list[Refusal]]:
    """The case registered under the reference (if any) and the refusals it drew."""
    connection = await asyncpg.connect(database_url, server_settings={"search_path": SCHEMA})
    try:
        row = await connection.fetchrow(
            "SELECT case_id, control_number, status, outcome, registered_at, updated_at"
            " FROM applications WHERE submitting_agency = $1 AND agency_reference = $2",
            agency,
            reference,
        )
        refusals = await connection.fetch(
            "SELECT rejected_at, ARRAY(SELECT d->>'code' FROM jsonb_array_elements(deficiencies)"
            " AS d) AS codes FROM rejections WHERE submitting_agency = $1"
            " AND agency_reference = $2 ORDER BY rejected_at DESC LIMIT 10",
            agency,
            reference,
        )
    finally:
        await connection.close()
    standing = (
        None
        if row is None
        else CaseStanding(
            case_id=str(row["case_id"]),
            control_number=row["control_number"],
            status=row["status"],
            outcome=row["outcome"],
            registered_at=row["registered_at"],
            updated_at=row["updated_at"],
        )
    )
    return standing, [Refusal(r["rejected_at"], list(r["codes"])) for r in refusals]
