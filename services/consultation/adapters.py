"""PostgreSQL implementation of consultation's store: registry, referrals, notices, outbox."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime

import asyncpg

from caseflow.uow import PostgresUnitOfWork
from schemas.consultation import (
    ConsultationConcluded,
    ConsultationOpened,
    Position,
    ReferralOpened,
    ReferralStatus,
    StakeholderKind,
)
from schemas.screening import PartnerNotice
from schemas.sharing import ApprovalDespiteDenial
from services.consultation.config import CONSUMER
from services.consultation.domain import Referral
from services.consultation.policy import StakeholderEntry, StakeholderRegistry
from services.consultation.ports import ConsultationRecord
from services.consultation.registry_store import entry_of
from services.consultation.routing import Routing

REFERRAL_COLUMNS = (
    "referral_id, request_id, case_id, stakeholder_id, stakeholder_name, stakeholder_kind,"
    " opened_at, due_at, status, extended, extended_by, position, rationale, conditions,"
    " answered_at, answered_by, channel, reminded_at, reminded_for, cancelled_at, cancel_reason"
)


class PostgresConsultationUnitOfWork(PostgresUnitOfWork):
    """Consultation's records and outbox on one connection inside one transaction."""

    consumer = CONSUMER

    async def seed_stakeholders(self, registry: StakeholderRegistry) -> int:
        """Add the file's stakeholders the registry lacks and update those the file's newer
        version changes (a newly declared conflict takes effect), but never one an operator has
        changed (`caseflow stakeholders`); return how many were added or updated."""
        rows = await self.connection.fetch(
            "INSERT INTO stakeholders (stakeholder_id, name, kind, channel, state, expertise,"
            " conflicts, registry_version)"
            " SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[],"
            " $6::jsonb[], $7::jsonb[], $8::text[])"
            " ON CONFLICT (stakeholder_id) DO UPDATE SET name = EXCLUDED.name,"
            " kind = EXCLUDED.kind, channel = EXCLUDED.channel, state = EXCLUDED.state,"
            " expertise = EXCLUDED.expertise, conflicts = EXCLUDED.conflicts,"
            " registry_version = EXCLUDED.registry_version"
            " WHERE stakeholders.registry_version < EXCLUDED.registry_version"
            " AND stakeholders.changed_by IS NULL"
            " RETURNING stakeholder_id",
            *zip(
                *(
                    (
                        s.id,
                        s.name,
                        s.kind.value,
                        s.channel,
                        s.state,
                        s.expertise.model_dump_json(),
                        json.dumps([c.model_dump() for c in s.conflicts]),
                        registry.version,
                    )
                    for s in registry.stakeholders
                ),
                strict=True,
            ),
        )
        return len(rows)

    async def stakeholders(self) -> list[StakeholderEntry]:
        """Every stakeholder that may be referred (not disabled)."""
        rows = await self.connection.fetch(
            "SELECT * FROM stakeholders WHERE disabled_at IS NULL ORDER BY stakeholder_id"
        )
        return [entry_of(row) for row in rows]

    async def disabled_stakeholders(self) -> dict[str, datetime]:
        """The disabled stakeholders, each with when it was disabled."""
        rows = await self.connection.fetch(
            "SELECT stakeholder_id, disabled_at FROM stakeholders WHERE disabled_at IS NOT NULL"
        )
        return {row["stakeholder_id"]: row["disabled_at"] for row in rows}

    async def find_consultation(self, request_id: str) -> ConsultationRecord | None:
        """The consultation of this request, if opened; locked until commit, so that changes to
        one consultation's referrals take their locks in one order."""
        row = await self.connection.fetchrow(
            "SELECT *, cancelled_at AS consultation_cancelled_at FROM consultations"
            " WHERE request_id = $1 FOR UPDATE",
            request_id,
        )
        return None if row is None else _consultation(row)

    async def add_consultation(
        self,
        consultation: ConsultationRecord,
        routing: Routing,
        policy_version: str,
        referrals: Sequence[ReferralOpened],
    ) -> None:
        """Record the consultation, why some stakeholders were left out, and its referrals with
        the case as each stakeholder was shown it."""
        left_out = {
            "conflicted": [
                {"stakeholder_id": s.id, "conflict": c.model_dump()} for s, c in routing.conflicted
            ],
            "disabled": {sid: at.isoformat() for sid, at in routing.disabled.items()},
            "missing": routing.missing,
        }
        await self.connection.execute(
            "INSERT INTO consultations (request_id, case_id, correlation_id, requested_at,"
            " policy_version, routing, opened)"
            " VALUES ($1, $2, $3, now(), $4, $5::jsonb, $6::jsonb)",
            consultation.request_id,
            consultation.case_id,
            consultation.correlation_id,
            policy_version,
            json.dumps(left_out),
            consultation.opened.model_dump_json() if consultation.opened else None,
        )
        await self.connection.executemany(
            "INSERT INTO referrals (referral_id, request_id, case_id, stakeholder_id,"
            " stakeholder_name, stakeholder_kind, required, opened_at, due_at, channel,"
            " disclosed) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11::jsonb)",
            [
                (
                    r.referral_id,
                    r.request_id,
                    r.case_id,
                    r.stakeholder_id,
                    r.stakeholder_name,
                    r.stakeholder_kind.value,
                    r.required,
                    r.opened_at,
                    r.due_at,
                    r.channel,
                    r.case.model_dump_json(),
                )
                for r in referrals
            ],
        )

    async def lock_referral(self, referral_id: str) -> tuple[Referral, ConsultationRecord] | None:
        """The referral and its consultation, locked until commit (answers serialise per case)."""
        row = await self.connection.fetchrow(
            "SELECT c.correlation_id, c.opened, c.outcome,"
            " c.cancelled_at AS consultation_cancelled_at, r.*"
            " FROM referrals r JOIN consultations c USING (request_id)"
            " WHERE r.referral_id = $1 FOR UPDATE OF c, r",
            referral_id,
        )
        if row is None:
            return None
        return referral_of(row), _consultation(row)

    async def lock_referrals(self, request_id: str) -> list[Referral]:
        """Every referral of the consultation, locked until commit."""
        rows = await self.connection.fetch(
            f"SELECT {REFERRAL_COLUMNS} FROM referrals WHERE request_id = $1"
            " ORDER BY stakeholder_id FOR UPDATE",
            request_id,
        )
        return [referral_of(row) for row in rows]

    async def save_referral(self, referral: Referral, via: str) -> None:
        """Store a referral's new state and through which channel it changed."""
        await self.connection.execute(
            "UPDATE referrals SET status = $2, due_at = $3, extended = $4, extended_by = $5,"
            " position = $6, rationale = $7, conditions = $8::jsonb, answered_at = $9,"
            " answered_by = $10, answered_via = coalesce($11, answered_via),"
            " reminded_at = $12, reminded_for = $13, cancelled_at = $14, cancel_reason = $15"
            " WHERE referral_id = $1",
            referral.referral_id,
            referral.status.value,
            referral.due_at,
            referral.extended,
            referral.extended_by,
            referral.position.value if referral.position else None,
            referral.rationale,
            json.dumps(list(referral.conditions)),
            referral.answered_at,
            referral.answered_by,
            via if referral.status is ReferralStatus.ANSWERED else None,
            referral.reminded_at,
            referral.reminded_for,
            referral.cancelled_at,
            referral.cancel_reason,
        )

    async def conclude(self, outcome: ConsultationConcluded) -> None:
        """Keep the outcome with the consultation."""
        await self.connection.execute(
            "UPDATE consultations SET concluded_at = $2, outcome = $3::jsonb"
            " WHERE request_id = $1 AND concluded_at IS NULL",
            outcome.request_id,
            outcome.concluded_at,
            outcome.model_dump_json(),
        )

    async def cancel(self, request_id: str, reason: str, at: datetime) -> None:
        """Record that the consultation ended with its case, before it concluded."""
        await self.connection.execute(
            "UPDATE consultations SET cancelled_at = $2, cancel_reason = $3"
            " WHERE request_id = $1 AND cancelled_at IS NULL",
            request_id,
            at,
            reason,
        )

    async def add_notice(
        self, notice: PartnerNotice | ApprovalDespiteDenial, case_id: str, at: datetime
    ) -> bool:
        """Record a notice shared with partner states; False if it was shared before."""
        added = await self.connection.fetchval(
            "INSERT INTO shared_notices (notice_id, case_id, kind, notice, shared_at)"
            " VALUES ($1, $2, $3, $4::jsonb, $5) ON CONFLICT DO NOTHING RETURNING notice_id",
            notice.notice_id,
            case_id,
            str(notice.kind),
            notice.model_dump_json(),
            at,
        )
        return added is not None


def referral_of(row: asyncpg.Record) -> Referral:
    """A referral from its row."""
    return Referral(
        referral_id=row["referral_id"],
        request_id=row["request_id"],
        case_id=row["case_id"],
        stakeholder_id=row["stakeholder_id"],
        stakeholder_name=row["stakeholder_name"],
        stakeholder_kind=StakeholderKind(row["stakeholder_kind"]),
        opened_at=row["opened_at"],
        due_at=row["due_at"],
        status=ReferralStatus(row["status"]),
        extended=row["extended"],
        extended_by=row["extended_by"],
        position=Position(row["position"]) if row["position"] is not None else None,
        rationale=row["rationale"],
        conditions=tuple(json.loads(row["conditions"])),
        answered_at=row["answered_at"],
        answered_by=row["answered_by"],
        channel=row["channel"],
        reminded_at=row["reminded_at"],
        reminded_for=row["reminded_for"],
        cancelled_at=row["cancelled_at"],
        cancel_reason=row["cancel_reason"],
    )


def _consultation(row: asyncpg.Record) -> ConsultationRecord:
    opened, outcome = row["opened"], row["outcome"]
    return ConsultationRecord(
        request_id=row["request_id"],
        case_id=row["case_id"],
        correlation_id=row["correlation_id"],
        opened=None if opened is None else ConsultationOpened.model_validate_json(opened),
        concluded=None if outcome is None else ConsultationConcluded.model_validate_json(outcome),
        cancelled_at=row["consultation_cancelled_at"],
    )
