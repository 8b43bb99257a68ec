"""Appeals as the desk and the CLI reach them: list, read, rule, countersign (Temporal Updates)."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable
from dataclasses import dataclass
from datetime import datetime

from temporalio.client import Client, WorkflowExecution, WorkflowUpdateFailedError
from temporalio.exceptions import ApplicationError
from temporalio.service import RPCError, RPCStatusCode

from workflows import search_attributes as sa
from workflows.appeal import Appeal, appeal_workflow_id
from workflows.appeal_rules import AppealCountersignature, AppealRuling, AppealView
from workflows.case_client import ActionRefused, CaseNotFound, InvalidQuery

CONTROL_NUMBER_LENGTH = 7


@dataclass(frozen=True)
class AppealLine:
    """An appeal in lists, from its workflow's search attributes."""

    case_id: str
    control_number: str
    agency: str
    status: str
    ruling_officer: str
    due_at: datetime | None
    open: bool


async def find_appeals(client: Client, query: str = "", limit: int = 100) -> list[AppealLine]:
    """Appeals matching a visibility query, newest first."""
    wanted = f"WorkflowType = 'Appeal'{f' AND ({query})' if query else ''}"
    found: dict[str, AppealLine] = {}
    try:
        async for execution in client.list_workflows(wanted, limit=limit):
            found.setdefault(execution.id, _line(execution))
    except RPCError as error:
        if error.status is RPCStatusCode.INVALID_ARGUMENT:
            raise InvalidQuery(error.message) from error
        raise
    return list(found.values())


def _line(execution: WorkflowExecution) -> AppealLine:
    attributes = execution.typed_search_attributes
    return AppealLine(
        case_id=execution.id.removeprefix(appeal_workflow_id("")),
        control_number=attributes.get(sa.CONTROL_NUMBER) or "",
        agency=attributes.get(sa.SUBMITTING_AGENCY) or "",
        status=(attributes.get(sa.CASE_STATUS) or "").removeprefix("appeal_"),
        ruling_officer=attributes.get(sa.ASSIGNED_REVIEWER) or "",
        due_at=attributes.get(sa.DEADLINE_AT),
        open=execution.close_time is None,
    )


async def resolve_appeal(client: Client, reference: str) -> str:
    """The case id of an appeal, from a case id or a control number such as `Z100001`."""
    if (
        len(reference) == CONTROL_NUMBER_LENGTH
        and reference[0].isalpha()
        and reference[1:].isdigit()
    ):
        found = await find_appeals(client, f"ControlNumber = '{reference}'", limit=1)
        if not found:
            raise CaseNotFound(f"no appeal of case {reference}")
        return found[0].case_id
    return reference


async def appeal_view(client: Client, case_id: str) -> AppealView:
    """The appeal of the case as its workflow knows it."""
    handle = client.get_workflow_handle(appeal_workflow_id(case_id))
    try:
        return await handle.query(Appeal.view)
    except RPCError as error:
        if error.status in (RPCStatusCode.NOT_FOUND, RPCStatusCode.INVALID_ARGUMENT):
            raise CaseNotFound(f"no appeal of case {case_id}") from error
        raise


async def rule(client: Client, case_id: str, ruling: AppealRuling) -> AppealView:
    """An officer rules on the appeal; `ActionRefused` with every reason otherwise."""
    handle = client.get_workflow_handle(appeal_workflow_id(case_id))
    return await _refusing(case_id, handle.execute_update(Appeal.rule, ruling, id=_update_id()))


async def countersign(
    client: Client, case_id: str, signature: AppealCountersignature
) -> AppealView:
    """A senior officer countersigns the ruling; `ActionRefused` with every reason otherwise."""
    handle = client.get_workflow_handle(appeal_workflow_id(case_id))
    update = handle.execute_update(Appeal.countersign, signature, id=_update_id())
    return await _refusing(case_id, update)


def _update_id() -> str:
    return str(uuid.uuid4())  # sent again, the same action is recognised, never done twice


async def _refusing(case_id: str, update: Awaitable[AppealView]) -> AppealView:
    """The update's answer, or `ActionRefused` with the workflow's reasons."""
    try:
        return await update
    except WorkflowUpdateFailedError as error:
        if isinstance(error.cause, ApplicationError):
            raise ActionRefused(error.cause.message) from error
        raise
    except RPCError as error:
        if error.status in (RPCStatusCode.NOT_FOUND, RPCStatusCode.INVALID_ARGUMENT):
            raise ActionRefused(f"no open appeal of case {case_id}: {error.message}") from error
        raise
