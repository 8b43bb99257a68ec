"""Consultation's use cases: refer a case, take answers, extend, expire, conclude."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

import structlog

from caseflow.messaging import HandlerTable
from schemas.consultation import (
    ConsultationCancelled,
    ConsultationConcluded,
    ConsultationDeadlinePassed,
    ConsultationOpened,
    ConsultationReminderDue,
    ConsultationRequested,
    ReferralAnswered,
    ReferralExtended,
    ReferralExtensionGranted,
    ReferralResponseRecorded,
    ShareNotice,
)
from schemas.envelope import Envelope, derived_id, utcnow
from schemas.sharing import ShareApprovalDespiteDenial
from services.consultation.disclosure import referral_opened
from services.consultation.domain import Referral, UnknownReferral, outcome
from services.consultation.effects import Handled, emit, handle_once
from services.consultation.follow_up import cancel_consultation, remind_stakeholders
from services.consultation.policy import RoutingPolicy
from services.consultation.ports import (
    ConsultationRecord,
    ConsultationStore,
    ConsultationUnitOfWork,
)
from services.consultation.routing import route
from services.consultation.sharing import share_approval, share_notice

log = structlog.get_logger(__name__)
# Where a use case reads the time: the wall clock in the service, a fixed one in tests.
Clock = Callable[[], datetime]


async def open_consultation(
    request: Envelope[ConsultationRequested],
    store: ConsultationStore,
    policy: RoutingPolicy,
    now: datetime,
) -> Handled:
    """Refer the case to the stakeholders routing chooses, each told only what it may see."""
    return await handle_once(store, request, lambda uow: _refer(uow, request, policy, now))


async def answer_referral(
    answer: ReferralAnswered,
    via: str,
    store: ConsultationStore,
    policy: RoutingPolicy,
    now: datetime,
) -> Referral:
    """Record a stakeholder's answer (or its request for more time); raise `ResponseRefused`."""
    async with store.unit_of_work() as uow:
        return await _answer(uow, answer, via, policy, now)


async def on_referral_answered(
    message: Envelope[ReferralAnswered],
    store: ConsultationStore,
    policy: RoutingPolicy,
    now: datetime,
) -> Handled:
    """An answer by event: recorded, or refused with a `ReferralResponseRefused` event."""

    async def act(uow: ConsultationUnitOfWork) -> Handled:
        await _answer(uow, message.data, "event", policy, now)
        return Handled.DONE

    return await handle_once(store, message, act)


async def grant_extension(
    message: Envelope[ReferralExtensionGranted],
    store: ConsultationStore,
    policy: RoutingPolicy,
) -> Handled:
    """The referral's one extension, granted by the workflow or an officer."""
    granted = message.data

    async def act(uow: ConsultationUnitOfWork) -> Handled:
        found = await uow.lock_referral(granted.referral_id)
        if found is None:
            raise UnknownReferral(f"no referral {granted.referral_id}")
        referral, consultation = found
        days = timedelta(days=granted.days) if granted.days else policy.extension
        await _extended(uow, consultation, referral.extend(days, granted.granted_by))
        return Handled.DONE

    return await handle_once(store, message, act)


async def deadline_passed(
    message: Envelope[ConsultationDeadlinePassed], store: ConsultationStore, now: datetime
) -> Handled:
    """Referrals due by the deadline and still silent are deemed no objection; maybe conclude."""
    passed = message.data

    async def act(uow: ConsultationUnitOfWork) -> Handled:
        consultation = await uow.find_consultation(passed.request_id)
        if consultation is None:
            log.warning("deadline for an unknown consultation", request_id=passed.request_id)
            return Handled.REFUSED
        if consultation.concluded is not None:  # re-sent: the outcome may have been lost
            again = derived_id(str(message.id), "again")
            await emit(uow, consultation, consultation.concluded, again)
            return Handled.ALREADY_PROCESSED
        if consultation.cancelled_at is not None:
            log.info("deadline of a cancelled consultation", request_id=passed.request_id)
            return Handled.REFUSED
        for referral in await uow.lock_referrals(passed.request_id):
            expired = referral.expire(passed.deadline)
            if expired is not None:
                await uow.save_referral(expired, "deadline")
        await _conclude_if_complete(uow, consultation, now)
        return Handled.DONE

    return await handle_once(store, message, act)


async def _refer(
    uow: ConsultationUnitOfWork,
    request: Envelope[ConsultationRequested],
    policy: RoutingPolicy,
    now: datetime,
) -> Handled:
    asked = request.data
    known = await uow.find_consultation(asked.request_id)
    if known is not None:  # re-sent: told again where it stands, its first answer may be lost
        again = known.concluded or known.opened
        if again is not None:
            await emit(uow, known, again, derived_id(str(request.id), "again"))
        return Handled.ALREADY_PROCESSED
    routing = route(asked, await uow.stakeholders(), policy, await uow.disabled_stakeholders())
    due_at = asked.due_at or now + timedelta(days=asked.response_days or policy.response_days)
    opened = [
        referral_opened(asked, referee, policy.disclosure, now, due_at)
        for referee in routing.referred
    ]
    summary = ConsultationOpened(
        case_id=asked.case_id,
        request_id=asked.request_id,
        referred=[event.stakeholder_id for event in opened],
        required=[event.stakeholder_id for event in opened if event.required],
        left_out=routing.left_out(),
        unheard_states=routing.unheard_states(),
        due_at=due_at,
        policy_version=policy.version,
    )
    consultation = ConsultationRecord(
        asked.request_id, asked.case_id, request.correlation_id, summary
    )
    await uow.add_consultation(
        consultation,
        routing,
        policy.version,
        opened,
    )
    await emit(uow, consultation, summary, derived_id(asked.request_id, "opened"))
    for event in opened:
        await emit(uow, consultation, event, derived_id(event.referral_id, "opened"))
    log.info("consultation opened", case_id=asked.case_id, referred=summary.referred)
    await _conclude_if_complete(uow, consultation, now)
    return Handled.DONE


async def _answer(
    uow: ConsultationUnitOfWork,
    answer: ReferralAnswered,
    via: str,
    policy: RoutingPolicy,
    now: datetime,
) -> Referral:
    found = await uow.lock_referral(answer.referral_id)
    if found is None:
        raise UnknownReferral(f"no referral {answer.referral_id}")
    referral, consultation = found
    changed = referral.answer(answer, now, policy.extension)
    if changed.extended and not referral.extended:
        await _extended(uow, consultation, changed)
        return changed
    await uow.save_referral(changed, via)
    recorded = ReferralResponseRecorded(
        **changed.names(), position=answer.position, answered_at=now
    )
    await emit(uow, consultation, recorded, derived_id(changed.referral_id, "answered"))
    await _conclude_if_complete(uow, consultation, now)
    return changed


async def _extended(
    uow: ConsultationUnitOfWork, consultation: ConsultationRecord, referral: Referral
) -> None:
    await uow.save_referral(referral, "extension")
    extended = ReferralExtended(
        **referral.names(), due_at=referral.due_at, granted_by=referral.extended_by
    )
    await emit(uow, consultation, extended, derived_id(referral.referral_id, "extended"))


async def _conclude_if_complete(
    uow: ConsultationUnitOfWork, consultation: ConsultationRecord, now: datetime
) -> None:
    """Publish the outcome once, when the last referral is answered or expired."""
    result = outcome(await uow.lock_referrals(consultation.request_id))
    if result is None:
        return
    concluded = ConsultationConcluded(
        case_id=consultation.case_id,
        request_id=consultation.request_id,
        positions=result.positions,
        deemed_no_objection=result.deemed,
        dissent=result.dissent,
        dissent_summary=result.summary,
        unheard_states=consultation.opened.unheard_states if consultation.opened else [],
        concluded_at=now,
    )
    await uow.conclude(concluded)
    await emit(uow, consultation, concluded, derived_id(consultation.request_id, "concluded"))


def handler_table(
    store: ConsultationStore, policy: RoutingPolicy, clock: Clock = utcnow
) -> HandlerTable[Handled]:
    """Each consultation command and the use case that handles it."""
    return (
        HandlerTable[Handled]("a consultation command")
        .on(ConsultationRequested, lambda e: open_consultation(e, store, policy, clock()))
        .on(ReferralAnswered, lambda e: on_referral_answered(e, store, policy, clock()))
        .on(ConsultationDeadlinePassed, lambda e: deadline_passed(e, store, clock()))
        .on(ReferralExtensionGranted, lambda e: grant_extension(e, store, policy))
        .on(ConsultationReminderDue, lambda e: remind_stakeholders(e, store, clock()))
        .on(ConsultationCancelled, lambda e: cancel_consultation(e, store, clock()))
        .on(ShareNotice, lambda e: share_notice(e, store, clock()))
        .on(ShareApprovalDespiteDenial, lambda e: share_approval(e, store, clock()))
    )
