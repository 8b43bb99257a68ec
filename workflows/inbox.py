"""The reviewers' inbox: cases waiting on a reviewer's action, soonest deadline first."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime

from temporalio.client import Client

from schemas.cases import CaseStatus
from schemas.screening import RiskLevel
from workflows import search_attributes as sa
from workflows.desk import CaseSummary, find_cases

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


@dataclass(frozen=True)
class InboxFilter:
    """What a reviewer narrows the inbox to; every field is optional."""

    status: CaseStatus | None = None
    risk: RiskLevel | None = None
    destination: str | None = None
    reviewer: str | None = None

    def query(self) -> str:
        """The visibility query; raises ValueError for a value that is not a filter."""
        if self.status is not None and self.status not in TASKS:
            raise ValueError(f"no reviewer task in status {self.status}; one of {_names()}")
        statuses = [self.status] if self.status else list(TASKS)
        clauses = [RUNNING, f"{sa.CASE_STATUS.name} IN ({', '.join(_quote(s) for s in statuses)})"]
        if self.risk is not None:
            clauses.append(f"{sa.RISK_LEVEL.name} = {_quote(self.risk)}")
        if self.destination is not None:
            if not _COUNTRY.fullmatch(self.destination):
                raise ValueError(f"destination {self.destination!r} is not an ISO alpha-2 code")
            clauses.append(f"{sa.DESTINATION_COUNTRY.name} = {_quote(self.destination)}")
        if self.reviewer is not None:
            if not _REVIEWER.fullmatch(self.reviewer):
                raise ValueError(f"reviewer {self.reviewer!r} is not a reviewer id")
            clauses.append(f"{sa.ASSIGNED_REVIEWER.name} = {_quote(self.reviewer)}")
        return " AND ".join(clauses)


async def open_tasks(client: Client, wanted: InboxFilter, limit: int = 500) -> list[CaseSummary]:
    """Cases waiting on a reviewer, soonest deadline first (a stopped clock last)."""
    return by_deadline(await find_cases(client, wanted.query(), limit))


def by_deadline(cases: list[CaseSummary]) -> list[CaseSummary]:
    """Soonest deadline first; cases with a stopped clock (on hold) last."""
    return sorted(cases, key=lambda case: case.deadline_at or NO_DEADLINE)


def task_of(summary: CaseSummary) -> str:
    """What the reviewer is asked to do next on the case."""
    return next((task for status, task in TASKS.items() if status == summary.status), "")


def _quote(value: str) -> str:
    return f"'{value}'"


def _names() -> str:
    return ", ".join(TASKS)
