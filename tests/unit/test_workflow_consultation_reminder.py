"""When the workflow has stakeholders reminded: once per deadline, before it, never too late."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from workflows.consultation import reminder_at
from workflows.model import Consultation

REFERRED = datetime(2026, 11, 23, 9, tzinfo=UTC)
WEEK = timedelta(days=7)


def round_of(days: int, **fields: object) -> Consultation:
    return Consultation.model_validate(
        {
            "request_id": "c-1/consultation/1",
            "referred_by": "officer-1",
            "requested_at": REFERRED,
            "due_at": REFERRED + timedelta(days=days),
            "reminders": True,
            **fields,
        }
    )


def test_stakeholders_are_reminded_a_week_before_a_thirty_day_deadline() -> None:
    assert reminder_at(round_of(30), WEEK, REFERRED) == REFERRED + timedelta(days=23)


def test_a_reminder_is_sent_once_per_deadline_and_again_after_an_extension() -> None:
    reminded = round_of(30, reminded_for=REFERRED + timedelta(days=30))
    assert reminder_at(reminded, WEEK, REFERRED + timedelta(days=24)) is None
    extended = reminded.model_copy(update={"due_at": REFERRED + timedelta(days=60)})
    assert reminder_at(extended, WEEK, REFERRED + timedelta(days=24)) == REFERRED + timedelta(53)


def test_no_reminder_for_a_short_round_a_past_deadline_or_an_old_round() -> None:
    assert reminder_at(round_of(5), WEEK, REFERRED) is None
    assert reminder_at(round_of(30), WEEK, REFERRED + timedelta(days=31)) is None
    assert reminder_at(round_of(30), timedelta(0), REFERRED) is None
    assert reminder_at(round_of(30, reminders=False), WEEK, REFERRED) is None
