"""The decision clock: 90 calendar days from registration (by policy), stopped while on hold."""

from __future__ import annotations

from datetime import datetime, timedelta
from enum import StrEnum

from workflows.model import CaseState

# Never wait less than this for an alarm: a zero timeout would spin the workflow.
SHORTEST_WAIT = timedelta(milliseconds=100)


class Alarm(StrEnum):
    """A deadline event due to be raised."""

    APPROACHING = "approaching"
    BREACHED = "breached"


def deadline(state: CaseState) -> datetime | None:
    """When the case is due; None while on hold, since the clock is stopped."""
    if state.hold is not None:
        return None
    return state.received.registered_at + state.policy.decision_time + state.held


def due_alarm(state: CaseState, now: datetime) -> Alarm | None:
    """The deadline event to raise now, if any (each is raised once)."""
    due = deadline(state)
    if due is None or state.decided is not None:
        return None
    if not state.breached and now >= due:
        return Alarm.BREACHED
    if not state.warned and not state.breached and now >= due - state.policy.deadline_warning:
        return Alarm.APPROACHING
    return None


def next_alarm(state: CaseState) -> datetime | None:
    """When the next deadline event falls due; None when none is to come."""
    due = deadline(state)
    if due is None or state.decided is not None or state.breached:
        return None
    return due if state.warned else due - state.policy.deadline_warning


def time_to_next_alarm(state: CaseState, now: datetime) -> timedelta | None:
    """How long until the next deadline event; None when none is to come."""
    at = next_alarm(state)
    return None if at is None else max(at - now, SHORTEST_WAIT)


def time_on_hold(state: CaseState, now: datetime) -> timedelta:
    """All time spent on hold, the current hold included."""
    current = now - state.hold.since if state.hold is not None else timedelta(0)
    return state.held + current
