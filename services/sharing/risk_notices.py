"""Risk notices of this state: written by an officer, countersigned by a second, senior officer
(four eyes), then shared: one PartnerNotice of kind `risk` per destination, published on
caseflow.sharing.notices, where this state's screening keeps it and the point of contact sends
it to every partner."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from caseflow.auth import Principal, Role
from schemas.envelope import Envelope, derived_id
from schemas.screening import NoticeKind, PartnerNotice
from schemas.sharing import ExchangedNotice, RiskNoticeDraft
from schemas.topics import SHARING_NOTICES
from services.sharing.config import SOURCE
from services.sharing.handlers import StateIdentity
from services.sharing.ports import SharingStore


class CountersignatureRefused(Exception):
    """A countersignature not recorded; every reason is listed."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


def risk_notices_of(
    draft: RiskNoticeDraft, identity: StateIdentity, number: int, on: datetime
) -> list[PartnerNotice]:
    """The notices a countersigned draft becomes: one per destination."""
    reason = f"{draft.risk} Sources: {'; '.join(draft.sources)}."
    return [
        PartnerNotice(
            notice_id=f"{identity.code}/risk/{number}/{destination}",
            kind=NoticeKind.RISK,
            issuing_state=identity.code,
            issued_on=on.date(),
            parties=draft.end_users,
            technology_categories=draft.technology_categories,
            control_codes=draft.control_codes,
            destination_country=destination,
            reason=reason[:4000],
            contact=f"Export control authority of {identity.name}",
        )
        for destination in draft.destinations
    ]


async def write_risk_notice(
    store: SharingStore, draft: RiskNoticeDraft, writer: Principal, now: datetime
) -> int:
    """Keep an officer's draft until it is countersigned; its number."""
    async with store.unit_of_work() as uow:
        return await uow.add_risk_notice(draft.model_dump_json(), writer.name, now)


async def countersign_risk_notice(
    store: SharingStore,
    identity: StateIdentity,
    number: int,
    countersigner: Principal,
    now: datetime,
) -> list[PartnerNotice]:
    """Countersign and share; `CountersignatureRefused` lists why not (nothing changes)."""
    async with store.unit_of_work() as uow:
        row = await uow.risk_notice_to_countersign(number)
        if row is None:
            raise CountersignatureRefused([f"no risk notice {number}"])
        problems = []
        if countersigner.role is not Role.SENIOR_OFFICER:
            problems.append("only a senior officer countersigns a risk notice")
        if countersigner.name == row["written_by"]:
            problems.append(f"{countersigner.name} wrote it: a second officer countersigns")
        if row["countersigned_by"] is not None:
            problems.append(f"already countersigned by {row['countersigned_by']}")
        if problems:
            raise CountersignatureRefused(problems)
        await uow.countersign_risk_notice(number, countersigner.name, now)
        notices = risk_notices_of(
            RiskNoticeDraft.model_validate_json(row["draft"]), identity, number, now
        )
        for notice in notices:
            envelope = Envelope.wrap(
                notice,
                source=SOURCE,
                subject=f"notice:{notice.notice_id}",
                correlation_id=f"risk-notice-{number}",
                event_id=derived_id("notice", notice.notice_id),
            )
            await uow.publish(SHARING_NOTICES, envelope)
        return notices


async def list_risk_notices(store: SharingStore, limit: int) -> list[dict[str, Any]]:
    """The latest risk notices: drafts waiting for a countersignature and those shared."""
    async with store.unit_of_work() as uow:
        rows = await uow.risk_notices(limit)
    return [
        {**dict(row), "draft": RiskNoticeDraft.model_validate_json(row["draft"]).model_dump()}
        for row in rows
    ]


async def list_received_notices(
    store: SharingStore, kind: NoticeKind, limit: int
) -> list[dict[str, Any]]:
    """The latest denial or risk notices received from partner states: issuing state, notice
    id, when, and the notice as it was signed."""
    async with store.unit_of_work() as uow:
        rows = await uow.received_notices(kind.value, limit)
    return [
        {
            "issuing_state": row["issuing_state"],
            "notice_id": row["notice_id"],
            "received_at": row["received_at"],
            "notice": PartnerNotice.model_validate(
                ExchangedNotice.model_validate_json(row["body"]).notice
            ).model_dump(mode="json"),
        }
        for row in rows
    ]
