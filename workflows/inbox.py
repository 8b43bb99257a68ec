"""The reviewers' inbox: cases waiting on a reviewer's action, soonest deadline first."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime

from temporalio.client import Client

from schemas.cases import CaseStatus
from schemas.screening import RiskLevel
from workflows import search_attributes as sa
from workflows.case_client import CaseListing, find_cases

# The statuses in which a case waits on a reviewer, and the task each one is.
TASKS = {
    CaseStatus.UNDER_REVIEW: "review",
    CaseStatus.SIGNED_OFF: "countersign",
    CaseStatus.ESCALATED: "resolve_escalation",
}
RUNNING = "ExecutionStatus = 'Running'"
NO_DEADLINE = datetime.max.replace(tzinfo=UTC)
_COUNTRY = re.compile(r"[A-Z]{2}")
_REVIEWER = re.compile(r"[\w.@-]+")
_AGENCY = re.compile(r"[\w.-]+")


@dataclass(frozen=True)
class InboxFilter:
    """What the inbox is narrowed to; every field is optional. Unnarrowed, it holds the cases
    waiting on a reviewer; `agency` keeps one agency's cases only."""

    status: CaseStatus | None = None
    risk: RiskLevel | None = None
    destination: str | None = None
    reviewer: str | None = None
    due_before: datetime | None = None
    overdue: bool = False
    agency: str | None = None

    def query(self) -> str:
        """The visibility query; raises ValueError for a value that is not a filter."""
        statuses = [self.status] if self.status else list(TASKS)
        clauses = [" OR ".join(f"{sa.CASE_STATUS.name} = {_quote(s)}" for s in statuses)]
        if all(status in TASKS for status in statuses):
            clauses.insert(0, RUNNING)  # a case stopped by an operator is no reviewer's task
        if self.risk is not None:
            clauses.append(f"{sa.RISK_LEVEL.name} = {_quote(self.risk)}")
        if self.destination is not None:
            _check(_COUNTRY, self.destination, "an ISO alpha-2 code", "destination")
            clauses.append(f"{sa.DESTINATION_COUNTRY.name} = {_quote(self.destination)}")
        if self.reviewer is not None:
            _check(_REVIEWER, self.reviewer, "a reviewer id", "reviewer")
            clauses.append(f"{sa.ASSIGNED_REVIEWER.name} = {_quote(self.reviewer)}")
        if self.due_before is not None:
            clauses.append(
                f"{sa.DEADLINE_AT.name} <= {_quote(_in_utc(self.due_before).isoformat())}"
            )
        if self.overdue:
            clauses.append(f"{sa.OVERDUE.name} = true")
        if self.agency is not None:
            _check(_AGENCY, self.agency, "an agency code", "agency")
            clauses.append(f"{sa.SUBMITTING_AGENCY.name} = {_quote(self.agency)}")
        return " AND ".join(f"({clause})" for clause in clauses)


def _in_utc(moment: datetime) -> datetime:
    """A moment in UTC; one without a zone is taken to be in UTC already."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


async def open_tasks(client: Client, wanted: InboxFilter, limit: int = 500) -> list[CaseListing]:
    """Cases waiting on a reviewer, soonest deadline first (a stopped clock last)."""
    found = await find_cases(client, wanted.query(), limit)
    return sorted(found, key=lambda case: case.deadline_at or NO_DEADLINE)


def task_of(summary: CaseListing) -> str:
    """What the reviewer is asked to do next on the case."""
    return next((task for status, task in TASKS.items() if status == summary.status), "")


def _quote(value: str) -> str:
    return f"'{value}'"


def _check(pattern: re.Pattern[str], value: str, what: str, name: str) -> None:
    """Refuse a value that could carry a clause of its own into the query."""
    if not pattern.fullmatch(value):
        raise ValueError(f"{name} {value!r} is not {what}")
