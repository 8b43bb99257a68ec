"""Intake's FastStream app: consume submissions, register them; the outbox publishes the rest."""

from __future__ import annotations

from faststream import FastStream
from faststream.kafka import KafkaBroker, KafkaRouter
from faststream.kafka.annotations import KafkaMessage

from caseflow.messaging import Documented, at_least_once
from caseflow.service import ServiceRuntime
from caseflow.settings import Settings
from caseflow.uow import PostgresStore
from schemas.application import SubmitApplication
from schemas.cases import CaseReceived
from schemas.envelope import Envelope
from schemas.intake import SubmissionRejected
from schemas.topics import CASES, REJECTIONS, SUBMISSIONS
from services.intake.adapters import PostgresIntakeUnitOfWork
from services.intake.config import CONSUMER, MIGRATIONS, SCHEMA, load_policy
from services.intake.handlers import RawSubmission, register_submission


def build_router(runtime: ServiceRuntime) -> KafkaRouter:
    """Subscribers and (documented) publishers of intake."""
    router = KafkaRouter()
    policy = load_policy()
    store = PostgresStore(runtime, PostgresIntakeUnitOfWork)
    # Documented only: the outbox relay publishes these, after the registering transaction.
    router.publisher(CASES.name, title="to_case_received", schema=Envelope[CaseReceived])
    router.publisher(
        REJECTIONS.name, title="to_submission_rejected", schema=Envelope[SubmissionRejected]
    )

    @at_least_once(
        router,
        SUBMISSIONS,
        group_id=CONSUMER,
        title="on_submission",
        description="Registers a valid application or refuses it listing every deficiency. "
        "Any bytes are accepted: non-JSON, non-UTF-8 or oversized messages are refused too.",
    )
    async def on_submission(
        body: Documented[Envelope[SubmitApplication]], message: KafkaMessage
    ) -> None:
        record = message.raw_message
        assert not isinstance(record, tuple), "intake reads one message at a time"
        raw = RawSubmission(message.body, record.topic, record.partition, record.offset)
        await register_submission(raw, store, policy)

    return router


def create_app(settings: Settings) -> FastStream:
    """The intake process: broker, router and the runtime that owns the pool and relay."""
    endpoints = settings.endpoints()
    runtime = ServiceRuntime(SCHEMA, MIGRATIONS, endpoints.database, endpoints.kafka)
    broker = KafkaBroker(endpoints.kafka, client_id="caseflow-intake")
    broker.include_router(build_router(runtime))
    return FastStream(broker, on_startup=[runtime.start], after_shutdown=[runtime.stop])
