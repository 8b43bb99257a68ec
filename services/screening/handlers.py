"""Screening's use cases: a request in, a result out; partner notices kept."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from enum import StrEnum
from typing import Protocol

import structlog

from schemas.application import SubmitApplication
from schemas.envelope import Envelope, derived_id, utcnow
from schemas.screening import PartnerNotice, ScreeningCompleted, ScreeningRequested
from schemas.sharing import ApprovalDespiteDenial
from schemas.topics import SCREENING_RESULTS, Topic
from services.screening.domain import (
    Clearance,
    Knowledge,
    Screening,
    ScreeningPolicy,
    screening_result,
)
from services.screening.ports import Store, Transaction
from services.screening.rules.parties import party_keys
from services.screening.screened_subjects import (
    ScreenedSubjects,
    keep_screened,
    open_case,
    uncleared_hits,
)

SOURCE = "caseflow/screening"
log = structlog.get_logger(__name__)


class Outcome(StrEnum):
    """What happened to one screening request."""

    SCREENED = "screened"
    ANSWERED_AGAIN = "answered_again"
    ALREADY_PROCESSED = "already_processed"


class ScreenedOnOutdatedKnowledge(Exception):
    """A case was screened on list versions or partner notices that changed before it was kept
    (a re-screen may have read the open cases in between): its transaction is rolled back, to
    be screened again on what is held now."""


@dataclass(frozen=True)
class Screened:
    """What happened to one request, and the result it was answered with (if any)."""

    outcome: Outcome
    result: ScreeningCompleted | None = None


class KnowledgeSource(Protocol):
    """What screening has recorded about parties and destinations: clearances, notices."""

    async def clearances_for(self, party_keys: Sequence[str]) -> list[Clearance]: ...
    async def notices_for(self, destination: str) -> list[PartnerNotice]: ...
    async def approvals_for(self, destination: str) -> list[ApprovalDespiteDenial]: ...


class ScreeningUnitOfWork(Transaction, KnowledgeSource, ScreenedSubjects, Protocol):
    """One transaction over screening's results, cases, subjects, notices and outbox."""

    async def find_result(self, request_id: str) -> ScreeningCompleted | None: ...
    async def lists_moved_on(self, list_version: str) -> bool: ...
    async def add_result(self, result: ScreeningCompleted) -> None: ...
    async def keep_open_case(self, case_id: str, application: SubmitApplication) -> bool: ...
    async def close_case(self, case_id: str, closed_by: str) -> None: ...
    async def reopen_case(self, case_id: str) -> SubmitApplication | None: ...
    async def latest_result(self, case_id: str) -> ScreeningCompleted | None: ...
    async def add_partner_notice(self, notice: PartnerNotice | ApprovalDespiteDenial) -> None: ...


ScreeningStore = Store[ScreeningUnitOfWork]


async def screen_case(
    request: Envelope[ScreeningRequested],
    store: ScreeningStore,
    policy: ScreeningPolicy,
    standing: Knowledge,
) -> Screened:
    """Screen the case once per request id; a re-sent request gets the same result again."""
    async with store.unit_of_work() as uow:
        if not await uow.first_delivery(request.id):
            return Screened(Outcome.ALREADY_PROCESSED)
        result = await uow.find_result(request.data.request_id)
        outcome = Outcome.ANSWERED_AGAIN
        notices: Sequence[PartnerNotice] | None = None
        if result is None:
            asked = request.data
            screening = Screening(asked.request_id, asked.case_id, asked.application)
            knowledge = await knowledge_for(uow, asked.application, standing)
            result = screening_result(screening, policy, knowledge, utcnow())
            await uow.add_result(result)
            outcome, notices = Outcome.SCREENED, knowledge.notices
        # Kept for re-screening when a list changes, until the case is decided.
        case_id, application = request.data.case_id, request.data.application
        if await uow.keep_open_case(case_id, application):
            hits = uncleared_hits(result, policy)
            await keep_screened(uow, open_case(case_id, application, hits), policy)
            if notices is not None:
                await still_current(uow, result, application, notices)
        # The answer's id derives from this delivery, so a re-sent request is answered anew.
        await publish_result(uow, result, request.correlation_id, str(request.id))
        return Screened(outcome, result)


async def still_current(
    uow: ScreeningUnitOfWork,
    result: ScreeningCompleted,
    application: SubmitApplication,
    notices: Sequence[PartnerNotice],
) -> None:
    """Raise `ScreenedOnOutdatedKnowledge` if, now that the case is kept, PostgreSQL holds later
    list versions or other partner notices than it was screened on. A list update's or a
    notice's re-screen holds the open cases while it reads them: one that read them before this
    case was kept did not find it, and now no later one misses it."""
    if await uow.lists_moved_on(result.list_version):
        raise ScreenedOnOutdatedKnowledge(f"screened on {result.list_version}, since replaced")
    if await uow.notices_for(application.destination_country) != list(notices):
        raise ScreenedOnOutdatedKnowledge("a partner notice kept while it was screened")


async def publish_result(
    uow: Transaction, result: ScreeningCompleted, correlation_id: str, answering: str
) -> None:
    """Publish a result keyed by its case; its event id derives from what it answers."""
    await uow.publish(*result_published(result, correlation_id, answering))


def result_published(
    result: ScreeningCompleted, correlation_id: str, answering: str
) -> tuple[Topic, Envelope[ScreeningCompleted]]:
    """Where and how a result is published: keyed by its case, its event id derived from what
    it answers."""
    envelope = Envelope.wrap(
        result,
        source=SOURCE,
        subject=result.case_id,
        correlation_id=correlation_id,
        event_id=derived_id("screening-result", answering),
    )
    return SCREENING_RESULTS, envelope


async def knowledge_for(
    source: KnowledgeSource, application: SubmitApplication, standing: Knowledge
) -> Knowledge:
    """The standing knowledge (lists, destinations) with what is recorded for this application."""
    return replace(
        standing,
        notices=await source.notices_for(application.destination_country),
        approvals=await source.approvals_for(application.destination_country),
        clearances=await source.clearances_for(party_keys(application)),
    )


async def knowledge_for_each(
    source: KnowledgeSource, applications: Sequence[SubmitApplication], standing: Knowledge
) -> list[Knowledge]:
    """`knowledge_for` of each application: the clearances of all their parties read at once,
    the notices once per destination."""
    keys = {key for application in applications for key in party_keys(application)}
    clearances = await source.clearances_for(sorted(keys))
    by_destination: dict[str, Knowledge] = {}
    known = []
    for application in applications:
        destination = application.destination_country
        if destination not in by_destination:
            by_destination[destination] = replace(
                standing,
                notices=await source.notices_for(destination),
                approvals=await source.approvals_for(destination),
            )
        mine = set(party_keys(application))
        own = [clearance for clearance in clearances if clearance.party_key in mine]
        known.append(replace(by_destination[destination], clearances=own))
    return known


async def record_partner_notice(
    notice: Envelope[PartnerNotice] | Envelope[ApprovalDespiteDenial], store: ScreeningStore
) -> bool:
    """Keep a partner state's notice (a denial, a risk, or an approval despite a denial) for later
    screenings; False for a repeated delivery."""
    async with store.unit_of_work() as uow:
        if not await uow.first_delivery(notice.id):
            return False
        await uow.add_partner_notice(notice.data)
    log.info("partner notice kept", notice=notice.data.notice_id, kind=notice.type)
    return True
