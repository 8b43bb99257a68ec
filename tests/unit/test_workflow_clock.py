"""The decision clock: 90 days from registration by default, stopped while on hold."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from entrypoints.samples import sample_applications
from schemas.cases import CaseReceived
from workflows.clock import Alarm, deadline, due_alarm, time_on_hold, time_to_next_alarm
from workflows.model import CasePolicy, CaseState, Hold

REGISTERED = datetime(2026, 1, 5, 9, tzinfo=UTC)


def a_case(**policy: timedelta) -> CaseState:
    application = sample_applications()[1]
    received = CaseReceived(
        case_id="c-1", control_number="T000001", registered_at=REGISTERED, application=application
    )
    return CaseState(
        received=received,
        correlation_id="x",
        policy=CasePolicy.model_validate(policy),
        application=application,
    )


def test_a_case_is_due_90_calendar_days_after_registration_by_default() -> None:
    assert deadline(a_case()) == datetime(2026, 4, 5, 9, tzinfo=UTC)


def test_a_hold_stops_the_clock_and_its_time_moves_the_deadline_once_it_ends() -> None:
    case = a_case()
    case.hold = Hold(since=REGISTERED + timedelta(days=10), requested_by="o-1", questions=["?"])
    assert deadline(case) is None
    assert time_on_hold(case, REGISTERED + timedelta(days=17)) == timedelta(days=7)
    case.held, case.hold = timedelta(days=7), None
    assert deadline(case) == datetime(2026, 4, 12, 9, tzinfo=UTC)


def test_the_approaching_deadline_is_raised_ten_days_before_then_the_breach() -> None:
    case = a_case()
    assert due_alarm(case, REGISTERED + timedelta(days=79)) is None
    assert time_to_next_alarm(case, REGISTERED) == timedelta(days=80)
    assert due_alarm(case, REGISTERED + timedelta(days=80)) is Alarm.APPROACHING
    case.warned = True
    assert time_to_next_alarm(case, REGISTERED + timedelta(days=80)) == timedelta(days=10)
    assert due_alarm(case, REGISTERED + timedelta(days=90)) is Alarm.BREACHED
    case.breached = True
    assert due_alarm(case, REGISTERED + timedelta(days=200)) is None
    assert time_to_next_alarm(case, REGISTERED + timedelta(days=200)) is None


def test_a_case_found_already_past_its_deadline_is_raised_as_breached_at_once() -> None:
    assert due_alarm(a_case(), REGISTERED + timedelta(days=95)) is Alarm.BREACHED


def test_no_deadline_is_raised_while_on_hold() -> None:
    case = a_case(decision_time=timedelta(seconds=5), deadline_warning=timedelta(seconds=2))
    case.hold = Hold(since=REGISTERED, requested_by="o-1", questions=["?"])
    assert due_alarm(case, REGISTERED + timedelta(days=1)) is None
    assert time_to_next_alarm(case, REGISTERED) is None
