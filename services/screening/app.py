"""Screening's FastStream app: consume requests, answer with results through the outbox."""

from __future__ import annotations

import structlog
from faststream import FastStream
from faststream.kafka import KafkaBroker, KafkaRouter
from faststream.kafka.annotations import KafkaMessage

from caseflow.messaging import (
    Documented,
    UnreadableMessage,
    at_least_once,
    location_of,
    read_envelope,
)
from caseflow.service import ServiceRuntime
from caseflow.settings import Settings
from caseflow.uow import PostgresStore
from schemas.envelope import Envelope
from schemas.screening import ScreeningCompleted, ScreeningRequested
from schemas.topics import SCREENING_REQUESTS, SCREENING_RESULTS
from services.screening.adapters import PostgresScreeningUnitOfWork
from services.screening.config import CONSUMER, MIGRATIONS, SCHEMA
from services.screening.domain import PartyScreener, ScreeningPolicy
from services.screening.handlers import screen_case

log = structlog.get_logger(__name__)


def build_router(runtime: ServiceRuntime, screener: PartyScreener) -> KafkaRouter:
    """Subscribers and (documented) publishers of screening."""
    router = KafkaRouter()
    policy = ScreeningPolicy.load()
    store = PostgresStore(runtime, PostgresScreeningUnitOfWork)
    # Documented only: the outbox relay publishes it, after the screening transaction.
    router.publisher(
        SCREENING_RESULTS.name, title="to_screening_completed", schema=Envelope[ScreeningCompleted]
    )

    @at_least_once(
        router,
        SCREENING_REQUESTS,
        group_id=CONSUMER,
        title="on_screening_requested",
        description="Screens the parties and items of a case; a re-sent request is answered "
        "again with the stored result.",
    )
    async def on_screening_requested(
        body: Documented[Envelope[ScreeningRequested]], message: KafkaMessage
    ) -> None:
        try:
            request = read_envelope(message.body, ScreeningRequested)
        except UnreadableMessage as error:
            async with store.unit_of_work() as uow:
                await uow.set_aside(location_of(message), str(error), message.body)
            log.error("unreadable screening request set aside", location=location_of(message))
            return
        outcome = await screen_case(request, store, policy, screener)
        log.info("screening request handled", case_id=request.data.case_id, outcome=outcome)

    return router


def create_app(settings: Settings, screener: PartyScreener) -> FastStream:
    """The screening process: broker, router and the runtime that owns the pool and relay."""
    endpoints = settings.endpoints()
    runtime = ServiceRuntime(SCHEMA, MIGRATIONS, endpoints.database, endpoints.kafka)
    broker = KafkaBroker(endpoints.kafka, client_id="caseflow-screening")
    broker.include_router(build_router(runtime, screener))
    return FastStream(broker, on_startup=[runtime.start], after_shutdown=[runtime.stop])
