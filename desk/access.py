"""Who sees which cases and referrals, and what the inbox asks Temporal's visibility store."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from caseflow.auth import REVIEWERS, Principal, Role
from schemas.cases import CaseStatus
from schemas.screening import RiskLevel
from workflows.desk import ReviewerAction
from workflows.tasks import Reviewer, ReviewerRole

# What the inbox shows unless asked for a status: cases waiting for a reviewer.
AWAITING_REVIEWERS = (CaseStatus.UNDER_REVIEW, CaseStatus.SIGNED_OFF, CaseStatus.ESCALATED)
# Case and referral ids are UUIDs, control numbers one letter and six digits.
IDENTIFIER = r"[A-Za-z0-9._-]{1,100}"
CASE_READERS = (*REVIEWERS, Role.COMMITTEE_CHAIR, Role.OPERATOR, Role.AGENCY)
# Everyone who sends tasks to a case's workflow.
ACTORS = (*REVIEWERS, Role.COMMITTEE_CHAIR)


@dataclass(frozen=True)
class InboxFilter:
    """What the inbox is narrowed to; every field optional."""

    status: CaseStatus | None = None
    risk: RiskLevel | None = None
    destination: str | None = None
    due_before: datetime | None = None
    overdue: bool = False


def inbox_query(principal: Principal, wanted: InboxFilter) -> str:
    """The visibility query of the inbox: the filter, within what the principal may see."""
    statuses = (wanted.status,) if wanted.status else AWAITING_REVIEWERS
    clauses = [" OR ".join(f"CaseStatus = '{status.value}'" for status in statuses)]
    if wanted.risk:
        clauses.append(f"RiskLevel = '{wanted.risk.value}'")
    if wanted.destination:
        clauses.append(f"DestinationCountry = {quoted(wanted.destination.upper())}")
    if wanted.due_before:
        clauses.append(f"DeadlineAt <= '{in_utc(wanted.due_before).isoformat()}'")
    if wanted.overdue:
        clauses.append("Overdue = true")
    if principal.role is Role.AGENCY:
        clauses.append(f"SubmittingAgency = {quoted(principal.agency or '')}")
    return " AND ".join(f"({clause})" for clause in clauses)


def may_read_case(principal: Principal, submitting_agency: str) -> bool:
    """Officers and operators read every case; an agency its own only; stakeholders none."""
    if principal.role is Role.AGENCY:
        return principal.agency == submitting_agency
    return principal.role in CASE_READERS


def may_answer(principal: Principal, stakeholder_id: str) -> bool:
    """A stakeholder sees and answers only the referrals made to it."""
    return principal.role is Role.STAKEHOLDER and principal.stakeholder == stakeholder_id


def reviewer_of(principal: Principal) -> Reviewer:
    """The reviewer a signed-in officer or chair acts as: their account name and role."""
    return Reviewer(id=principal.name, role=ReviewerRole(principal.role.value))


def roles_of(action: ReviewerAction[Any]) -> tuple[Role, ...]:
    """The account roles that may send a reviewer action."""
    return tuple(Role(role.value) for role in action.roles)


def viewer_role(principal: Principal) -> ReviewerRole | None:
    """The role whose open actions the case view lists (none for readers who cannot act)."""
    if principal.role in ACTORS:
        return ReviewerRole(principal.role.value)
    return None


def in_utc(moment: datetime) -> datetime:
    """A moment in UTC; one without a zone is taken to be in UTC already."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def quoted(value: str) -> str:
    """A string literal for a visibility query; quotes are refused, never escaped."""
    if "'" in value or '"' in value or "\\" in value:
        raise ValueError("quotes and backslashes are not allowed here")
    return f"'{value}'"
