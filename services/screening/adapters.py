"""PostgreSQL implementation of screening's store, with the outbox in the same transaction."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

import asyncpg

from caseflow.uow import PostgresUnitOfWork
from schemas.application import SubmitApplication
from schemas.notices import ListedKind, NoticeCursor, NoticeListed
from schemas.screening import PartnerNotice, ScreeningCompleted
from schemas.sharing import APPROVAL_DESPITE_DENIAL, ApprovalDespiteDenial
from services.screening.config import CONSUMER
from services.screening.list_storage import PostgresListStorage
from services.screening.notice_rescreening import OpenCase
from services.screening.rules.parties import Clearance
from services.screening.screened_subjects import CASE
from services.screening.subject_storage import PostgresSubjectStorage


@dataclass(frozen=True)
class ClearanceRecord:
    """A recorded clearance as `caseflow lists clearances` prints it: when, who, what, why."""

    cleared_at: datetime
    cleared_by: str
    party_name: str
    entry_id: str
    reason: str


class PostgresScreeningUnitOfWork(PostgresListStorage, PostgresSubjectStorage, PostgresUnitOfWork):
    """Screening's records (results, cases, lists, notices, clearances) and outbox, in one tx."""

    consumer = CONSUMER

    async def find_result(self, request_id: str) -> ScreeningCompleted | None:
        """The stored result of an earlier delivery of the same request."""
        stored = await self.connection.fetchval(
            "SELECT result FROM results WHERE request_id = $1", request_id
        )
        return None if stored is None else ScreeningCompleted.model_validate_json(stored)

    async def add_result(self, result: ScreeningCompleted) -> None:
        """Keep the result of a request."""
        await self.add_results([result])

    async def results_found(self, request_ids: Sequence[str]) -> set[str]:
        """Which of these requests have a stored result."""
        rows = await self.connection.fetch(
            "SELECT request_id FROM results WHERE request_id = ANY($1::text[])", list(request_ids)
        )
        return {row["request_id"] for row in rows}

    async def add_results(self, results: Sequence[ScreeningCompleted]) -> None:
        """Keep the results of many requests, in one statement."""
        if not results:
            return
        await self.connection.executemany(
            "INSERT INTO results (request_id, case_id, risk_level, result, completed_at)"
            " VALUES ($1, $2, $3, $4::jsonb, $5)",
            [
                (
                    result.request_id,
                    uuid.UUID(result.case_id),
                    result.risk_level.value,
                    result.model_dump_json(),
                    result.screened_at,
                )
                for result in results
            ],
        )

    async def keep_open_case(self, case_id: str, application: SubmitApplication) -> bool:
        """Remember the case's application as last screened; False if the case is closed."""
        kept = await self.connection.fetchval(
            "INSERT INTO cases (case_id, application, screened_at) VALUES ($1, $2::jsonb, now())"
            " ON CONFLICT (case_id) DO UPDATE"
            " SET application = EXCLUDED.application, screened_at = EXCLUDED.screened_at"
            " WHERE cases.closed_at IS NULL RETURNING true",
            uuid.UUID(case_id),
            application.model_dump_json(),
        )
        return bool(kept)

    async def close_case(self, case_id: str, closed_by: str) -> None:
        """Stop re-screening the case (also when the closing event arrives first)."""
        await self.connection.execute(
            "INSERT INTO cases (case_id, closed_at, closed_by) VALUES ($1, now(), $2)"
            " ON CONFLICT (case_id) DO UPDATE SET closed_at = now(), closed_by = $2"
            " WHERE cases.closed_at IS NULL",
            uuid.UUID(case_id),
            closed_by,
        )
        await self.drop_subject(CASE, case_id)

    async def reopen_case(self, case_id: str) -> SubmitApplication | None:
        """Re-screen the case again on list updates: it was approved, its licence is in force;
        its application as last screened if it had been closed (else None)."""
        # `old` is the row as this statement found it: closed, or not.
        application = await self.connection.fetchval(
            "UPDATE cases c SET closed_at = NULL, closed_by = NULL FROM cases old"
            " WHERE c.case_id = $1 AND old.case_id = c.case_id AND old.closed_at IS NOT NULL"
            " RETURNING c.application",
            uuid.UUID(case_id),
        )
        return None if application is None else SubmitApplication.model_validate_json(application)

    async def latest_result(self, case_id: str) -> ScreeningCompleted | None:
        """The case's latest result (a re-screen's, or its request's)."""
        stored = await self.connection.fetchval(
            "SELECT result FROM results WHERE case_id = $1 ORDER BY completed_at DESC LIMIT 1",
            uuid.UUID(case_id),
        )
        return None if stored is None else ScreeningCompleted.model_validate_json(stored)

    async def hold_open_cases(self) -> None:
        """Until this transaction ends, no other keeps a case: one kept before is read, one kept
        after waits (and then finds what this one kept)."""
        await self.connection.execute("LOCK TABLE cases IN SHARE MODE")

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

    async def clearances_for(self, party_keys: Sequence[str]) -> list[Clearance]:
        """The latest clearance of each (party, entry) pair for these parties."""
        rows = await self.connection.fetch(
            "SELECT DISTINCT ON (party_key, entry_id)"
            " party_key, entry_id, cleared_by, cleared_at, reason FROM clearances"
            " WHERE party_key = ANY($1::text[]) ORDER BY party_key, entry_id, cleared_at DESC",
            list(party_keys),
        )
        return [Clearance(**dict(row)) for row in rows]

    async def add_clearance(self, clearance: Clearance, party_name: str) -> None:
        """Record a reviewer's clearance of a hit."""
        await self.connection.execute(
            "INSERT INTO clearances (party_key, party_name, entry_id, cleared_by, cleared_at,"
            " reason) VALUES ($1, $2, $3, $4, $5, $6)",
            clearance.party_key,
            party_name,
            clearance.entry_id,
            clearance.cleared_by,
            clearance.cleared_at,
            clearance.reason,
        )

    async def clearance_history(self) -> list[ClearanceRecord]:
        """Every clearance ever recorded, newest first."""
        rows = await self.connection.fetch(
            "SELECT cleared_at, cleared_by, party_name, entry_id, reason"
            " FROM clearances ORDER BY cleared_at DESC, id DESC"
        )
        return [ClearanceRecord(**dict(row)) for row in rows]

    async def entry_exists(self, entry_id: str) -> bool:
        """Whether a current list has an entry with this id."""
        found = await self.connection.fetchval(
            "SELECT true FROM list_entries WHERE entry_id = $1 LIMIT 1", entry_id
        )
        return bool(found)

    async def notices_for(self, destination: str) -> list[PartnerNotice]:
        """The partner notices about transactions to this destination."""
        rows = await self._kept_notices(destination, approvals=False)
        return [PartnerNotice.model_validate_json(row["notice"]) for row in rows]

    async def approvals_for(self, destination: str) -> list[ApprovalDespiteDenial]:
        """The approvals despite a partner's denial of transactions to this destination."""
        rows = await self._kept_notices(destination, approvals=True)
        return [ApprovalDespiteDenial.model_validate_json(row["notice"]) for row in rows]

    async def _kept_notices(self, destination: str, approvals: bool) -> list[asyncpg.Record]:
        """Kept notices to this destination: approvals despite a denial, or all the others."""
        return await self.connection.fetch(
            "SELECT notice FROM partner_notices WHERE destination_country = $1"
            " AND (kind = $2) = $3 ORDER BY issuing_state, notice_id",
            destination,
            APPROVAL_DESPITE_DENIAL,
            approvals,
        )

    async def notices_listed(
        self, kind: ListedKind | None, after: NoticeCursor | None, limit: int
    ) -> list[NoticeListed]:
        """Up to `limit` kept notices (of one kind, if given), newest first, from just past
        `after`."""
        rows = await self.connection.fetch(
            "SELECT notice, received_at FROM partner_notices"
            " WHERE ($1::text IS NULL OR kind = $1) AND ($2::timestamptz IS NULL"
            " OR (received_at, issuing_state, notice_id) < ($2, $3, $4))"
            " ORDER BY received_at DESC, issuing_state DESC, notice_id DESC LIMIT $5",
            None if kind is None else kind.value,
            *(after or (None, None, None)),
            limit,
        )
        return [NoticeListed.of_stored(row["received_at"], row["notice"]) for row in rows]

    async def add_partner_notice(self, notice: PartnerNotice | ApprovalDespiteDenial) -> None:
        """Keep a notice; a notice issued again under the same id replaces the earlier one."""
        await self.connection.execute(
            "INSERT INTO partner_notices (issuing_state, notice_id, kind, destination_country,"
            " notice, received_at) VALUES ($1, $2, $3, $4, $5::jsonb, now())"
            " ON CONFLICT (issuing_state, notice_id) DO UPDATE SET kind = EXCLUDED.kind,"
            " destination_country = EXCLUDED.destination_country, notice = EXCLUDED.notice,"
            " received_at = EXCLUDED.received_at",
            notice.issuing_state,
            notice.notice_id,
            str(notice.kind),
            notice.destination_country,
            notice.model_dump_json(),
        )
