"""The deadlines a case runs against — decision, referral target, committee, appeal window — and
which comes next (the one the Temporal UI shows as DeadlineAt)."""

from __future__ import annotations

from datetime import datetime
from typing import NamedTuple

from schemas.screening import NoticeKind
from workflows.clock import Alarm, deadline
from workflows.consultation import notice_states
from workflows.model import CaseState


class NextDeadline(NamedTuple):
    """What is due next (`decision`, `referral`, `committee`, `appeal`), when, and whether
    anything is overdue now."""

    what: str | None
    at: datetime | None
    overdue: bool


def needs_referral(state: CaseState) -> bool:
    """Whether screening says the case must be consulted on: its risk level, or a partner
    state's denial of an essentially identical transaction."""
    screening = state.screening
    if screening is None:
        return False
    at_risk = screening.risk_level in state.policy.referral_risk_levels
    return at_risk or bool(notice_states(screening, NoticeKind.DENIAL))


def referral_due(state: CaseState) -> datetime | None:
    """When the case must be referred by; None once referred, decided, on hold or not needed."""
    if state.decided is not None or state.consultation is not None or state.hold is not None:
        return None
    if not needs_referral(state):
        return None
    return state.received.registered_at + state.policy.referral_time + state.held


def referral_alarm(state: CaseState, now: datetime) -> Alarm | None:
    """The referral-target event to raise now, if any (each once)."""
    due = referral_due(state)
    if due is None or state.referral_missed:
        return None
    if now >= due:
        return Alarm.BREACHED
    if not state.referral_warned and now >= due - state.policy.referral_warning:
        return Alarm.APPROACHING
    return None


def next_referral_alarm(state: CaseState) -> datetime | None:
    """When the next referral-target event falls due; None when none is to come."""
    due = referral_due(state)
    if due is None or state.referral_missed:
        return None
    return due if state.referral_warned else due - state.policy.referral_warning


def next_deadline(state: CaseState) -> NextDeadline:
    """The earliest open deadline, and whether any open one has passed."""
    open_ones: list[tuple[datetime, str, bool]] = []
    decision = deadline(state)
    if decision is not None:
        open_ones.append((decision, "decision", state.breached))
    referral = referral_due(state)
    if referral is not None:
        open_ones.append((referral, "referral", state.referral_missed))
    escalation = state.escalation
    if escalation is not None and state.decided is None:
        if escalation.resolved_by is None and escalation.due_at is not None:
            open_ones.append((escalation.due_at, "committee", escalation.overdue_raised))
        elif not escalation.final and escalation.appeal_due_at is not None:
            open_ones.append((escalation.appeal_due_at, "appeal", False))
    if not open_ones:
        return NextDeadline(None, None, False)
    at, what, _ = min(open_ones)
    return NextDeadline(what, at, any(overdue for _, _, overdue in open_ones))
