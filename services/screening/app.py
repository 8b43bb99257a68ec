"""Screening's FastStream router: requests, list updates, case events and notices in; results
out."""

from __future__ import annotations

from faststream.kafka import KafkaRouter
from faststream.kafka.annotations import KafkaMessage

from caseflow.bad_messages.retries import RetryBudget
from caseflow.messaging import (
    Delivery,
    HandlerTable,
    Raw,
    at_least_once,
    case_by_case,
    deliveries,
    set_aside_on_parked,
    type_of,
)
from schemas.cases import CaseDecided
from schemas.envelope import Envelope
from schemas.screening import (
    HitCleared,
    ListUpdated,
    PartnerNotice,
    ScreeningCompleted,
    ScreeningRequested,
)
from schemas.sharing import ApprovalDespiteDenial
from schemas.topics import CASES, SCREENING_REQUESTS, SCREENING_RESULTS, SHARING_NOTICES
from services.screening.config import CASES_CONSUMER, CONSUMER, NOTICES_CONSUMER

# Requests read at once: different cases are screened side by side (each in its transaction).
REQUEST_BATCH = 50


def build_router(
    requests: HandlerTable[None],
    closing: HandlerTable[bool],
    notices: HandlerTable[bool],
    budget: RetryBudget,
) -> KafkaRouter:
    """Subscribers and (documented) publishers of screening."""
    router = KafkaRouter()
    set_aside = {
        group: set_aside_on_parked(router, group)
        for group in (CONSUMER, CASES_CONSUMER, NOTICES_CONSUMER)
    }
    # Documented only: the outbox relay publishes them, after the screening transaction.
    router.publisher(
        SCREENING_RESULTS.name, title="to_screening_completed", schema=Envelope[ScreeningCompleted]
    )
    router.publisher(
        SCREENING_RESULTS.name,
        title="to_hit_cleared",
        schema=Envelope[HitCleared],
        description="A reviewer cleared a false-positive hit through the screening API (with "
        "the reviewer and role its token names).",
    )

    async def request(delivery: Delivery) -> None:
        await requests.dispatch(delivery, set_aside[CONSUMER])

    @at_least_once(
        router,
        SCREENING_REQUESTS,
        group_id=CONSUMER,
        title="on_screening_requested",
        description="Screens the parties and items of a case (a re-sent request is answered "
        "again with the stored result); on ListUpdated, re-screens the open cases whose result "
        "the update changes (found by match keys, not by screening every case).",
        batch_size=REQUEST_BATCH,
        budget=budget,
    )
    async def on_screening_requested(
        body: list[Raw[Envelope[ScreeningRequested] | Envelope[ListUpdated]]],
        message: KafkaMessage,
    ) -> None:
        # A list update is taken in where it stands: requests before it are screened first,
        # those after it against the updated lists.
        pending: list[Delivery] = []
        for delivery in deliveries(message):
            if type_of(delivery.body) == ListUpdated.type_name():
                await case_by_case(pending, request)
                pending = []
                await request(delivery)
            else:
                pending.append(delivery)
        await case_by_case(pending, request)

    @at_least_once(
        router,
        CASES,
        group_id=CASES_CONSUMER,
        title="on_case_decided",
        description="A decided or withdrawn case is no longer re-screened on list updates; an "
        "approved one is, for its licence, until LicenceStatusChanged says revoked or expired.",
        budget=budget,
    )
    async def on_case_decided(body: Raw[Envelope[CaseDecided]], message: KafkaMessage) -> None:
        await closing.dispatch(message, set_aside[CASES_CONSUMER], others="skip")

    @at_least_once(
        router,
        SHARING_NOTICES,
        group_id=NOTICES_CONSUMER,
        title="on_partner_notice",
        description="Keeps partner states' denial and risk notices, and their approvals despite "
        "a denial (ApprovalDespiteDenial); later screenings of an essentially identical "
        "transaction find them, with why a state approved despite the denial. A new notice "
        "re-screens the open and licensed cases it matches (reason `partner_notice: …`).",
        budget=budget,
    )
    async def on_partner_notice(
        body: Raw[Envelope[PartnerNotice] | Envelope[ApprovalDespiteDenial]],
        message: KafkaMessage,
    ) -> None:
        await notices.dispatch(message, set_aside[NOTICES_CONSUMER], others="skip")

    return router
