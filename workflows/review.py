"""Review rules: which reviewer tasks a case accepts now, from whom, and why one is refused."""

from __future__ import annotations

from datetime import datetime

from schemas.cases import CaseStatus, DecisionOutcome
from schemas.screening import NoticeKind
from workflows import escalation
from workflows.assessment import assessment_problems
from workflows.consultation import APPROVALS, notice_states
from workflows.model import CaseState
from workflows.tasks import (
    ConsultationReferral,
    Countersignature,
    EscalationAppeal,
    EscalationResolution,
    InformationRequest,
    PartnerWaiverRequest,
    ReviewDecision,
    Reviewer,
    ReviewerRole,
    ReviewerTask,
    ViewRequest,
)

REVIEWER_OUTCOMES = (
    DecisionOutcome.APPROVED,
    DecisionOutcome.APPROVED_WITH_CONDITIONS,
    DecisionOutcome.DENIED,
    DecisionOutcome.RETURNED_WITHOUT_ACTION,
)
CLAIMANT_ACTIONS = [
    "release",
    *REVIEWER_OUTCOMES,
    "request_information",
    "refer_for_consultation",
]
COUNTERSIGNER_ACTIONS = ["countersign", "send_back"]


def claim_problems(state: CaseState, task: ReviewerTask) -> list[str]:
    """Every reason `task.reviewer` cannot claim the case now."""
    problems = _who(task.reviewer) + _status(state, CaseStatus.UNDER_REVIEW)
    if state.claimant is not None:
        holder = (
            "you hold" if state.claimant.id == task.reviewer.id else state.claimant.id + " holds"
        )
        problems.append(f"{holder} the case already")
    return problems


def release_problems(state: CaseState, task: ReviewerTask) -> list[str]:
    """Every reason `task.reviewer` cannot release the case now."""
    return (
        _who(task.reviewer)
        + _status(state, CaseStatus.UNDER_REVIEW)
        + _claimant(state, task.reviewer)
    )


def decision_problems(state: CaseState, decision: ReviewDecision) -> list[str]:
    """Every reason the decision cannot be accepted now; empty when it can."""
    problems = (
        _who(decision.reviewer)
        + _status(state, CaseStatus.UNDER_REVIEW)
        + _claimant(state, decision.reviewer)
    )
    if decision.outcome not in REVIEWER_OUTCOMES:
        problems.append(f"a reviewer cannot record '{decision.outcome.value}'")
    if not decision.rationale.strip():
        problems.append(_rationale_required(state, decision))
    conditional = decision.outcome is DecisionOutcome.APPROVED_WITH_CONDITIONS
    if conditional and not any(condition.strip() for condition in decision.conditions):
        problems.append("approval with conditions needs at least one condition")
    if not conditional and decision.conditions:
        problems.append("conditions belong to an approval with conditions")
    problems += _partner_not_heard(state, decision)
    denial = decision.outcome is DecisionOutcome.DENIED
    if denial and not any(ground.text.strip() for ground in decision.grounds):
        problems.append("a denial needs at least one ground")
    if not denial and decision.grounds:
        problems.append("grounds belong to a denial")
    return problems + assessment_problems(state, decision)


def countersign_problems(state: CaseState, signature: Countersignature) -> list[str]:
    """Every reason the countersignature cannot be accepted now (four eyes)."""
    problems = _who(signature.reviewer) + _status(state, CaseStatus.SIGNED_OFF)
    if signature.reviewer.role is not ReviewerRole.SENIOR_OFFICER:
        problems.append("only a senior officer can countersign")
    if state.sign_off is not None and state.sign_off.reviewer.id == signature.reviewer.id:
        problems.append("the officer who signed off cannot also countersign")
    if not signature.agree and not signature.note.strip():
        problems.append("sending a sign-off back needs a note saying why")
    return problems


def hold_problems(state: CaseState, request: InformationRequest) -> list[str]:
    """Every reason the case cannot be put on hold for information now."""
    problems = (
        _who(request.reviewer)
        + _status(state, CaseStatus.UNDER_REVIEW)
        + _claimant(state, request.reviewer)
    )
    if not any(question.strip() for question in request.questions):
        problems.append("a request for information needs at least one question")
    return problems


def referral_problems(state: CaseState, referral: ConsultationReferral) -> list[str]:
    """Every reason the case cannot be referred for consultation now."""
    problems = (
        _who(referral.reviewer)
        + _status(state, CaseStatus.UNDER_REVIEW)
        + _claimant(state, referral.reviewer)
    )
    if state.screening is None:
        problems.append("the case is not screened yet")
    if any(not stakeholder.strip() for stakeholder in referral.stakeholders):
        problems.append("a proposed stakeholder id is empty")
    return problems


def resolution_problems(state: CaseState, resolution: EscalationResolution) -> list[str]:
    """Every reason the escalation cannot be resolved now."""
    problems = _who(resolution.reviewer) + _status(state, CaseStatus.ESCALATED)
    problems += escalation.resolution_problems(state, resolution)
    if not resolution.recommendation.strip():
        problems.append("the committee's recommendation is required")
    if not resolution.rationale.strip():
        problems.append("a rationale is required")
    return problems


def waiver_problems(state: CaseState, waiver: PartnerWaiverRequest) -> list[str]:
    """Every reason the waiver of a partner state's consultation cannot be recorded now."""
    problems = _who(waiver.reviewer)
    if state.decided is not None:
        problems.append(f"the case is already decided ({state.decided.outcome.value})")
    if waiver.reviewer.role is not ReviewerRole.SENIOR_OFFICER:
        problems.append("only a senior officer records why a partner state is not consulted")
    if not waiver.reason.strip():
        problems.append("the reason the partner state cannot be consulted is required")
    denied = notice_states(state.screening, NoticeKind.DENIAL) if state.screening else []
    if not waiver.states:
        problems.append("name at least one partner state")
    for country in waiver.states:
        if country not in denied:
            problems.append(f"no denial notice of {country} matched this case")
        elif country in waived_states(state):
            problems.append(f"why {country} is not consulted is already recorded")
    return problems


def waived_states(state: CaseState) -> set[str]:
    """Partner states a senior officer recorded as not to be consulted, with the reason."""
    return {waiver.state for waiver in state.partner_waivers}


def appeal_problems(state: CaseState, appeal: EscalationAppeal, now: datetime) -> list[str]:
    """Every reason the committee's decision cannot be appealed now, or not as asked."""
    problems = _who(appeal.reviewer) + _status(state, CaseStatus.ESCALATED)
    if appeal.reviewer.role is not ReviewerRole.SENIOR_OFFICER:
        problems.append("only a senior officer records an appeal")
    problems += escalation.appeal_problems(state, appeal, now)
    if not appeal.grounds.strip():
        problems.append("an appeal needs its grounds")
    return problems


def needs_countersignature(state: CaseState, decision: ReviewDecision) -> bool:
    """Four eyes: every denial, and every approval at a risk level the policy names."""
    if decision.outcome is DecisionOutcome.DENIED:
        return True
    risk = state.screening.risk_level if state.screening is not None else None
    return decision.outcome in APPROVALS and risk in state.policy.countersigned_risk_levels


def open_actions(state: CaseState, viewer: ViewRequest) -> list[str]:
    """The tasks the viewer's role (and, if given, the viewer) can perform on the case now."""
    if viewer.role is None or state.decided is not None:
        return []
    if state.status is CaseStatus.UNDER_REVIEW:
        if state.claimant is None:
            return ["claim"]
        if viewer.reviewer_id in ("", state.claimant.id):
            return [str(action) for action in CLAIMANT_ACTIONS]
    if state.status is CaseStatus.ESCALATED:
        return escalation.open_actions(state, viewer)
    if state.status is CaseStatus.SIGNED_OFF and viewer.role is ReviewerRole.SENIOR_OFFICER:
        signer = state.sign_off.reviewer.id if state.sign_off is not None else ""
        if viewer.reviewer_id != signer:
            return list(COUNTERSIGNER_ACTIONS)
    return []


def _partner_not_heard(state: CaseState, decision: ReviewDecision) -> list[str]:
    """A partner state that denied an essentially identical transaction is consulted before an
    approval (EU 2021/821 Art. 16)."""
    if decision.outcome not in APPROVALS or state.screening is None:
        return []
    waived = waived_states(state)
    states = [s for s in notice_states(state.screening, NoticeKind.DENIAL) if s not in waived]
    concluded = state.consultation.concluded if state.consultation is not None else None
    if not states:
        return []
    if concluded is None:
        return [
            f"{', '.join(states)} denied an essentially identical transaction: refer the case "
            "for consultation before approving (EU 2021/821 Art. 16)"
        ]
    problems = []
    late = [country for country in state.unconsulted_partners if country in states]
    if late:
        problems.append(
            f"{', '.join(late)} denied an essentially identical transaction after the case was "
            "referred: refer the case again before approving, or have a senior officer record "
            "why it cannot be consulted (EU 2021/821 Art. 16)"
        )
    unheard = [country for country in states if country in concluded.unheard_states]
    if unheard:
        problems.append(
            f"{', '.join(unheard)} denied an essentially identical transaction and could not be "
            "consulted (no contact that may be referred): register its contact and refer the "
            "case again, or have a senior officer record why it cannot be consulted "
            "(EU 2021/821 Art. 16)"
        )
    return problems


def _rationale_required(state: CaseState, decision: ReviewDecision) -> str:
    """Why a rationale is needed; an approval despite a partner's denial is explained to partner
    states with it (EU 2021/821 Art. 16)."""
    denied = notice_states(state.screening, NoticeKind.DENIAL) if state.screening else []
    if decision.outcome in APPROVALS and denied:
        return (
            f"a rationale is required: {', '.join(denied)} denied an essentially identical "
            "transaction, and partner states are told why it is approved (EU 2021/821 Art. 16)"
        )
    return "a rationale is required"


def _who(reviewer: Reviewer) -> list[str]:
    return [] if reviewer.id.strip() else ["a reviewer id is required"]


def _status(state: CaseState, expected: CaseStatus) -> list[str]:
    if state.decided is not None:
        return [f"the case is already decided ({state.decided.outcome.value})"]
    if state.status is not expected:
        return [f"the case is {state.status.value}, not {expected.value.replace('_', ' ')}"]
    return []


def _claimant(state: CaseState, reviewer: Reviewer) -> list[str]:
    if state.claimant is None:
        return ["claim the case first"]
    if state.claimant.id != reviewer.id:
        return [f"only {state.claimant.id}, who claimed the case, can act on it"]
    return []
