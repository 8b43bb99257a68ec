"""Use case: a partner state's new notice is kept, and the open and licensed cases it matches
(same end user or consignee, technology and destination) are screened again, so that a licence
in force goes under review (15 CFR 750.8) and an open case's reviewer sees the notice."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

import structlog

from caseflow.messaging import HandlerTable
from schemas.application import SubmitApplication
from schemas.envelope import Envelope, utcnow
from schemas.screening import PartnerNotice
from schemas.sharing import ApprovalDespiteDenial
from services.screening.domain import Knowledge, Screening, ScreeningPolicy, screening_result
from services.screening.handlers import (
    ScreeningUnitOfWork,
    knowledge_for,
    publish_result,
    record_partner_notice,
)
from services.screening.ports import Store
from services.screening.rules.notices import partner_notice_findings

log = structlog.get_logger(__name__)


@dataclass(frozen=True)
class OpenCase:
    """A case screened and not closed (licensed ones included), its application as screened."""

    case_id: str
    application: SubmitApplication


class NoticeUnitOfWork(ScreeningUnitOfWork, Protocol):
    """One transaction over the notices, the open cases, the results and the outbox."""

    async def hold_open_cases(self) -> None: ...
    async def open_cases(self) -> list[OpenCase]: ...


NoticeStore = Store[NoticeUnitOfWork]


async def keep_notice_and_rescreen(
    notice: Envelope[PartnerNotice],
    store: NoticeStore,
    policy: ScreeningPolicy,
    standing: Knowledge,
) -> list[str] | None:
    """Keep the notice and publish a new result for each case it matches; their ids (None for a
    repeated delivery)."""
    issued = notice.data
    async with store.unit_of_work() as uow:
        if not await uow.first_delivery(notice.id):
            return None
        # A case screened without this notice, and kept while the open cases are read, is read
        # (kept first) or screened again (kept after: `screen_case`).
        await uow.hold_open_cases()
        await uow.add_partner_notice(issued)
        return [
            case.case_id
            for case in await uow.open_cases()
            if await rescreen_for_notice(uow, case, issued, policy, standing, notice.correlation_id)
        ]


async def rescreen_for_notice(
    uow: ScreeningUnitOfWork,
    case: OpenCase,
    notice: PartnerNotice,
    policy: ScreeningPolicy,
    standing: Knowledge,
    correlation_id: str,
) -> bool:
    """Publish a new result for the case if the notice matches it, once per case and notice;
    whether it did."""
    matched = partner_notice_findings(case.application, policy, [notice]).findings
    if not matched:
        return False
    request_id = f"{case.case_id}/rescreen/notice/{notice.issuing_state}/{notice.notice_id}"
    if await uow.find_result(request_id) is not None:
        return False
    reason = f"partner_notice: {matched[0].evidence}"
    knowledge = await knowledge_for(uow, case.application, standing)
    screening = Screening(request_id, case.case_id, case.application, reason)
    result = screening_result(screening, policy, knowledge, utcnow())
    await uow.add_result(result)
    await publish_result(uow, result, correlation_id, request_id)
    return True


async def rescreen_reopened(
    uow: ScreeningUnitOfWork,
    case: OpenCase,
    policy: ScreeningPolicy,
    standing: Knowledge,
    correlation_id: str,
) -> list[str]:
    """A case opened again (approved after a denial) is screened for each partner notice kept
    while it was closed that matches it: those its latest result does not name; their ids."""
    latest = await uow.latest_result(case.case_id)
    named = set() if latest is None else {finding.reference for finding in latest.findings}
    return [
        notice.notice_id
        for notice in await uow.notices_for(case.application.destination_country)
        if f"partner_notice:{notice.notice_id}" not in named
        and await rescreen_for_notice(uow, case, notice, policy, standing, correlation_id)
    ]


def notice_table(
    store: NoticeStore, policy: ScreeningPolicy, standing: Knowledge
) -> HandlerTable[bool]:
    """The partner states' notices screening keeps (a new one re-screens what it matches);
    others on their topic are skipped."""

    async def take_notice(notice: Envelope[PartnerNotice]) -> bool:
        cases = await keep_notice_and_rescreen(notice, store, policy, standing)
        log.info("partner notice kept", notice=notice.data.notice_id, rescreened=cases)
        return cases is not None

    return (
        HandlerTable[bool]("a partner notice")
        .on(PartnerNotice, take_notice)
        .on(ApprovalDespiteDenial, lambda notice: record_partner_notice(notice, store))
    )
