"""The bridge from Kafka to Temporal: start a workflow per case, signal results into it."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import structlog
from faststream import FastStream
from faststream.kafka import KafkaRouter
from faststream.kafka.annotations import KafkaMessage
from temporalio.client import Client
from temporalio.common import SearchAttributePair, TypedSearchAttributes
from temporalio.service import RPCError, RPCStatusCode

from caseflow.bad_messages.retries import RetryBudget
from caseflow.kafka import kafka_security, make_broker
from caseflow.messaging import (
    Delivery,
    Raw,
    SetAside,
    at_least_once,
    case_by_case,
    deliveries,
    set_aside_on_parked,
    set_aside_unreadable,
    type_of,
)
from caseflow.settings import Settings
from schemas.appeals import AppealFiled
from schemas.cases import CaseAmended, CaseReceived, CaseWithdrawn
from schemas.consultation import ConsultationConcluded, ConsultationOpened, ReferralExtended
from schemas.envelope import Contract, Envelope
from schemas.licences import ShipmentRefused
from schemas.screening import ScreeningCompleted
from schemas.topics import CASES, CONSULTATION_RESPONSES, SCREENING_RESULTS
from workflows import TASK_QUEUE
from workflows import search_attributes as sa
from workflows.appeal import Appeal, appeal_workflow_id
from workflows.appeal_rules import AppealInput, AppealPolicy
from workflows.bridge_steps import act_on, read_for_temporal, start_once
from workflows.client import connect, workflow_id
from workflows.licence_bridge import (
    Publish,
    check_shipment_if_reported,
    start_licence_if_approved,
    tell_licence_of_list_update,
)
from workflows.licence_policy import LicencePolicy, load_licence_policy
from workflows.license_case import LicenseCase
from workflows.model import CasePolicy, LicenseCaseInput
from workflows.policy import load_appeal_policy, load_case_policy

log = structlog.get_logger(__name__)
# One consumer group per topic: members of one group with different subscriptions would
# keep forcing each other to rebalance.
CASES_GROUP = "caseflow-bridge-cases"
SCREENING_GROUP = "caseflow-bridge-screening"

CONSULTATION_GROUP = "caseflow-bridge-consultation"
# Messages read at once: different cases' messages go to Temporal side by side.
BATCH_SIZE = 100

# Events the workflow is told of, by envelope type: the contract and the signal.
Signals = dict[str, tuple[type[Contract], str]]
CASE_SIGNALS: Signals = {
    CaseAmended.type_name(): (CaseAmended, LicenseCase.case_amended.__name__),
    CaseWithdrawn.type_name(): (CaseWithdrawn, LicenseCase.case_withdrawn.__name__),
}
CONSULTATION_SIGNALS: Signals = {
    ConsultationConcluded.type_name(): (
        ConsultationConcluded,
        LicenseCase.consultation_concluded.__name__,
    ),
    ConsultationOpened.type_name(): (ConsultationOpened, LicenseCase.consultation_opened.__name__),
    ReferralExtended.type_name(): (ReferralExtended, LicenseCase.referral_extended.__name__),
}
SCREENING_SIGNALS: Signals = {
    ScreeningCompleted.type_name(): (ScreeningCompleted, LicenseCase.screening_completed.__name__)
}


async def _start_or_tell_licence(
    client: Client,
    delivery: Delivery,
    policy: LicencePolicy,
    publish: Publish,
    set_aside: SetAside,
) -> bool:
    """Issue a licence on an approving decision, or take a shipment to its licence."""
    return await start_licence_if_approved(
        client, delivery, policy, set_aside
    ) or await check_shipment_if_reported(client, delivery, publish, set_aside)


async def start_case(
    client: Client,
    envelope: Envelope[CaseReceived],
    policy: CasePolicy,
    task_queue: str = TASK_QUEUE,
) -> bool:
    """Start the case's workflow; False when it exists already (a redelivery)."""
    case = envelope.data
    application = case.application
    return await start_once(
        client,
        LicenseCase.run,
        LicenseCaseInput(received=case, correlation_id=envelope.correlation_id, policy=policy),
        workflow_id=workflow_id(case.case_id),
        task_queue=task_queue,
        search_attributes=_awaiting(
            "received",
            case.control_number,
            application.submitting_agency,
            case.registered_at + policy.decision_time,
            SearchAttributePair(sa.DESTINATION_COUNTRY, application.destination_country),
            SearchAttributePair(sa.CONTROL_CODES, application.control_codes),
        ),
        memo={
            "control_number": case.control_number,
            "agency_reference": application.agency_reference,
            "registered_at": case.registered_at.isoformat(),
        },
        summary=f"{case.control_number} · {application.submitting_agency} "
        f"{application.agency_reference} → {application.destination_country} · "
        + ", ".join(application.control_codes),
    )


async def start_appeal(
    client: Client,
    envelope: Envelope[AppealFiled],
    policy: AppealPolicy,
    task_queue: str = TASK_QUEUE,
) -> bool:
    """Start the appeal's workflow; False when it exists already (a redelivery)."""
    filed = envelope.data
    return await start_once(
        client,
        Appeal.run,
        AppealInput(filed=filed, correlation_id=envelope.correlation_id, policy=policy),
        workflow_id=appeal_workflow_id(filed.case_id),
        task_queue=task_queue,
        search_attributes=_awaiting(
            "appeal_awaiting_ruling",
            filed.control_number,
            filed.submitting_agency,
            filed.filed_at + policy.rule_within,
            SearchAttributePair(sa.DEADLINE_FOR, "appeal ruling"),
        ),
        memo={
            "appeal_id": filed.appeal_id,
            "control_number": filed.control_number,
            "agency_reference": filed.agency_reference,
            "appealed_outcome": filed.appealed_outcome.value,
            "filed_at": filed.filed_at.isoformat(),
        },
        summary=f"appeal of {filed.control_number} · {filed.submitting_agency} "
        f"{filed.agency_reference} · {filed.appealed_outcome.value.replace('_', ' ')}",
    )


def _awaiting(
    status: str,
    control_number: str,
    agency: str,
    deadline: datetime,
    *more: SearchAttributePair[Any],
) -> TypedSearchAttributes:
    """What operators find a new case or appeal by: its status, control number, agency and first
    deadline (not yet overdue), and `more`."""
    return TypedSearchAttributes(
        [
            SearchAttributePair(sa.CASE_STATUS, status),
            SearchAttributePair(sa.CONTROL_NUMBER, control_number),
            SearchAttributePair(sa.SUBMITTING_AGENCY, agency),
            SearchAttributePair(sa.DEADLINE_AT, deadline),
            SearchAttributePair(sa.OVERDUE, False),
            *more,
        ]
    )


async def start_if_appealed(
    client: Client, delivery: Delivery, policy: AppealPolicy, set_aside: SetAside
) -> bool:
    """Start the appeal's workflow if the message is an `AppealFiled`; False if it is not."""

    async def start(filed: Envelope[AppealFiled]) -> None:
        started = await start_appeal(client, filed, policy)
        log.info("appeal workflow", case_id=filed.data.case_id, started=started)

    return await act_on(client, delivery, AppealFiled, set_aside, start)


async def signal_case(client: Client, case_id: str, signal: str, data: Contract) -> bool:
    """Signal `data` into the case's workflow; False when the case has no (running) workflow."""
    handle = client.get_workflow_handle(workflow_id(case_id))
    try:
        await handle.signal(signal, data)
    except RPCError as error:
        if error.status is RPCStatusCode.NOT_FOUND:
            return False
        raise
    return True


async def deliver_result(client: Client, result: Envelope[ScreeningCompleted]) -> None:
    """Signal a result into its case's workflow; one that workflow no longer takes (the case
    is decided) goes to the case's licence if it is a re-screening and a licence is in force.

    A case whose workflow runs is undecided and has no licence, so an open case's re-screening
    costs one signal, its licence not looked for (a list update re-screens many open cases).
    """
    signal = LicenseCase.screening_completed.__name__
    if await signal_case(client, result.subject, signal, result.data):
        log.info(signal, case_id=result.subject, delivered=True)
    elif await tell_licence_of_list_update(client, result.data):
        log.info("licence told of a list update", case_id=result.subject)
    else:
        log.info(signal, case_id=result.subject, delivered=False)


async def signal_by_type(
    client: Client, delivery: Delivery, signals: Signals, set_aside: SetAside
) -> None:
    """Signal the message into its case (the envelope's subject) if its type is in `signals`;
    set aside (on the parked topic) one that cannot be read or sent to Temporal."""
    kind = type_of(delivery.body)
    if kind is None:
        await set_aside_unreadable(delivery, "not an envelope", set_aside)
        return
    if kind not in signals:
        return
    contract, signal = signals[kind]
    envelope = await read_for_temporal(client, delivery, contract, set_aside)
    if envelope is not None:
        delivered = await signal_case(client, envelope.subject, signal, envelope.data)
        log.info(signal, case_id=envelope.subject, delivered=delivered)


async def start_if_received(
    client: Client, delivery: Delivery, policy: CasePolicy, set_aside: SetAside
) -> bool:
    """Start the case's workflow if the message is a `CaseReceived`; False if it is not."""

    async def start(received: Envelope[CaseReceived]) -> None:
        started = await start_case(client, received, policy)
        log.info("case workflow", case_id=received.data.case_id, started=started)

    return await act_on(client, delivery, CaseReceived, set_aside, start)


class TemporalLink:
    """The bridge's Temporal client, connected when the process starts."""

    def __init__(self, settings: Settings) -> None:
        self._settings = settings
        self._client: Client | None = None

    async def connect(self) -> None:
        """Connect to Temporal before the first message is consumed."""
        self._client = await connect(self._settings)

    @property
    def client(self) -> Client:
        """The connected client."""
        assert self._client is not None, "TemporalLink.connect() has not run"
        return self._client


def build_router(
    temporal: TemporalLink,
    policy: CasePolicy,
    budget: RetryBudget,
    licences: LicencePolicy | None = None,
    publish: Publish | None = None,
    appeals: AppealPolicy | None = None,
) -> KafkaRouter:
    """Subscribers of the bridge."""
    router = KafkaRouter()
    set_aside = {
        group: set_aside_on_parked(router, group)
        for group in (CASES_GROUP, CONSULTATION_GROUP, SCREENING_GROUP)
    }
    licence_policy = licences or load_licence_policy()
    appeal_policy = appeals or load_appeal_policy()

    # Documented: the refusal of a shipment whose licence's workflow is no longer running.
    router.publisher(CASES.name, title="to_shipment_refused", schema=Envelope[ShipmentRefused])

    async def publish_refusal(topic: str, envelope: Envelope[ShipmentRefused]) -> None:
        assert publish is not None, "the bridge publishes refusals through its broker"
        await publish(topic, envelope)

    @at_least_once(
        router,
        CASES,
        group_id=CASES_GROUP,
        title="on_case_event",
        description="Starts the LicenseCase workflow of a newly registered case (once) and the "
        "Appeal workflow of a filed appeal (once); signals amendments and withdrawals into the "
        "case; starts a Licence workflow on an approving CaseDecided (once per case) and takes "
        "ShipmentReported to it (a shipment no licence workflow can check is refused here with "
        "ShipmentRefused). Other case events are skipped.",
        batch_size=BATCH_SIZE,
        budget=budget,
    )
    async def on_case_event(body: list[Raw[Envelope[CaseReceived]]], message: KafkaMessage) -> None:
        async def start_or_signal(delivery: Delivery) -> None:
            cases = set_aside[CASES_GROUP]
            if await start_if_received(temporal.client, delivery, policy, cases):
                return
            if await start_if_appealed(temporal.client, delivery, appeal_policy, cases):
                return
            if not await _start_or_tell_licence(
                temporal.client, delivery, licence_policy, publish_refusal, cases
            ):
                await signal_by_type(temporal.client, delivery, CASE_SIGNALS, cases)

        await case_by_case(deliveries(message), start_or_signal)

    @at_least_once(
        router,
        CONSULTATION_RESPONSES,
        group_id=CONSULTATION_GROUP,
        title="on_consultation_event",
        description="Signals an opened or concluded consultation and extended referrals into "
        "the case's workflow. Other consultation events are skipped.",
        batch_size=BATCH_SIZE,
        budget=budget,
    )
    async def on_consultation_event(
        body: list[Raw[Envelope[ConsultationConcluded]]], message: KafkaMessage
    ) -> None:
        await case_by_case(
            deliveries(message),
            lambda delivery: signal_by_type(
                temporal.client, delivery, CONSULTATION_SIGNALS, set_aside[CONSULTATION_GROUP]
            ),
        )

    @at_least_once(
        router,
        SCREENING_RESULTS,
        group_id=SCREENING_GROUP,
        title="on_screening_completed",
        description="Signals a screening result into its case's workflow; a re-screening "
        "after a list update or a partner's notice that the case's workflow no longer takes "
        "(decided) goes to the case's licence, if it has one in force.",
        batch_size=BATCH_SIZE,
        budget=budget,
    )
    async def on_screening_completed(
        body: list[Raw[Envelope[ScreeningCompleted]]], message: KafkaMessage
    ) -> None:
        async def signal_case_or_licence(delivery: Delivery) -> None:
            aside = set_aside[SCREENING_GROUP]
            if not await act_on(
                temporal.client,
                delivery,
                ScreeningCompleted,
                aside,
                lambda result: deliver_result(temporal.client, result),
            ):
                await signal_by_type(temporal.client, delivery, SCREENING_SIGNALS, aside)

        await case_by_case(deliveries(message), signal_case_or_licence)

    return router


def create_app(settings: Settings, policy: CasePolicy | None = None) -> FastStream:
    """The bridge process: Kafka consumers that drive Temporal."""
    endpoints = settings.endpoints()
    temporal = TemporalLink(settings)
    broker = make_broker(
        endpoints.kafka,
        "caseflow-bridge",
        kafka_security(settings),
        compression=settings.kafka_compression,
        stall_after=settings.consumer_stall_seconds,
    )

    async def publish(topic: str, envelope: Envelope[ShipmentRefused]) -> None:
        await broker.publish(envelope.to_bytes(), topic=topic, key=envelope.subject.encode())

    broker.include_router(
        build_router(
            temporal,
            policy or load_case_policy(settings.case_policy_file),
            RetryBudget.from_settings(settings),
            load_licence_policy(),
            publish,
        )
    )
    return FastStream(broker, on_startup=[temporal.connect])
