"""Following a consultation up: reminders before the deadline, cancellation when the case ends."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime

import structlog

from schemas.consultation import (
    ConsultationCancelled,
    ConsultationReminderDue,
    ReferralCancelled,
    ReferralFact,
    ReferralReminded,
)
from schemas.envelope import Envelope, derived_id
from services.consultation.domain import Referral
from services.consultation.effects import CommandT, Handled, emit, handle_once
from services.consultation.ports import ConsultationStore, ConsultationUnitOfWork

log = structlog.get_logger(__name__)
# What happens to one referral: its new state and what its stakeholder is told, or None.
Change = Callable[[Referral], tuple[Referral, ReferralFact, str] | None]


async def remind_stakeholders(
    message: Envelope[ConsultationReminderDue], store: ConsultationStore, now: datetime
) -> Handled:
    """Record a reminder on each referral still open and tell each of those stakeholders once."""

    def remind(referral: Referral) -> tuple[Referral, ReferralFact, str] | None:
        changed = referral.remind(now)
        if changed is None:
            return None
        event = ReferralReminded(
            **changed.names(),
            stakeholder_name=changed.stakeholder_name,
            channel=changed.channel,
            due_at=changed.due_at,
            reminded_at=now,
        )
        return changed, event, f"reminded/{changed.due_at.isoformat()}"

    return await _each_open_referral(store, message, message.data.request_id, remind)


async def cancel_consultation(
    message: Envelope[ConsultationCancelled], store: ConsultationStore, now: datetime
) -> Handled:
    """The case ended: close every open referral as cancelled and tell its stakeholder; answers
    given before stay on record."""
    reason = message.data.reason

    def cancel(referral: Referral) -> tuple[Referral, ReferralFact, str] | None:
        changed = referral.cancel(reason, now)
        if changed is None:
            return None
        event = ReferralCancelled(
            **changed.names(), channel=changed.channel, reason=reason, cancelled_at=now
        )
        return changed, event, "cancelled"

    async def first(uow: ConsultationUnitOfWork) -> None:
        await uow.cancel(message.data.request_id, reason, now)

    return await _each_open_referral(store, message, message.data.request_id, cancel, first)


async def _each_open_referral(
    store: ConsultationStore,
    message: Envelope[CommandT],
    request_id: str,
    change: Change,
    first: Callable[[ConsultationUnitOfWork], Awaitable[None]] | None = None,
) -> Handled:
    """Apply `change` to every referral of a consultation that is neither concluded nor
    cancelled, once per message; save what changed and publish what each stakeholder is told."""

    async def act(uow: ConsultationUnitOfWork) -> Handled:
        consultation = await uow.find_consultation(request_id)
        if consultation is None or consultation.concluded or consultation.cancelled_at:
            log.info("consultation not open", request_id=request_id, command=message.type)
            return Handled.REFUSED
        if first is not None:
            await first(uow)
        for referral in await uow.lock_referrals(request_id):
            changed = change(referral)
            if changed is not None:
                saved, event, fact = changed
                await uow.save_referral(saved, "follow-up")
                await emit(uow, consultation, event, derived_id(saved.referral_id, fact))
        log.info("consultation followed up", request_id=request_id, command=message.type)
        return Handled.DONE

    return await handle_once(store, message, act)
