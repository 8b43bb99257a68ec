"""Intake's FastStream router: submissions and case progress in; the outbox publishes the rest."""

from __future__ import annotations

import time
from collections.abc import Sequence

from faststream.kafka import KafkaRouter
from faststream.kafka.annotations import KafkaMessage

from caseflow.bad_messages.retries import RetryBudget
from caseflow.messaging import HandlerTable, Raw, at_least_once, set_aside_on_parked
from schemas.agency import AgencyEvents
from schemas.application import SubmitApplication
from schemas.cases import CaseReceived, CaseStatusChanged
from schemas.envelope import Envelope
from schemas.intake import SubmissionRejected
from schemas.topics import CASES, REJECTIONS, SUBMISSIONS, agency_topic
from services.intake.config import CONSUMER
from services.intake.handlers import handle_messages
from services.intake.metrics import record_batch
from services.intake.policy import AGENCY_HEADER, IntakePolicy
from services.intake.ports import IntakeStore, RawSubmission

BATCH_SIZE = 500


def _agency_header(headers: Sequence[tuple[str, bytes]]) -> str | None:
    """The agency the trusted gateway vouches for, if it set one."""
    for name, value in headers:
        if name == AGENCY_HEADER:
            return value.decode("utf-8", errors="replace")
    return None


def build_router(
    registering: IntakeStore,
    policy: IntakePolicy,
    cases: HandlerTable[None],
    budget: RetryBudget,
) -> KafkaRouter:
    """Subscribers and (documented) publishers of intake."""
    router = KafkaRouter()
    set_aside = set_aside_on_parked(router, f"{CONSUMER}-cases")
    # Documented only: the outbox relay publishes these, after the registering transaction.
    router.publisher(CASES.name, title="to_case_received", schema=Envelope[CaseReceived])
    router.publisher(
        REJECTIONS.name, title="to_submission_rejected", schema=Envelope[SubmissionRejected]
    )
    for agency in sorted(policy.known_agencies):
        router.publisher(
            agency_topic(agency).name,
            title=f"to_agency_{agency}",
            description=agency_topic(agency).description,
            schema=AgencyEvents,
        )

    @at_least_once(
        router,
        SUBMISSIONS,
        group_id=CONSUMER,
        title="on_submission",
        description="Registers, amends or withdraws applications, or refuses a message listing "
        "every deficiency. Any bytes are accepted: non-JSON, non-UTF-8 or oversized messages are "
        "refused too. The agency is the one named by the gateway's `caseflow-agency` header.",
        batch_size=BATCH_SIZE,
        budget=budget,
    )
    async def on_submission(
        body: list[Raw[Envelope[SubmitApplication]]], message: KafkaMessage
    ) -> None:
        records = message.raw_message
        assert isinstance(records, tuple), "intake reads messages in batches"
        batch = [
            RawSubmission(
                record.value or b"",
                record.topic,
                record.partition,
                record.offset,
                _agency_header(record.headers),
            )
            for record in records
        ]
        began = time.perf_counter()
        handled = await handle_messages(batch, registering, policy)
        record_batch(len(batch), handled, time.perf_counter() - began)

    @at_least_once(
        router,
        CASES,
        group_id=f"{CONSUMER}-cases",
        title="on_case_progress",
        description="Keeps each case's status for agencies asking where their case stands (a "
        "decided case can no longer be amended or withdrawn), and forwards what the case's "
        "agency may see to its own topic, `caseflow.agency.<CODE>.cases`.",
        budget=budget,
    )
    async def on_case_progress(
        body: Raw[Envelope[CaseStatusChanged]], message: KafkaMessage
    ) -> None:
        await cases.dispatch(message, set_aside, others="skip")

    return router
