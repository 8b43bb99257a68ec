"""Read models: open and overdue referrals per stakeholder, one referral's state, counts per
status, and the notices this state shared."""

from __future__ import annotations

from datetime import datetime

from caseflow.db import Connection
from schemas.consultation import ReferralCase, ReferralStatus
from schemas.consultation_reads import ReferralCounts, ReferralState
from schemas.notices import ListedKind, NoticeCursor, NoticeListed
from services.consultation.adapters import REFERRAL_COLUMNS, referral_of


async def referral_states(
    connection: Connection,
    now: datetime,
    *,
    stakeholder: str | None = None,
    overdue_only: bool = False,
    referral_id: str | None = None,
) -> list[ReferralState]:
    """Open referrals (overdue ones only if asked), by stakeholder then due date; or one by id."""
    rows = await connection.fetch(
        f"SELECT {REFERRAL_COLUMNS} FROM referrals"
        " WHERE ($3::text IS NOT NULL AND referral_id = $3)"
        " OR ($3::text IS NULL AND status = 'open' AND ($1::text IS NULL OR stakeholder_id = $1)"
        " AND (NOT $2 OR due_at < $4))"
        " ORDER BY stakeholder_id, due_at",
        stakeholder,
        overdue_only,
        referral_id,
        now,
    )
    states = []
    for row in rows:
        referral = referral_of(row)
        states.append(
            ReferralState(
                referral_id=referral.referral_id,
                case_id=referral.case_id,
                request_id=referral.request_id,
                stakeholder_id=referral.stakeholder_id,
                stakeholder_name=referral.stakeholder_name,
                stakeholder_kind=referral.stakeholder_kind,
                status=referral.status,
                opened_at=referral.opened_at,
                due_at=referral.due_at,
                extended=referral.extended,
                overdue=referral.overdue(now),
                position=referral.position,
                answered_at=referral.answered_at,
                reminded_at=referral.reminded_at,
                cancelled_at=referral.cancelled_at,
            )
        )
    return states


async def disclosed_case(connection: Connection, referral_id: str) -> ReferralCase | None:
    """The case as the referral's stakeholder was shown it (None for referrals opened before
    it was kept)."""
    disclosed = await connection.fetchval(
        "SELECT disclosed FROM referrals WHERE referral_id = $1", referral_id
    )
    return None if disclosed is None else ReferralCase.model_validate_json(disclosed)


async def referral_counts(connection: Connection, now: datetime) -> ReferralCounts:
    """How many referrals stand in each status; how many open ones are past their deadline."""
    rows = await connection.fetch(
        "SELECT status, count(*) AS n, count(*) FILTER (WHERE due_at < $1) AS late"
        " FROM referrals GROUP BY status",
        now,
    )
    by_status = dict.fromkeys(ReferralStatus, 0)
    overdue = 0
    for row in rows:
        by_status[ReferralStatus(row["status"])] = row["n"]
        if row["status"] == ReferralStatus.OPEN:
            overdue = row["late"]
    return ReferralCounts(by_status=by_status, overdue=overdue)


async def shared_notices(
    connection: Connection, kind: ListedKind | None, after: NoticeCursor | None, limit: int
) -> list[NoticeListed]:
    """Up to `limit` notices this state shared with partner states (of one kind, if given),
    newest first, from just past `after`."""
    rows = await connection.fetch(
        "SELECT case_id, notice, shared_at FROM shared_notices"
        " WHERE ($1::text IS NULL OR kind = $1) AND ($2::timestamptz IS NULL"
        " OR (shared_at, notice->>'issuing_state', notice_id) < ($2, $3, $4))"
        " ORDER BY shared_at DESC, notice->>'issuing_state' DESC, notice_id DESC LIMIT $5",
        None if kind is None else kind.value,
        *(after or (None, None, None)),
        limit,
    )
    return [NoticeListed.of_stored(row["shared_at"], row["notice"], row["case_id"]) for row in rows]
