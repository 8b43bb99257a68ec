"""Screening's FastStream app: requests, list updates, case events and notices in; results out."""

from __future__ import annotations

import time
from typing import TypeVar

import structlog
from faststream import FastStream
from faststream.kafka import KafkaRouter
from faststream.kafka.annotations import KafkaMessage

from caseflow.kafka import make_broker
from caseflow.messaging import (
    Delivery,
    Documented,
    at_least_once,
    case_by_case,
    deliveries,
    read_or_set_aside,
    type_of,
)
from caseflow.settings import Settings
from schemas.cases import CaseDecided, CaseWithdrawn
from schemas.envelope import Contract, Envelope
from schemas.licences import LicenceStatusChanged
from schemas.screening import (
    HitCleared,
    ListUpdated,
    PartnerNotice,
    ScreeningCompleted,
    ScreeningRequested,
)
from schemas.sharing import ApprovalDespiteDenial
from schemas.topics import CASES, SCREENING_REQUESTS, SCREENING_RESULTS, SHARING_NOTICES
from services.screening.bootstrap import ScreeningRuntime
from services.screening.config import CASES_CONSUMER, CONSUMER, NOTICES_CONSUMER
from services.screening.domain import Knowledge
from services.screening.handlers import close_case, record_partner_notice, screen_case
from services.screening.lists import CurrentLists
from services.screening.metrics import RESCREENED, record_screening
from services.screening.notice_rescreening import keep_notice_and_rescreen
from services.screening.policy import ScreeningPolicy
from services.screening.rescreening import rescreen_open_cases
from services.screening.rules.destination import DestinationRegister

log = structlog.get_logger(__name__)
C = TypeVar("C", bound=Contract)
# Requests read at once: different cases are screened side by side (each in its transaction).
REQUEST_BATCH = 50


def build_router(process: ScreeningRuntime) -> KafkaRouter:
    """Subscribers and (documented) publishers of screening."""
    router = KafkaRouter()
    policy = ScreeningPolicy.load()
    standing = Knowledge(process.lists, DestinationRegister.load())
    store = process.store()
    # Documented only: the outbox relay publishes them, after the screening transaction.
    router.publisher(
        SCREENING_RESULTS.name, title="to_screening_completed", schema=Envelope[ScreeningCompleted]
    )
    router.publisher(
        SCREENING_RESULTS.name,
        title="to_hit_cleared",
        schema=Envelope[HitCleared],
        description="A reviewer cleared a false-positive hit through the screening API (with "
        "the reviewer and role its token names).",
    )

    async def readable(message: KafkaMessage | Delivery, contract: type[C]) -> Envelope[C] | None:
        return await read_or_set_aside(message, contract, store.set_aside)

    async def take_list_update(delivery: Delivery) -> None:
        update = await readable(delivery, ListUpdated)
        if update is not None:
            await process.lists.refresh(process.pool)
            cases = await rescreen_open_cases(update, store, policy, standing)
            RESCREENED.inc(len(cases))
            log.info("list update", list=update.data.list_version, rescreened=len(cases))

    async def screen(delivery: Delivery) -> None:
        request = await readable(delivery, ScreeningRequested)
        if request is not None:
            began = time.perf_counter()
            screened = await screen_case(request, store, policy, standing)
            parties = len(request.data.application.parties())
            record_screening(screened, parties, time.perf_counter() - began)
            log.info(
                "screening request handled",
                case_id=request.data.case_id,
                outcome=screened.outcome,
            )

    @at_least_once(
        router,
        SCREENING_REQUESTS,
        group_id=CONSUMER,
        title="on_screening_requested",
        description="Screens the parties and items of a case (a re-sent request is answered "
        "again with the stored result); on ListUpdated, re-screens the open cases that the "
        "list's new or changed entries match.",
        batch_size=REQUEST_BATCH,
    )
    async def on_screening_requested(
        body: Documented[list[Envelope[ScreeningRequested] | Envelope[ListUpdated]]],
        message: KafkaMessage,
    ) -> None:
        # A list update is taken in where it stands: requests before it are screened first,
        # those after it against the updated lists.
        requests: list[Delivery] = []
        for delivery in deliveries(message):
            if type_of(delivery.body) == ListUpdated.type_name():
                await case_by_case(requests, screen)
                requests = []
                await take_list_update(delivery)
            else:
                requests.append(delivery)
        await case_by_case(requests, screen)

    @at_least_once(
        router,
        CASES,
        group_id=CASES_CONSUMER,
        title="on_case_decided",
        description="A decided or withdrawn case is no longer re-screened on list updates; an "
        "approved one is, for its licence, until LicenceStatusChanged says revoked or expired.",
    )
    async def on_case_decided(
        body: Documented[Envelope[CaseDecided]], message: KafkaMessage
    ) -> None:
        closing: (
            Envelope[CaseDecided] | Envelope[CaseWithdrawn] | Envelope[LicenceStatusChanged] | None
        )
        kind = type_of(message.body)
        if kind == CaseDecided.type_name():
            closing = await readable(message, CaseDecided)
        elif kind == CaseWithdrawn.type_name():
            closing = await readable(message, CaseWithdrawn)
        elif kind == LicenceStatusChanged.type_name():
            closing = await readable(message, LicenceStatusChanged)
        else:
            return  # the other case events say nothing screening keeps
        if closing is not None:
            await close_case(closing, store)

    @at_least_once(
        router,
        SHARING_NOTICES,
        group_id=NOTICES_CONSUMER,
        title="on_partner_notice",
        description="Keeps partner states' denial and risk notices, and their approvals despite "
        "a denial (ApprovalDespiteDenial); later screenings of an essentially identical "
        "transaction find them, with why a state approved despite the denial. A new notice "
        "re-screens the open and licensed cases it matches (reason `partner_notice: …`).",
    )
    async def on_partner_notice(
        body: Documented[Envelope[PartnerNotice] | Envelope[ApprovalDespiteDenial]],
        message: KafkaMessage,
    ) -> None:
        kind = type_of(message.body)
        notice: Envelope[PartnerNotice] | Envelope[ApprovalDespiteDenial] | None
        if kind == PartnerNotice.type_name():
            issued = await readable(message, PartnerNotice)
            if issued is not None:
                cases = await keep_notice_and_rescreen(issued, store, policy, standing)
                log.info("partner notice kept", notice=issued.data.notice_id, rescreened=cases)
            return
        if kind == ApprovalDespiteDenial.type_name():
            notice = await readable(message, ApprovalDespiteDenial)
        else:
            return  # nothing else travels here that screening keeps
        if notice is not None:
            await record_partner_notice(notice, store)
            log.info("partner notice kept", notice=notice.data.notice_id, kind=kind)

    return router


def create_app(settings: Settings, lists: CurrentLists) -> FastStream:
    """The screening process: broker, router and the runtime that owns pool, relay and lists."""
    process = ScreeningRuntime.from_settings(settings, lists)
    runtime = process.runtime
    broker = make_broker(runtime.kafka_bootstrap, "caseflow-screening", runtime.kafka_security)
    broker.include_router(build_router(process))
    return FastStream(broker, on_startup=[process.start], after_shutdown=[process.stop])
