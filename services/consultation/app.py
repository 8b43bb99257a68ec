"""Consultation's FastStream app: requests, answers, deadlines and notices in; referrals out."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TypeVar

import structlog
from faststream import FastStream
from faststream.kafka import KafkaRouter
from faststream.kafka.annotations import KafkaMessage

from caseflow.kafka import make_broker
from caseflow.messaging import (
    Documented,
    at_least_once,
    read_or_set_aside,
    set_aside_on_parked,
    set_aside_unreadable,
    type_of,
)
from caseflow.settings import Settings
from schemas.consultation import (
    ConsultationCancelled,
    ConsultationDeadlinePassed,
    ConsultationReminderDue,
    ConsultationRequested,
    ReferralAnswered,
    ReferralExtensionGranted,
    ShareNotice,
)
from schemas.consultation_messages import ConsultationCommands, ConsultationFacts
from schemas.envelope import Contract, Envelope, utcnow
from schemas.screening import PartnerNotice
from schemas.sharing import ApprovalDespiteDenial, ShareApprovalDespiteDenial
from schemas.topics import CONSULTATION_REQUESTS, CONSULTATION_RESPONSES, SHARING_NOTICES
from services.consultation.bootstrap import ConsultationRuntime
from services.consultation.config import CONSUMER
from services.consultation.follow_up import cancel_consultation, remind_stakeholders
from services.consultation.handlers import (
    Handled,
    deadline_passed,
    grant_extension,
    on_referral_answered,
    open_consultation,
)
from services.consultation.policy import RoutingPolicy
from services.consultation.sharing import share_approval, share_notice

log = structlog.get_logger(__name__)
C = TypeVar("C", bound=Contract)


def build_router(process: ConsultationRuntime) -> KafkaRouter:
    """Subscribers and (documented) publishers of consultation."""
    router = KafkaRouter()
    policy = process.policy
    store = process.store()
    set_aside = set_aside_on_parked(router, CONSUMER)
    # Documented only: the outbox relay publishes these, after the transaction that caused them.
    router.publisher(
        CONSULTATION_RESPONSES.name, title="to_consultation_responses", schema=ConsultationFacts
    )
    router.publisher(
        SHARING_NOTICES.name,
        title="to_partner_notice",
        schema=Envelope[PartnerNotice] | Envelope[ApprovalDespiteDenial],
    )

    async def with_contract(
        message: KafkaMessage, contract: type[C], act: Callable[[Envelope[C]], Awaitable[Handled]]
    ) -> None:
        envelope = await read_or_set_aside(message, contract, set_aside)
        if envelope is None:
            return
        handled = await act(envelope)
        log.info("command handled", type=envelope.type, subject=envelope.subject, outcome=handled)

    @at_least_once(
        router,
        CONSULTATION_REQUESTS,
        group_id=CONSUMER,
        title="on_consultation_command",
        description="ConsultationRequested opens one referral per routed stakeholder; "
        "ReferralAnswered records an answer or refuses it (ReferralResponseRefused); "
        "ReferralExtensionGranted moves a deadline once; ConsultationReminderDue reminds each "
        "stakeholder that has not answered (ReferralReminded, once per deadline); "
        "ConsultationDeadlinePassed records silence as deemed no objection; "
        "ConsultationConcluded follows once every referral is closed. ConsultationCancelled "
        "(the case ended) closes the open referrals (ReferralCancelled) and refuses later "
        "answers. ShareNotice publishes a denial or risk notice to partner states; "
        "ShareApprovalDespiteDenial tells them, with the officer's explanation, of an approval "
        "that went against a partner's denial (ApprovalDespiteDenial, once per case).",
    )
    async def on_consultation_command(
        body: Documented[ConsultationCommands], message: KafkaMessage
    ) -> None:
        kind = type_of(message.body)
        if kind == ConsultationRequested.type_name():
            await with_contract(
                message,
                ConsultationRequested,
                lambda e: open_consultation(e, store, policy, utcnow()),
            )
        elif kind == ReferralAnswered.type_name():
            await with_contract(
                message,
                ReferralAnswered,
                lambda e: on_referral_answered(e, store, policy, utcnow()),
            )
        elif kind == ConsultationDeadlinePassed.type_name():
            await with_contract(
                message, ConsultationDeadlinePassed, lambda e: deadline_passed(e, store, utcnow())
            )
        elif kind == ReferralExtensionGranted.type_name():
            await with_contract(
                message, ReferralExtensionGranted, lambda e: grant_extension(e, store, policy)
            )
        elif kind == ConsultationReminderDue.type_name():
            await with_contract(
                message,
                ConsultationReminderDue,
                lambda e: remind_stakeholders(e, store, utcnow()),
            )
        elif kind == ConsultationCancelled.type_name():
            await with_contract(
                message, ConsultationCancelled, lambda e: cancel_consultation(e, store, utcnow())
            )
        elif kind == ShareNotice.type_name():
            await with_contract(message, ShareNotice, lambda e: share_notice(e, store, utcnow()))
        elif kind == ShareApprovalDespiteDenial.type_name():
            await with_contract(
                message, ShareApprovalDespiteDenial, lambda e: share_approval(e, store, utcnow())
            )
        else:
            reason = f"not a consultation command: {kind}"
            await set_aside_unreadable(message, reason, set_aside)

    return router


def create_app(settings: Settings, policy: RoutingPolicy | None = None) -> FastStream:
    """The consultation process: broker, router, runtime (pool, relay, HTTP API)."""
    process = ConsultationRuntime.from_settings(settings, policy or RoutingPolicy.load())
    runtime = process.runtime
    broker = make_broker(runtime.kafka_bootstrap, "caseflow-consultation", runtime.kafka_security)
    broker.include_router(build_router(process))
    return FastStream(broker, on_startup=[process.start], after_shutdown=[process.stop])
