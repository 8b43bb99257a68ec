"""Reminders before the deadline and cancellation when the case ends, on an in-memory store."""

from __future__ import annotations

from datetime import timedelta

from schemas.consultation import (
    ConsultationCancelled,
    ConsultationDeadlinePassed,
    ConsultationReminderDue,
    Position,
    ReferralStatus,
)
from services.consultation.effects import Handled
from services.consultation.follow_up import cancel_consultation, remind_stakeholders
from services.consultation.handlers import deadline_passed
from tests.unit.test_consultation_handlers import (
    NOW,
    THREE,
    FakeConsultationStore,
    answer,
    referral_of,
    store,
    wrap,
)

__all__ = ["store"]  # the fixture, shared with the handlers' tests
DUE = NOW + timedelta(days=30)
REMINDER = ConsultationReminderDue(case_id="case-1", request_id="req-1", deadline=DUE)
CANCELLED = ConsultationCancelled(
    case_id="case-1", request_id="req-1", reason="withdrawn: contract cancelled"
)


async def test_only_stakeholders_that_have_not_answered_are_reminded_once_each(
    store: FakeConsultationStore,
) -> None:
    await answer(store, "us-dod-dtsa", Position.NO_OBJECTION)
    later = NOW + timedelta(days=23)

    await remind_stakeholders(wrap(REMINDER), store, later)
    await remind_stakeholders(wrap(REMINDER), store, later + timedelta(hours=1))  # re-sent

    reminded = store.events("ReferralReminded")
    assert sorted(event["data"]["stakeholder_id"] for event in reminded) == sorted(THREE[1:])
    assert {event["data"]["due_at"][:19] for event in reminded} == {DUE.isoformat()[:19]}
    ngo = store.referrals[referral_of(store, "cso-digital-rights")]
    assert (ngo.reminded_at, ngo.reminded_for) == (later, DUE)


async def test_an_extension_earns_its_referral_a_reminder_of_the_new_deadline(
    store: FakeConsultationStore,
) -> None:
    await remind_stakeholders(wrap(REMINDER), store, NOW + timedelta(days=23))
    await answer(store, "us-dod-dtsa", Position.NEED_MORE_TIME)
    extended = REMINDER.model_copy(update={"deadline": DUE + timedelta(days=30)})

    await remind_stakeholders(wrap(extended), store, NOW + timedelta(days=53))

    again = [e["data"]["stakeholder_id"] for e in store.events("ReferralReminded")][3:]
    assert again == ["us-dod-dtsa"]


async def test_a_withdrawn_case_cancels_the_open_referrals_and_refuses_later_answers(
    store: FakeConsultationStore,
) -> None:
    await answer(store, "us-dod-dtsa", Position.NO_OBJECTION)

    assert await cancel_consultation(wrap(CANCELLED), store, NOW) is Handled.DONE
    late = await answer(store, "us-state-drl", Position.NO_OBJECTION)

    cancelled = store.events("ReferralCancelled")
    assert sorted(event["data"]["stakeholder_id"] for event in cancelled) == sorted(THREE[1:])
    assert cancelled[0]["data"]["reason"] == "withdrawn: contract cancelled"
    assert store.referrals[referral_of(store, "us-dod-dtsa")].status is ReferralStatus.ANSWERED
    assert store.referrals[referral_of(store, "us-state-drl")].status is ReferralStatus.CANCELLED
    assert late is Handled.REFUSED
    [refusal] = store.events("ReferralResponseRefused")
    assert refusal["data"]["reason"] == "cancelled"
    assert "withdrawn: contract cancelled" in refusal["data"]["message"]


async def test_a_cancelled_consultation_is_neither_reminded_nor_concluded(
    store: FakeConsultationStore,
) -> None:
    await cancel_consultation(wrap(CANCELLED), store, NOW)
    passed = ConsultationDeadlinePassed(case_id="case-1", request_id="req-1", deadline=DUE)

    assert await remind_stakeholders(wrap(REMINDER), store, NOW) is Handled.REFUSED
    assert await deadline_passed(wrap(passed), store, DUE) is Handled.REFUSED
    assert await cancel_consultation(wrap(CANCELLED), store, NOW) is Handled.REFUSED

    assert store.events("ReferralReminded") == []
    assert store.events("ConsultationConcluded") == []
    assert len(store.events("ReferralCancelled")) == 3
