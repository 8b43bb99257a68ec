"""What every consultation use case shares: a command acted on once, its events through the
outbox, and a refusal told by event."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from enum import StrEnum
from typing import TypeVar

import structlog

from schemas.consultation import ReferralResponseRefused
from schemas.envelope import Contract, Envelope, derived_id
from schemas.topics import CONSULTATION_RESPONSES
from services.consultation.config import SOURCE
from services.consultation.domain import ResponseRefused
from services.consultation.ports import (
    ConsultationRecord,
    ConsultationStore,
    ConsultationUnitOfWork,
)

log = structlog.get_logger(__name__)
CommandT = TypeVar("CommandT", bound=Contract)


class Handled(StrEnum):
    """What happened to one command."""

    DONE = "done"
    REFUSED = "refused"
    ALREADY_PROCESSED = "already_processed"


async def handle_once(
    store: ConsultationStore,
    message: Envelope[CommandT],
    act: Callable[[ConsultationUnitOfWork], Awaitable[Handled]],
) -> Handled:
    """Act on a message once, in one transaction; a refused command is told by event."""
    async with store.unit_of_work() as uow:
        if not await uow.first_delivery(message.id):
            return Handled.ALREADY_PROCESSED
        try:
            return await act(uow)
        except ResponseRefused as refusal:
            referral_id = getattr(message.data, "referral_id", "")
            await _refuse(uow, message, referral_id, refusal)
            return Handled.REFUSED


async def _refuse(
    uow: ConsultationUnitOfWork,
    message: Envelope[CommandT],
    referral_id: str,
    refusal: ResponseRefused,
) -> None:
    """Tell the sender why its command changed nothing."""
    found = await uow.lock_referral(referral_id)
    consultation = (
        found[1]
        if found is not None
        else ConsultationRecord("", f"referral:{referral_id}", message.correlation_id)
    )
    refused = ReferralResponseRefused(
        referral_id=referral_id,
        case_id=found[1].case_id if found is not None else None,
        reason=refusal.reason,
        message=refusal.message,
    )
    await emit(uow, consultation, refused, derived_id(str(message.id), "refused"))
    log.info("response refused", referral_id=referral_id, reason=refusal.reason)


async def emit(
    uow: ConsultationUnitOfWork,
    consultation: ConsultationRecord,
    data: Contract,
    event_id: uuid.UUID,
) -> None:
    """Publish an event about the consultation's case, through the outbox."""
    envelope = Envelope.wrap(
        data,
        source=SOURCE,
        subject=consultation.case_id,
        correlation_id=consultation.correlation_id,
        event_id=event_id,
    )
    await uow.publish(CONSULTATION_RESPONSES, envelope)
