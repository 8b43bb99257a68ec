"""The audit process: every event and reviewer action on caseflow's topics, onto the trail."""

from __future__ import annotations

from faststream import FastStream
from faststream.kafka import KafkaRouter
from faststream.kafka.annotations import KafkaMessage

from caseflow.messaging import (
    Documented,
    at_least_once,
    set_aside_on_parked,
    set_aside_unreadable,
)
from caseflow.service import ServiceRuntime
from caseflow.settings import Settings
from caseflow.uow import PostgresStore, PostgresUnitOfWork
from schemas.envelope import Contract, Envelope
from schemas.topics import (
    CASES,
    CONSULTATION_RESPONSES,
    REJECTIONS,
    REVIEW_ACTIONS,
    SCREENING_RESULTS,
    SHARING_NOTICES,
    Topic,
)
from services.audit.config import CONSUMER, MIGRATIONS, SCHEMA
from services.audit.handlers import NotAnEvent, record

# Every topic of events (commands and raw submissions are recorded through their outcomes).
AUDITED: tuple[Topic, ...] = (
    CASES,
    REVIEW_ACTIONS,
    REJECTIONS,
    SCREENING_RESULTS,
    CONSULTATION_RESPONSES,
    SHARING_NOTICES,
)


class AuditUnitOfWork(PostgresUnitOfWork):
    """The trail's transaction."""

    consumer = CONSUMER


def build_router(runtime: ServiceRuntime) -> KafkaRouter:
    """One subscriber (and consumer group) per audited topic."""
    router = KafkaRouter()
    store = PostgresStore(runtime, AuditUnitOfWork)
    for topic in AUDITED:
        _audit(router, topic, store)
    return router


def _audit(router: KafkaRouter, topic: Topic, store: PostgresStore[AuditUnitOfWork]) -> None:
    group = f"{CONSUMER}-{topic.name}"
    set_aside = set_aside_on_parked(router, group)

    @at_least_once(
        router,
        topic,
        group_id=group,
        title=f"on_{topic.name.rsplit('.', 1)[-1]}_audited",
        description=f"Chains every message of {topic.name} onto the audit trail, once.",
    )
    async def on_event(body: Documented[Envelope[Contract]], message: KafkaMessage) -> None:
        try:
            async with store.unit_of_work() as uow:
                await record(uow.connection, message.body, topic.name)
        except NotAnEvent as error:
            await set_aside_unreadable(message, str(error), set_aside)


def create_app(settings: Settings) -> FastStream:
    """The audit process: broker, router, and the runtime owning the pool."""
    runtime = ServiceRuntime.from_settings(settings, SCHEMA, MIGRATIONS)
    return runtime.app(build_router(runtime))
