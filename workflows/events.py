"""The events a case publishes, built from its state: what agencies and partners are told."""

from __future__ import annotations

from datetime import datetime

from schemas.cases import (
    CaseDeadlineApproaching,
    CaseDeadlineBreached,
    CaseDecided,
    CaseEscalationOverdue,
    CaseStatusChanged,
    ReviewerActed,
)
from schemas.screening import ScreeningRequested
from workflows.clock import Alarm, deadline
from workflows.model import CaseState
from workflows.tasks import ReviewerTasks


def _about(state: CaseState) -> dict[str, object]:
    """The fields by which an agency recognises its case in every case event."""
    return {
        "case_id": state.case_id,
        "control_number": state.control_number,
        "submitting_agency": state.application.submitting_agency,
        "agency_reference": state.application.agency_reference,
    }


def status_changed(state: CaseState, now: datetime) -> CaseStatusChanged:
    """The case moved to its current status."""
    return CaseStatusChanged.model_validate(
        {**_about(state), "status": state.status, "changed_at": now}
    )


def screening_requested(state: CaseState, request_id: str, reason: str) -> ScreeningRequested:
    """Ask screening to screen the application as it stands."""
    return ScreeningRequested(
        request_id=request_id,
        case_id=state.case_id,
        reason=reason,
        application=state.application,
    )


def deadline_raised(
    state: CaseState, alarm: Alarm, now: datetime
) -> CaseDeadlineApproaching | CaseDeadlineBreached:
    """The deadline is near, or has passed."""
    due = deadline(state)
    assert due is not None, "no deadline is raised while on hold"
    fields = {**_about(state), "deadline_at": due, "raised_at": now}
    if alarm is Alarm.BREACHED:
        return CaseDeadlineBreached.model_validate(fields)
    return CaseDeadlineApproaching.model_validate({**fields, "remaining": due - now})


def case_decided(state: CaseState) -> CaseDecided:
    """The final decision, with the signed-off decision's conditions, grounds and assessment."""
    decided = state.decided
    assert decided is not None
    signed = (
        state.sign_off if state.sign_off and state.sign_off.outcome is decided.outcome else None
    )
    return CaseDecided.model_validate(
        {
            **_about(state),
            "outcome": decided.outcome,
            "decided_at": decided.decided_at,
            "decided_by": decided.decided_by,
            "countersigned_by": decided.countersigned_by,
            "rationale": decided.rationale,
            "conditions": signed.conditions if signed else [],
            "grounds": signed.grounds if signed else [],
            "human_rights_assessment": signed.human_rights_assessment if signed else "",
        }
    )


def escalation_overdue(state: CaseState, now: datetime) -> CaseEscalationOverdue:
    """The committee has not settled the dissent in time."""
    escalation = state.escalation
    assert escalation is not None
    return CaseEscalationOverdue.model_validate(
        {
            **_about(state),
            "deadline_at": escalation.due_at,
            "raised_at": now,
            "escalated_at": escalation.since,
        }
    )


def reviewer_acted(
    state: CaseState, action: str, task: ReviewerTasks, now: datetime
) -> ReviewerActed:
    """A reviewer's task the case accepted, as sent, with where the case stands after it."""
    return ReviewerActed(
        case_id=state.case_id,
        control_number=state.control_number,
        action=action,
        reviewer_id=task.reviewer.id,
        reviewer_role=task.reviewer.role.value,
        acted_at=now,
        status=state.status,
        task=task.model_dump(mode="json"),
    )
