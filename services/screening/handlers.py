"""Screening's use case: a request in, a stored and published result out (once per request)."""

from __future__ import annotations

import uuid
from contextlib import AbstractAsyncContextManager
from enum import StrEnum
from typing import Protocol

from schemas.envelope import Envelope, Publishable, derived_id, utcnow
from schemas.screening import ScreeningCompleted, ScreeningRequested
from schemas.topics import SCREENING_RESULTS, Topic
from services.screening.domain import PartyScreener, ScreeningPolicy, assess

SOURCE = "caseflow/screening"


class Outcome(StrEnum):
    """What happened to one screening request."""

    SCREENED = "screened"
    ANSWERED_AGAIN = "answered_again"
    ALREADY_PROCESSED = "already_processed"


class ScreeningUnitOfWork(Protocol):
    """One transaction over screening's results and outbox."""

    async def first_delivery(self, message_id: uuid.UUID) -> bool: ...
    async def find_result(self, request_id: str) -> ScreeningCompleted | None: ...
    async def add_result(self, result: ScreeningCompleted) -> None: ...
    async def publish(self, topic: Topic, envelope: Publishable) -> None: ...


class ScreeningStore(Protocol):
    """Where screening's units of work come from."""

    def unit_of_work(self) -> AbstractAsyncContextManager[ScreeningUnitOfWork]: ...


async def screen_case(
    request: Envelope[ScreeningRequested],
    store: ScreeningStore,
    policy: ScreeningPolicy,
    screener: PartyScreener,
) -> Outcome:
    """Screen the case once per request id; a re-sent request gets the same result again."""
    async with store.unit_of_work() as uow:
        if not await uow.first_delivery(request.id):
            return Outcome.ALREADY_PROCESSED
        result = await uow.find_result(request.data.request_id)
        outcome = Outcome.ANSWERED_AGAIN
        if result is None:
            result = _screen(request.data, policy, screener)
            await uow.add_result(result)
            outcome = Outcome.SCREENED
        # The answer's id derives from this delivery, so a re-sent request is answered anew.
        await uow.publish(
            SCREENING_RESULTS,
            Envelope.wrap(
                result,
                source=SOURCE,
                subject=request.subject,
                correlation_id=request.correlation_id,
                event_id=derived_id("screening-result", str(request.id)),
            ),
        )
        return outcome


def _screen(
    request: ScreeningRequested, policy: ScreeningPolicy, screener: PartyScreener
) -> ScreeningCompleted:
    assessment = assess(request.application, policy, screener)
    return ScreeningCompleted(
        request_id=request.request_id,
        case_id=request.case_id,
        risk_level=assessment.risk_level,
        findings=assessment.findings,
        recommended_route=assessment.recommended_route,
        policy_version=policy.version,
        list_version=screener.list_version,
        screened_at=utcnow(),
    )
