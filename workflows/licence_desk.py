"""Licences at the desk: find them in Temporal, read one, act on it (suspend, revoke, confirm)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from temporalio.client import Client, WorkflowExecution, WorkflowUpdateFailedError
from temporalio.exceptions import ApplicationError
from temporalio.service import RPCError, RPCStatusCode

from workflows import search_attributes as sa
from workflows.case_client import CURRENT_RUN, ActionRefused, InvalidQuery
from workflows.licence import Licence
from workflows.licence_bridge import licence_workflow_id
from workflows.licence_model import (
    ConditionFulfilled,
    LicenceActionRecorded,
    LicenceInformation,
    LicenceReviewDecision,
    LicenceView,
)

LICENCES = "WorkflowType = 'Licence'"


class LicenceNotFound(LookupError):
    """No licence has this number (or case id)."""


@dataclass(frozen=True)
class LicenceSummary:
    """One line of a licence list, from Temporal's visibility store."""

    case_id: str
    licence_number: str
    status: str
    agency: str
    destination: str
    control_codes: list[str]
    due_at: datetime | None
    due_for: str


async def find_licences(client: Client, query: str = "", limit: int = 100) -> list[LicenceSummary]:
    """Licences matching a visibility query (e.g. `LicenceStatus = 'suspended'`), newest first."""
    found: dict[str, LicenceSummary] = {}
    query = f"{LICENCES} AND {CURRENT_RUN}{f' AND ({query})' if query else ''}"
    try:
        async for execution in client.list_workflows(query, limit=limit):
            found.setdefault(execution.id, _summary(execution))
    except RPCError as error:
        if error.status is RPCStatusCode.INVALID_ARGUMENT:
            raise InvalidQuery(error.message) from error
        raise
    return list(found.values())


def _summary(execution: WorkflowExecution) -> LicenceSummary:
    attributes = execution.typed_search_attributes
    control_number = attributes.get(sa.CONTROL_NUMBER) or ""
    return LicenceSummary(
        case_id=execution.id.removeprefix(licence_workflow_id("")),
        licence_number=f"LIC-{control_number}",
        status=attributes.get(sa.LICENCE_STATUS) or "",
        agency=attributes.get(sa.SUBMITTING_AGENCY) or "",
        destination=attributes.get(sa.DESTINATION_COUNTRY) or "",
        control_codes=list(attributes.get(sa.CONTROL_CODES) or []),
        due_at=attributes.get(sa.DEADLINE_AT),
        due_for=attributes.get(sa.DEADLINE_FOR) or "",
    )


async def resolve_licence(client: Client, reference: str) -> str:
    """The case id of a licence named by its number (`LIC-Z100001`) or its case id."""
    if reference.upper().startswith("LIC-"):
        control_number = reference[4:].upper()
        found = await find_licences(client, f"ControlNumber = '{control_number}'", limit=1)
        if not found:
            raise LicenceNotFound(f"no licence numbered {reference}")
        return found[0].case_id
    return reference


async def licence_view(client: Client, reference: str) -> LicenceView:
    """The licence as its workflow knows it (also once it has ended)."""
    case_id = await resolve_licence(client, reference)
    try:
        return await client.get_workflow_handle(licence_workflow_id(case_id)).query(Licence.view)
    except RPCError as error:
        if error.status in (RPCStatusCode.NOT_FOUND, RPCStatusCode.INVALID_ARGUMENT):
            raise LicenceNotFound(f"no licence for {reference}") from error
        raise


async def decide_review(
    client: Client, reference: str, decision: LicenceReviewDecision
) -> LicenceActionRecorded:
    """A senior officer suspends, revokes or confirms the licence under review."""
    return await _act(client, reference, "decide_review", decision)


async def record_information(
    client: Client, reference: str, task: LicenceInformation
) -> LicenceActionRecorded:
    """An officer records new human-rights information: the licence goes under review."""
    return await _act(client, reference, "record_information", task)


async def fulfil_condition(
    client: Client, reference: str, task: ConditionFulfilled
) -> LicenceActionRecorded:
    """An officer records a condition of the licence as met."""
    return await _act(client, reference, "fulfil_condition", task)


async def _act(
    client: Client,
    reference: str,
    update: str,
    task: LicenceReviewDecision | LicenceInformation | ConditionFulfilled,
) -> LicenceActionRecorded:
    """Run an officer's Update; raises `ActionRefused` with the workflow's reasons."""
    case_id = await resolve_licence(client, reference)
    handle = client.get_workflow_handle(licence_workflow_id(case_id))
    try:
        result = await handle.execute_update(
            update,
            task,
            id=str(uuid.uuid4()),
            result_type=LicenceActionRecorded,
        )
    except WorkflowUpdateFailedError as error:
        if isinstance(error.cause, ApplicationError):
            raise ActionRefused(error.cause.message) from error
        raise
    except RPCError as error:
        if error.status is RPCStatusCode.NOT_FOUND:
            raise ActionRefused(f"licence {reference} takes no more actions: it ended") from error
        raise
    assert isinstance(result, LicenceActionRecorded)
    return result
