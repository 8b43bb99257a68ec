"""How many cases stand where: counted by Temporal's visibility store, for operators."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

from temporalio.client import Client

from schemas.cases import CaseStatus
from workflows import search_attributes as sa
from workflows.case_client import CURRENT_RUN
from workflows.inbox import RUNNING, TASKS

CASES = "WorkflowType = 'LicenseCase'"


@dataclass(frozen=True)
class CaseCounts:
    """Cases per status, overdue open cases, and open reviewer tasks per kind."""

    by_status: dict[CaseStatus, int]
    overdue: int
    open_tasks: dict[str, int]

    @property
    def open_cases(self) -> int:
        """Cases not decided yet."""
        return sum(n for status, n in self.by_status.items() if status is not CaseStatus.DECIDED)


async def count_cases(client: Client) -> CaseCounts:
    """Count every status, the overdue and the open tasks, side by side."""
    statuses = list(CaseStatus)
    queries = [f"{sa.CASE_STATUS.name} = '{status}' AND {CURRENT_RUN}" for status in statuses]
    queries.append(f"{sa.OVERDUE.name} = true AND {RUNNING}")
    queries += [f"{sa.CASE_STATUS.name} = '{status}' AND {RUNNING}" for status in TASKS]
    counted = await asyncio.gather(*(_count(client, query) for query in queries))
    by_status = dict(zip(statuses, counted[: len(statuses)], strict=True))
    tasks = counted[len(statuses) + 1 :]
    return CaseCounts(
        by_status=by_status,
        overdue=counted[len(statuses)],
        open_tasks=dict(zip(TASKS.values(), tasks, strict=True)),
    )


async def _count(client: Client, query: str) -> int:
    return (await client.count_workflows(f"{CASES} AND {query}")).count
