"""Review rules: which reviewer actions a case accepts, and why one is refused."""

from __future__ import annotations

from schemas.cases import CaseStatus, DecisionOutcome
from workflows.model import ReviewDecision

REVIEWER_OUTCOMES = (
    DecisionOutcome.APPROVED,
    DecisionOutcome.APPROVED_WITH_CONDITIONS,
    DecisionOutcome.DENIED,
    DecisionOutcome.RETURNED_WITHOUT_ACTION,
)


def decision_problems(
    status: CaseStatus, earlier: ReviewDecision | None, decision: ReviewDecision
) -> list[str]:
    """Every reason the decision cannot be accepted now; empty when it can."""
    problems: list[str] = []
    if earlier is not None:
        problems.append(f"the case is already decided ({earlier.outcome.value})")
    elif status is not CaseStatus.UNDER_REVIEW:
        problems.append(f"the case is {status.value}, not under review")
    if not decision.reviewer.strip():
        problems.append("a reviewer id is required")
    if decision.outcome not in REVIEWER_OUTCOMES:
        problems.append(f"a reviewer cannot record '{decision.outcome.value}'")
    if not decision.rationale.strip():
        problems.append("a rationale is required")
    if decision.outcome is DecisionOutcome.APPROVED_WITH_CONDITIONS and not any(
        condition.strip() for condition in decision.conditions
    ):
        problems.append("approval with conditions needs at least one condition")
    if decision.outcome is not DecisionOutcome.APPROVED_WITH_CONDITIONS and decision.conditions:
        problems.append("conditions belong to an approval with conditions")
    return problems


def open_actions(status: CaseStatus, decision: ReviewDecision | None) -> list[str]:
    """Actions a reviewer can take on the case now."""
    if status is CaseStatus.UNDER_REVIEW and decision is None:
        return [outcome.value for outcome in REVIEWER_OUTCOMES]
    return []
