"""The bridge from Kafka to Temporal: start a workflow per case, signal results into it."""

from __future__ import annotations

import structlog
from faststream import FastStream
from faststream.kafka import KafkaBroker, KafkaRouter
from faststream.kafka.annotations import KafkaMessage
from temporalio.client import Client
from temporalio.common import SearchAttributePair, TypedSearchAttributes, WorkflowIDReusePolicy
from temporalio.exceptions import WorkflowAlreadyStartedError
from temporalio.service import RPCError, RPCStatusCode

from caseflow.messaging import (
    Documented,
    UnreadableMessage,
    at_least_once,
    location_of,
    read_envelope,
)
from caseflow.settings import Settings
from schemas.cases import CaseAmended, CaseReceived, CaseWithdrawn
from schemas.envelope import Envelope, EnvelopeHeader
from schemas.screening import ScreeningCompleted
from schemas.topics import CASES, SCREENING_RESULTS
from workflows import TASK_QUEUE
from workflows import search_attributes as sa
from workflows.client import connect, workflow_id
from workflows.license_case import LicenseCase
from workflows.model import CasePolicy, LicenseCaseInput

log = structlog.get_logger(__name__)
# One consumer group per topic: members of one group with different subscriptions would
# keep forcing each other to rebalance.
CASES_GROUP = "caseflow-bridge-cases"
SCREENING_GROUP = "caseflow-bridge-screening"

CaseSignal = CaseAmended | CaseWithdrawn | ScreeningCompleted
# Case events the workflow is told of, by envelope type: the contract and the signal.
CASE_SIGNALS: dict[str, tuple[type[CaseAmended] | type[CaseWithdrawn], str]] = {
    CaseAmended.type_name(): (CaseAmended, LicenseCase.case_amended.__name__),
    CaseWithdrawn.type_name(): (CaseWithdrawn, LicenseCase.case_withdrawn.__name__),
}
SCREENING_SIGNAL = LicenseCase.screening_completed.__name__


async def start_case(
    client: Client,
    envelope: Envelope[CaseReceived],
    policy: CasePolicy,
    task_queue: str = TASK_QUEUE,
) -> bool:
    """Start the case's workflow; False when it exists already (a redelivery)."""
    case = envelope.data
    application = case.application
    try:
        await client.start_workflow(
            LicenseCase.run,
            LicenseCaseInput(received=case, correlation_id=envelope.correlation_id, policy=policy),
            id=workflow_id(case.case_id),
            task_queue=task_queue,
            id_reuse_policy=WorkflowIDReusePolicy.REJECT_DUPLICATE,
            search_attributes=TypedSearchAttributes(
                [
                    SearchAttributePair(sa.CASE_STATUS, "received"),
                    SearchAttributePair(sa.CONTROL_NUMBER, case.control_number),
                    SearchAttributePair(sa.SUBMITTING_AGENCY, application.submitting_agency),
                    SearchAttributePair(sa.DESTINATION_COUNTRY, application.destination_country),
                    SearchAttributePair(sa.CONTROL_CODES, application.control_codes),
                    SearchAttributePair(sa.DEADLINE_AT, case.registered_at + policy.decision_time),
                    SearchAttributePair(sa.OVERDUE, False),
                ]
            ),
            memo={
                "control_number": case.control_number,
                "agency_reference": application.agency_reference,
                "registered_at": case.registered_at.isoformat(),
            },
            static_summary=f"{case.control_number} · {application.submitting_agency} "
            f"{application.agency_reference} → {application.destination_country} · "
            + ", ".join(application.control_codes),
        )
    except WorkflowAlreadyStartedError:
        return False
    return True


async def signal_case(client: Client, signal: str, data: CaseSignal) -> bool:
    """Signal `data` into its case's workflow; False when the case has no workflow."""
    handle = client.get_workflow_handle(workflow_id(data.case_id))
    try:
        await handle.signal(signal, data)
    except RPCError as error:
        if error.status is RPCStatusCode.NOT_FOUND:
            return False
        raise
    return True


class TemporalLink:
    """The bridge's Temporal client, connected when the process starts."""

    def __init__(self, address: str, namespace: str) -> None:
        self._address = address
        self._namespace = namespace
        self._client: Client | None = None

    async def connect(self) -> None:
        """Connect to Temporal before the first message is consumed."""
        self._client = await connect(self._address, self._namespace)

    @property
    def client(self) -> Client:
        """The connected client."""
        assert self._client is not None, "TemporalLink.connect() has not run"
        return self._client


def build_router(temporal: TemporalLink, policy: CasePolicy) -> KafkaRouter:
    """Subscribers of the bridge."""
    router = KafkaRouter()

    @at_least_once(
        router,
        CASES,
        group_id=CASES_GROUP,
        title="on_case_event",
        description="Starts the LicenseCase workflow of a newly registered case (once); "
        "signals amendments and withdrawals into it. Other case events are skipped.",
    )
    async def on_case_event(
        body: Documented[Envelope[CaseReceived]], message: KafkaMessage
    ) -> None:
        try:
            header = EnvelopeHeader.model_validate_json(message.body)
            if header.type == CaseReceived.type_name():
                received = read_envelope(message.body, CaseReceived)
                started = await start_case(temporal.client, received, policy)
                log.info("case workflow", case_id=received.data.case_id, started=started)
            elif header.type in CASE_SIGNALS:
                contract, signal = CASE_SIGNALS[header.type]
                event = read_envelope(message.body, contract).data
                delivered = await signal_case(temporal.client, signal, event)
                log.info(signal, case_id=event.case_id, delivered=delivered)
        except (UnreadableMessage, ValueError) as error:
            log.error(
                "unreadable case event skipped", location=location_of(message), error=str(error)
            )

    @at_least_once(
        router,
        SCREENING_RESULTS,
        group_id=SCREENING_GROUP,
        title="on_screening_completed",
        description="Signals a screening result into its case's workflow.",
    )
    async def on_screening_completed(
        body: Documented[Envelope[ScreeningCompleted]], message: KafkaMessage
    ) -> None:
        try:
            envelope = read_envelope(message.body, ScreeningCompleted)
        except UnreadableMessage as error:
            log.error(
                "unreadable screening result skipped",
                location=location_of(message),
                error=str(error),
            )
            return
        delivered = await signal_case(temporal.client, SCREENING_SIGNAL, envelope.data)
        log.info("screening result", case_id=envelope.data.case_id, delivered=delivered)

    return router


def create_app(settings: Settings, policy: CasePolicy | None = None) -> FastStream:
    """The bridge process: Kafka consumers that drive Temporal."""
    endpoints = settings.endpoints()
    temporal = TemporalLink(endpoints.temporal, settings.temporal_namespace)
    broker = KafkaBroker(endpoints.kafka, client_id="caseflow-bridge")
    broker.include_router(build_router(temporal, policy or CasePolicy()))
    return FastStream(broker, on_startup=[temporal.connect])
