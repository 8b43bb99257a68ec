"""Screening's FastStream app: requests, list updates, case events and notices in; results out."""

from __future__ import annotations

import time
from typing import TypeVar

import structlog
from faststream import FastStream
from faststream.kafka import KafkaBroker, KafkaRouter
from faststream.kafka.annotations import KafkaMessage

from caseflow.messaging import (
    Delivery,
    Documented,
    UnreadableMessage,
    at_least_once,
    case_by_case,
    deliveries,
    location_of,
    read_envelope,
)
from caseflow.settings import Settings
from schemas.cases import CaseDecided, CaseWithdrawn
from schemas.envelope import Contract, Envelope, EnvelopeHeader
from schemas.screening import (
    ListUpdated,
    PartnerNotice,
    ScreeningCompleted,
    ScreeningRequested,
)
from schemas.topics import CASES, SCREENING_REQUESTS, SCREENING_RESULTS, SHARING_NOTICES
from services.screening.bootstrap import ScreeningRuntime
from services.screening.config import CASES_CONSUMER, CONSUMER, NOTICES_CONSUMER
from services.screening.domain import Knowledge
from services.screening.handlers import close_case, record_partner_notice, screen_case
from services.screening.lists import CurrentLists
from services.screening.metrics import RESCREENED, record_screening
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
    # Documented only: the outbox relay publishes it, after the screening transaction.
    router.publisher(
        SCREENING_RESULTS.name, title="to_screening_completed", schema=Envelope[ScreeningCompleted]
    )

    async def readable(message: KafkaMessage | Delivery, contract: type[C]) -> Envelope[C] | None:
        try:
            return read_envelope(message.body, contract)
        except UnreadableMessage as error:
            where = message.location if isinstance(message, Delivery) else location_of(message)
            async with store.unit_of_work() as uow:
                await uow.set_aside(where, str(error), message.body)
            log.error("unreadable message set aside", location=where)
            return None

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
            if _type_of(delivery.body) == ListUpdated.type_name():
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
        description="A decided or withdrawn case is no longer re-screened on list updates.",
    )
    async def on_case_decided(
        body: Documented[Envelope[CaseDecided]], message: KafkaMessage
    ) -> None:
        closing: Envelope[CaseDecided] | Envelope[CaseWithdrawn] | None
        kind = _type_of(message.body)
        if kind == CaseDecided.type_name():
            closing = await readable(message, CaseDecided)
        elif kind == CaseWithdrawn.type_name():
            closing = await readable(message, CaseWithdrawn)
        else:
            return  # the other case events say nothing screening keeps
        if closing is not None:
            await close_case(closing, store)

    @at_least_once(
        router,
        SHARING_NOTICES,
        group_id=NOTICES_CONSUMER,
        title="on_partner_notice",
        description="Keeps partner states' denial and risk notices; later screenings of an "
        "essentially identical transaction find them.",
    )
    async def on_partner_notice(
        body: Documented[Envelope[PartnerNotice]], message: KafkaMessage
    ) -> None:
        if _type_of(message.body) != PartnerNotice.type_name():
            return  # this state's own outgoing notices travel here too
        notice = await readable(message, PartnerNotice)
        if notice is not None:
            await record_partner_notice(notice, store)
            log.info("partner notice kept", notice=notice.data.notice_id)

    return router


def _type_of(body: bytes) -> str | None:
    """The envelope type, read before the whole message is validated."""
    try:
        return EnvelopeHeader.model_validate_json(body).type
    except ValueError:
        return None


def create_app(settings: Settings, lists: CurrentLists) -> FastStream:
    """The screening process: broker, router and the runtime that owns pool, relay and lists."""
    process = ScreeningRuntime.from_settings(settings, lists)
    broker = KafkaBroker(process.runtime.kafka_bootstrap, client_id="caseflow-screening")
    broker.include_router(build_router(process))
    return FastStream(broker, on_startup=[process.start], after_shutdown=[process.stop])
