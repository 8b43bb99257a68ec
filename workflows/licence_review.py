"""Rules of an officer's action on a licence, pure: every reason an action is refused."""

from __future__ import annotations

from schemas.licences import LicenceStatus
from workflows.licence_model import (
    ConditionFulfilled,
    LicenceReviewDecision,
    LicenceState,
    ReviewAction,
)

ENDED = (LicenceStatus.REVOKED, LicenceStatus.EXPIRED)
# What each decision does to the licence's status.
STATUS_AFTER = {
    ReviewAction.SUSPEND: LicenceStatus.SUSPENDED,
    ReviewAction.REVOKE: LicenceStatus.REVOKED,
    ReviewAction.CONFIRM: LicenceStatus.VALID,
}


def status_after(action: ReviewAction) -> LicenceStatus:
    """The licence's status once a senior officer has taken `action`."""
    return STATUS_AFTER[action]


def information_problems(licence: LicenceState) -> list[str]:
    """Why new information cannot be recorded: only on a licence still in force."""
    if licence.status in ENDED:
        return [f"licence {licence.issued.licence_number} is {licence.status.value}"]
    return []


def review_problems(licence: LicenceState, decision: LicenceReviewDecision) -> list[str]:
    """Every reason a senior officer's decision on the licence is refused (15 CFR 750.8)."""
    problems = []
    number = licence.issued.licence_number
    if licence.status in ENDED:
        problems.append(f"licence {number} is {licence.status.value}")
    elif licence.review is None:
        problems.append(
            f"licence {number} is not under review: a list update, a partner's notice or an "
            "officer's information opens a review first"
        )
    elif decision.action is ReviewAction.SUSPEND and licence.status is LicenceStatus.SUSPENDED:
        problems.append(f"licence {number} is suspended already")
    if not decision.grounds.strip():
        problems.append("grounds are required: say why, for the agency and the record")
    review = licence.review
    if review is not None and review.raised_by and review.raised_by == decision.reviewer.id:
        problems.append(
            f"{decision.reviewer.id} recorded the information under review: another senior "
            "officer decides (four eyes)"
        )
    return problems


def fulfilment_problems(licence: LicenceState, task: ConditionFulfilled) -> list[str]:
    """Why a condition cannot be recorded as met."""
    if licence.status in ENDED:
        return [f"licence {licence.issued.licence_number} is {licence.status.value}"]
    if task.condition > len(licence.conditions):
        return [
            f"condition {task.condition} does not exist: the licence has "
            f"{len(licence.conditions)} condition(s)"
        ]
    condition = licence.conditions[task.condition - 1]
    if condition.fulfilled_at is not None:
        return [f"condition {task.condition} was recorded as met already"]
    return []
