"""The point of contact's FastStream app: this state's notices in from caseflow.sharing.notices,
partners' verified notices out to it (through the outbox)."""

from __future__ import annotations

import structlog
from faststream import FastStream
from faststream.kafka import KafkaRouter
from faststream.kafka.annotations import KafkaMessage

from caseflow.bad_messages.retries import RetryBudget
from caseflow.kafka import make_broker
from caseflow.messaging import (
    Raw,
    at_least_once,
    read_or_set_aside,
    set_aside_on_parked,
    type_of,
)
from caseflow.settings import Settings
from schemas.envelope import Envelope, utcnow
from schemas.screening import PartnerNotice
from schemas.sharing import ApprovalDespiteDenial
from schemas.topics import SHARING_NOTICES
from services.sharing.bootstrap import SharingRuntime
from services.sharing.config import NOTICES_CONSUMER
from services.sharing.handlers import send_own_notice

log = structlog.get_logger(__name__)


def build_router(process: SharingRuntime, budget: RetryBudget) -> KafkaRouter:
    """The point of contact's subscriber and (documented) publisher."""
    router = KafkaRouter()
    store = process.store()
    set_aside = set_aside_on_parked(router, NOTICES_CONSUMER)
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
        group_id=NOTICES_CONSUMER,
        title="on_own_notice",
        description="This state's denial and risk notices and approvals despite a denial are "
        "queued for every partner's point of contact; partners' notices are not sent back.",
        budget=budget,
    )
    async def on_own_notice(
        body: Raw[Envelope[PartnerNotice] | Envelope[ApprovalDespiteDenial]],
        message: KafkaMessage,
    ) -> None:
        kind = type_of(message.body)
        notice: Envelope[PartnerNotice] | Envelope[ApprovalDespiteDenial] | None
        if kind == PartnerNotice.type_name():
            notice = await read_or_set_aside(message, PartnerNotice, set_aside)
        elif kind == ApprovalDespiteDenial.type_name():
            notice = await read_or_set_aside(message, ApprovalDespiteDenial, set_aside)
        else:
            return
        if notice is not None:
            queued = await send_own_notice(notice, store, process.identity, utcnow())
            if queued:
                log.info("notice queued for partners", notice=notice.data.notice_id, to=queued)

    return router


def create_app(settings: Settings) -> FastStream:
    """The point-of-contact process."""
    process = SharingRuntime.from_settings(settings)
    runtime = process.runtime
    broker = make_broker(runtime.kafka_bootstrap, "caseflow-sharing", runtime.kafka_security)
    broker.include_router(build_router(process, RetryBudget.from_settings(settings)))
    return FastStream(broker, on_startup=[process.start], after_shutdown=[process.stop])
