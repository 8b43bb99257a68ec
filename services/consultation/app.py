"""Consultation's FastStream router: commands in; referrals, outcomes and notices out."""

from __future__ import annotations

import structlog
from faststream.kafka import KafkaRouter
from faststream.kafka.annotations import KafkaMessage

from caseflow.bad_messages.retries import RetryBudget
from caseflow.messaging import HandlerTable, Raw, at_least_once, set_aside_on_parked
from schemas.consultation_messages import ConsultationCommands, ConsultationFacts
from schemas.envelope import Envelope
from schemas.screening import PartnerNotice
from schemas.sharing import ApprovalDespiteDenial
from schemas.topics import CONSULTATION_REQUESTS, CONSULTATION_RESPONSES, SHARING_NOTICES
from services.consultation.config import CONSUMER
from services.consultation.effects import Handled

log = structlog.get_logger(__name__)


def build_router(commands: HandlerTable[Handled], budget: RetryBudget) -> KafkaRouter:
    """Subscribers and (documented) publishers of consultation."""
    router = KafkaRouter()
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
        budget=budget,
    )
    async def on_consultation_command(
        body: Raw[ConsultationCommands], message: KafkaMessage
    ) -> None:
        handled = await commands.dispatch(message, set_aside)
        if handled is not None:
            log.info(
                "command handled",
                type=handled.type,
                subject=handled.subject,
                outcome=handled.outcome,
            )

    return router
