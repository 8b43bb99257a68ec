"""The point of contact's router: this state's notices in from caseflow.sharing.notices,
partners' verified notices out to it (through the outbox)."""

from __future__ import annotations

from faststream.kafka import KafkaRouter
from faststream.kafka.annotations import KafkaMessage

from caseflow.bad_messages.retries import RetryBudget
from caseflow.messaging import HandlerTable, Raw, at_least_once, set_aside_on_parked
from schemas.envelope import Envelope
from schemas.screening import PartnerNotice
from schemas.sharing import ApprovalDespiteDenial
from schemas.topics import SHARING_NOTICES


def build_router(notices: HandlerTable[int], budget: RetryBudget, group: str) -> KafkaRouter:
    """The point of contact's subscriber (in consumer group `group`) and (documented) publisher."""
    router = KafkaRouter()
    set_aside = set_aside_on_parked(router, group)
    router.publisher(
        SHARING_NOTICES.name,
        title="to_partner_notice",
        schema=Envelope[PartnerNotice] | Envelope[ApprovalDespiteDenial],
        description="A partner state's notice, published once its signature, key, time, nonce "
        "and addressee were verified (screening keeps it).",
    )

    @at_least_once(
        router,
        SHARING_NOTICES,
        group_id=group,
        title="on_own_notice",
        description="This state's denial and risk notices and approvals despite a denial are "
        "queued for every partner's point of contact; partners' notices are not sent back.",
        budget=budget,
    )
    async def on_own_notice(
        body: Raw[Envelope[PartnerNotice] | Envelope[ApprovalDespiteDenial]],
        message: KafkaMessage,
    ) -> None:
        await notices.dispatch(message, set_aside, others="skip")

    return router
