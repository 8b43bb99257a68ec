"""The human-rights assessment a reviewer decision records, and when it is complete enough.

Every decision (approvals, denials and returns alike) records one (ECHRI Code of Conduct,
commitment 1). A complete assessment:

- considers three risks: the end user and its record, the item's potential for surveillance or
  repression, and the destination's situation;
- names at least one source it relies on, and a conclusion;
- answers only findings and positions the case has: each finding by its `reference` among the
  case's screening findings, each position by the stakeholder id of a concluded consultation;
- for an approval at a risk level the policy names (`mitigated_risk_levels`, by default high and
  critical), names at least one mitigation, and each mitigation is one of the decision's
  conditions, word for word: a mitigation that is not a licence condition binds nobody.
  Mitigations belong to approvals; a denial or a return names none.
"""

from __future__ import annotations

from schemas.cases import HumanRightsAssessment
from workflows.consultation import APPROVALS
from workflows.model import CaseState
from workflows.tasks import ReviewDecision

# Each part a complete assessment fills in, with the words a refusal names it by.
RISKS = (
    ("end_user", "the risk from the end user and its record"),
    ("misuse_potential", "the item's potential for surveillance or repression"),
    ("destination", "the destination's human-rights situation"),
)


def assessment_problems(state: CaseState, decision: ReviewDecision) -> list[str]:
    """Every reason the decision's human-rights assessment is missing, incomplete or wrong."""
    assessment = decision.assessment or HumanRightsAssessment()
    missing = missing_parts(assessment)
    problems = []
    if decision.assessment is None:
        problems.append("a human-rights assessment is required, with: " + "; ".join(missing))
    else:
        problems += [f"the human-rights assessment lacks {part}" for part in missing]
    problems += _unknown_findings(state, assessment)
    problems += _unknown_positions(state, assessment)
    problems += _mitigation_problems(state, decision, assessment)
    return problems


def missing_parts(assessment: HumanRightsAssessment) -> list[str]:
    """The parts every assessment fills in that this one leaves empty, in words."""
    missing = [words for field, words in RISKS if not getattr(assessment, field).strip()]
    if not any(source.strip() for source in assessment.sources):
        missing.append("the sources relied on")
    if not assessment.conclusion.strip():
        missing.append("the conclusion")
    return missing


def needs_mitigations(state: CaseState, decision: ReviewDecision) -> bool:
    """Whether the decision is an approval at a risk level whose approvals name mitigations."""
    risk = state.screening.risk_level if state.screening is not None else None
    return decision.outcome in APPROVALS and risk in state.policy.mitigated_risk_levels


def _unknown_findings(state: CaseState, assessment: HumanRightsAssessment) -> list[str]:
    """Findings the assessment says it answers that the case's screening did not find."""
    findings = state.screening.findings if state.screening is not None else []
    known = {finding.reference for finding in findings if finding.reference}
    named = [reference for reference in assessment.findings_answered if reference.strip()]
    unknown = [reference for reference in named if reference not in known]
    if not unknown:
        return []
    return [
        f"the human-rights assessment answers finding(s) the case's screening does not have: "
        f"{', '.join(unknown)} (name findings by their reference: "
        f"{', '.join(sorted(known)) or 'this case has none'})"
    ]


def _unknown_positions(state: CaseState, assessment: HumanRightsAssessment) -> list[str]:
    """Positions the assessment says it answers that no stakeholder of the case took."""
    consultation = state.consultation
    concluded = consultation.concluded if consultation is not None else None
    known = {p.stakeholder_id for p in concluded.positions} if concluded is not None else set()
    named = [stakeholder for stakeholder in assessment.positions_answered if stakeholder.strip()]
    unknown = [stakeholder for stakeholder in named if stakeholder not in known]
    if not unknown:
        return []
    return [
        f"the human-rights assessment answers position(s) of stakeholder(s) the case's "
        f"consultation did not hear: {', '.join(unknown)} (stakeholders heard: "
        f"{', '.join(sorted(known)) or 'none'})"
    ]


def _mitigation_problems(
    state: CaseState, decision: ReviewDecision, assessment: HumanRightsAssessment
) -> list[str]:
    """An approval at high or critical risk names its mitigations, each a licence condition."""
    mitigations = [
        mitigation.strip() for mitigation in assessment.mitigations if mitigation.strip()
    ]
    if decision.outcome not in APPROVALS:
        return ["mitigations belong to an approval"] if mitigations else []
    problems = []
    if needs_mitigations(state, decision) and not mitigations:
        risk = state.screening.risk_level.value if state.screening is not None else ""
        problems.append(
            f"an approval at {risk} risk needs the mitigations that make it acceptable in its "
            "human-rights assessment, each one of the licence conditions"
        )
    conditions = {condition.strip() for condition in decision.conditions}
    problems += [
        f"the mitigation '{mitigation}' is not one of the decision's conditions"
        for mitigation in mitigations
        if mitigation not in conditions
    ]
    return problems
