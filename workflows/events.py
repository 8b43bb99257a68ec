"""The events a case publishes, built from its state: what agencies and partners are told."""

from __future__ import annotations

from datetime import datetime
from typing import TypeVar

from schemas.cases import (
    CaseDeadlineApproaching,
    CaseDeadlineBreached,
    CaseDecided,
    CaseEscalationAppealed,
    CaseEscalationApproaching,
    CaseEscalationDecided,
    CaseEscalationOverdue,
    CaseReferralTargetApproaching,
    CaseReferralTargetMissed,
    CaseStatusChanged,
)
from schemas.envelope import Contract
from schemas.review import ReviewerActed
from schemas.screening import ScreeningRequested
from workflows.clock import Alarm, deadline
from workflows.deadlines import referral_due
from workflows.escalation import level_of
from workflows.model import CaseState
from workflows.tasks import ReviewDecision, ReviewerTasks

NearT = TypeVar("NearT", bound=Contract)
PastT = TypeVar("PastT", bound=Contract)


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
    kinds = (CaseDeadlineApproaching, CaseDeadlineBreached)
    return _alarm_event(state, alarm, now, due, kinds)


def _alarm_event(
    state: CaseState,
    alarm: Alarm,
    now: datetime,
    due: datetime,
    kinds: tuple[type[NearT], type[PastT]],
    **more: object,
) -> NearT | PastT:
    """A deadline event of the first kind while approaching, of the second once passed."""
    fields = {**_about(state), "deadline_at": due, "raised_at": now, **more}
    near, past = kinds
    if alarm is Alarm.BREACHED:
        return past.model_validate(fields)
    return near.model_validate({**fields, "remaining": due - now})


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
            "human_rights_assessment": _assessment_summary(signed),
            "assessment": signed.assessment if signed else None,
        }
    )


def _assessment_summary(signed: ReviewDecision | None) -> str:
    """The assessment in one line: its conclusion, or the summary an older decision gave."""
    if signed is None:
        return ""
    if signed.assessment is not None and signed.assessment.conclusion.strip():
        return signed.assessment.conclusion
    return signed.human_rights_assessment


def escalation_raised(
    state: CaseState, alarm: Alarm, now: datetime
) -> CaseEscalationApproaching | CaseEscalationOverdue:
    """The committee at the case's level is due to decide soon, or has not decided in time."""
    escalation = state.escalation
    assert escalation is not None
    assert escalation.due_at is not None
    committee = level_of(state.policy, escalation).committee
    kinds = (CaseEscalationApproaching, CaseEscalationOverdue)
    return _alarm_event(
        state,
        alarm,
        now,
        escalation.due_at,
        kinds,
        escalated_at=escalation.since,
        level=escalation.level,
        committee=committee,
    )


def escalation_decided(state: CaseState) -> CaseEscalationDecided:
    """A committee decided; appealable until `appeal_until`, or final."""
    escalation = state.escalation
    assert escalation is not None
    return CaseEscalationDecided.model_validate(
        {
            **_about(state),
            "level": escalation.level,
            "committee": level_of(state.policy, escalation).committee,
            "decided_by": escalation.resolved_by,
            "decided_at": escalation.resolved_at,
            "recommendation": escalation.recommendation,
            "rationale": escalation.rationale,
            "appeal_until": None if escalation.final else escalation.appeal_due_at,
        }
    )


def escalation_appealed(state: CaseState) -> CaseEscalationAppealed:
    """A dissenting agency appealed to the level the case now stands at."""
    escalation = state.escalation
    assert escalation is not None
    assert escalation.appeal is not None
    appeal = escalation.appeal
    return CaseEscalationAppealed.model_validate(
        {
            **_about(state),
            "level": escalation.level,
            "committee": level_of(state.policy, escalation).committee,
            "appealed_by": appeal.on_behalf_of,
            "recorded_by": appeal.reviewer.id,
            "grounds": appeal.grounds,
            "appealed_at": escalation.since,
            "deadline_at": escalation.due_at,
        }
    )


def referral_target_raised(
    state: CaseState, alarm: Alarm, now: datetime
) -> CaseReferralTargetApproaching | CaseReferralTargetMissed:
    """A case needing consultation is not referred, and its target is near or has passed."""
    due = referral_due(state)
    assert due is not None, "no referral target is raised for a case that needs none"
    kinds = (CaseReferralTargetApproaching, CaseReferralTargetMissed)
    return _alarm_event(state, alarm, now, due, kinds)


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
