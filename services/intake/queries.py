"""Answers from intake's own records: where a case stands; what came in since a moment."""

from __future__ import annotations

from datetime import datetime

from caseflow.db import Connection
from schemas.intake_reads import (
    CaseStanding,
    IntakeSince,
    Refusal,
    UnreadableSubmission,
)
from services.intake.config import CONSUMER
from services.intake.reasons import refusal_class


async def intake_since(connection: Connection, since: datetime) -> IntakeSince:
    """Messages acted on, cases registered and refusals (by reason class) since `since`."""
    submissions = await connection.fetchval(
        "SELECT count(*) FROM processed_events WHERE consumer = $1 AND processed_at >= $2",
        CONSUMER,
        since,
    )
    registered = await connection.fetchval(
        "SELECT count(*) FROM applications WHERE registered_at >= $1", since
    )
    refusals = await connection.fetch(
        "SELECT ARRAY(SELECT d->>'code' FROM jsonb_array_elements(deficiencies) AS d)"
        " AS codes FROM rejections WHERE rejected_at >= $1",
        since,
    )
    refused: dict[str, int] = {}
    for row in refusals:
        name = refusal_class(row["codes"])
        refused[name] = refused.get(name, 0) + 1
    return IntakeSince(since=since, submissions=submissions, registered=registered, refused=refused)


async def standing_of(
    connection: Connection, agency: str, reference: str
) -> tuple[CaseStanding | None, list[Refusal]]:
    """The case registered under the reference (if any) and the last 10 refusals it drew."""
    row = await connection.fetchrow(
        "SELECT case_id::text, control_number, status, outcome, registered_at, updated_at"
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
    standing = None if row is None else CaseStanding.model_validate(dict(row))
    return standing, [Refusal.model_validate(dict(r)) for r in refusals]


async def unreadable_for(
    connection: Connection, agency: str, reference: str, since: datetime
) -> list[UnreadableSubmission]:
    """Unreadable batches that carry this reference's key, or whose keys could not be seen at
    all (it may be one of them), parked since `since`, newest first."""
    rows = await connection.fetch(
        "SELECT parked_at, sent_at, topic, partition, first_offset, last_offset, codec,"
        " reason, $1 = ANY(keys) AS named FROM unreadable_submissions"
        " WHERE ($1 = ANY(keys) OR cardinality(keys) = 0) AND parked_at >= $2"
        " ORDER BY parked_at DESC LIMIT 10",
        f"{agency}:{reference}",
        since,
    )
    return [
        UnreadableSubmission(
            parked_at=row["parked_at"],
            sent_at=row["sent_at"],
            location=f"{row['topic']}/{row['partition']}/{row['first_offset']}"
            + (f"-{row['last_offset']}" if row["last_offset"] != row["first_offset"] else ""),
            codec=row["codec"],
            reason=row["reason"],
            names_this_reference=row["named"],
        )
        for row in rows
    ]
