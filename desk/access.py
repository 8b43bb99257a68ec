"""Who sees which cases and referrals, and what the inbox asks Temporal's visibility store."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from caseflow.auth import REVIEWERS, Principal, Role
from workflows.case_client import ReviewerAction
from workflows.inbox import InboxFilter
from workflows.tasks import ReviewerRole

# Case and referral ids are UUIDs, control numbers one letter and six digits.
IDENTIFIER = r"[A-Za-z0-9._-]{1,100}"
CASE_READERS = (*REVIEWERS, Role.COMMITTEE_CHAIR, Role.OPERATOR, Role.AGENCY)
# Everyone who sends tasks to a case's workflow.
ACTORS = (*REVIEWERS, Role.COMMITTEE_CHAIR)


def inbox_of(principal: Principal, wanted: InboxFilter) -> InboxFilter:
    """The inbox filter within what the principal may see: an agency, its own cases only."""
    if principal.role is Role.AGENCY:
        return replace(wanted, agency=principal.agency or "")
    return wanted


def may_read_case(principal: Principal, submitting_agency: str) -> bool:
    """Officers and operators read every case; an agency its own only; stakeholders none."""
    if principal.role is Role.AGENCY:
        return principal.agency == submitting_agency
    return principal.role in CASE_READERS


def may_answer(principal: Principal, stakeholder_id: str) -> bool:
    """A stakeholder sees and answers only the referrals made to it."""
    return principal.role is Role.STAKEHOLDER and principal.stakeholder == stakeholder_id


def roles_of(action: ReviewerAction[Any]) -> tuple[Role, ...]:
    """The account roles that may send a reviewer action."""
    return tuple(Role(role.value) for role in action.roles)


def viewer_role(principal: Principal) -> ReviewerRole | None:
    """The role whose open actions the case view lists (none for readers who cannot act)."""
    if principal.role in ACTORS:
        return ReviewerRole(principal.role.value)
    return None
