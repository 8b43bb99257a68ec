"""The reviewer's and operator's view of cases in Temporal: search, read, decide."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from temporalio.client import Client, WorkflowUpdateFailedError
from temporalio.exceptions import ApplicationError

from workflows import search_attributes as sa
from workflows.client import workflow_id
from workflows.license_case import LicenseCase
from workflows.model import CaseView, DecisionRecorded, ReviewDecision


@dataclass(frozen=True)
class CaseSummary:
    """One line of a case list, from Temporal's visibility store."""

    case_id: str
    control_number: str
    status: str
    risk_level: str
    agency: str
    destination: str
    control_codes: list[str]
    deadline_at: datetime | None


class DecisionRefused(Exception):
    """The workflow refused a decision; the message says why."""


async def find_cases(client: Client, query: str = "", limit: int = 100) -> list[CaseSummary]:
    """Cases matching a visibility query (e.g. `CaseStatus = 'under_review'`), newest first."""
    summaries: list[CaseSummary] = []
    query = f"WorkflowType = 'LicenseCase'{f' AND ({query})' if query else ''}"
    async for execution in client.list_workflows(query, limit=limit):
        attributes = execution.typed_search_attributes
        summaries.append(
            CaseSummary(
                case_id=execution.id.removeprefix(workflow_id("")),
                control_number=attributes.get(sa.CONTROL_NUMBER) or "",
                status=attributes.get(sa.CASE_STATUS) or "",
                risk_level=attributes.get(sa.RISK_LEVEL) or "",
                agency=attributes.get(sa.SUBMITTING_AGENCY) or "",
                destination=attributes.get(sa.DESTINATION_COUNTRY) or "",
                control_codes=list(attributes.get(sa.CONTROL_CODES) or []),
                deadline_at=attributes.get(sa.DEADLINE_AT),
            )
        )
    return summaries


async def case_view(client: Client, case_id: str) -> CaseView:
    """The full case as its workflow knows it."""
    return await client.get_workflow_handle(workflow_id(case_id)).query(LicenseCase.view)


async def decide(client: Client, case_id: str, decision: ReviewDecision) -> DecisionRecorded:
    """Record a reviewer's decision; raises `DecisionRefused` with the workflow's reason."""
    handle = client.get_workflow_handle(workflow_id(case_id))
    try:
        return await handle.execute_update(LicenseCase.decide, decision)
    except WorkflowUpdateFailedError as error:
        cause = error.cause
        if isinstance(cause, ApplicationError):
            raise DecisionRefused(cause.message) from error
        raise


async def resolve_case(client: Client, reference: str) -> str:
    """A case id from a case id or a control number such as `Z100001`."""
    if len(reference) == 7 and reference[0].isalpha() and reference[1:].isdigit():
        found = await find_cases(client, f"ControlNumber = '{reference}'", limit=1)
        if not found:
            raise LookupError(f"no case with control number {reference}")
        return found[0].case_id
    return reference
