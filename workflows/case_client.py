"""The reviewer's and operator's desk: search cases in Temporal, read one, act on it."""

from __future__ import annotations

import asyncio
import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Generic, TypeVar

from pydantic import BaseModel
from temporalio.client import Client, WorkflowExecution, WorkflowUpdateFailedError
from temporalio.exceptions import ApplicationError
from temporalio.service import RPCError, RPCStatusCode
from temporalio.workflow import UpdateMethodMultiParam

from workflows import actors
from workflows import search_attributes as sa
from workflows.client import workflow_id
from workflows.license_case import LicenseCase
from workflows.model import CaseView
from workflows.payload_limits import oversized
from workflows.tasks import (
    ActionRecorded,
    ConsultationReferral,
    Countersignature,
    EscalationAppeal,
    EscalationResolution,
    InformationRequest,
    PartnerWaiverRequest,
    ReviewDecision,
    ReviewerRole,
    ReviewerTask,
    ViewRequest,
)

TaskT = TypeVar("TaskT", bound=BaseModel)
# A case that continued as new leaves a closed run behind with the same id and attributes.
CURRENT_RUN = "ExecutionStatus != 'ContinuedAsNew'"
# Pauses before sending an action again while the case's last workflow task has failed (a worker
# overloaded or restarting): the server retries that task, and refuses actions until it passes.
BUSY_PAUSES = (0.5, 1.0, 2.0, 4.0)


@dataclass(frozen=True)
class CaseListing:
    """One line of a case list, from Temporal's visibility store."""

    case_id: str
    control_number: str
    status: str
    risk_level: str
    agency: str
    destination: str
    control_codes: list[str]
    assigned_reviewer: str
    deadline_at: datetime | None
    overdue: bool


class ActionRefused(Exception):
    """The workflow refused a reviewer task; the message gives every reason."""


class ActionTooLarge(ActionRefused):
    """The action's payload exceeds the Temporal payload limit; it was not sent."""


class CaseNotFound(LookupError):
    """No case (no workflow) has this id."""


class InvalidQuery(ValueError):
    """Temporal's visibility store could not read the query; the message says why."""


async def find_cases(client: Client, query: str = "", limit: int = 100) -> list[CaseListing]:
    """Cases matching a visibility query (e.g. `CaseStatus = 'under_review'`), newest first,
    each once, as its latest run stands."""
    summaries: dict[str, CaseListing] = {}
    query = f"WorkflowType = 'LicenseCase' AND {CURRENT_RUN}{f' AND ({query})' if query else ''}"
    try:
        async for execution in client.list_workflows(query, limit=limit):
            # Newest run first: a run left behind by a reset or an id reused is not shown.
            summaries.setdefault(execution.id, _summary(execution))
    except RPCError as error:
        if error.status is RPCStatusCode.INVALID_ARGUMENT:
            raise InvalidQuery(error.message) from error
        raise
    return list(summaries.values())


def _summary(execution: WorkflowExecution) -> CaseListing:
    """A case list line from a workflow's search attributes."""
    attributes = execution.typed_search_attributes
    return CaseListing(
        case_id=execution.id.removeprefix(workflow_id("")),
        control_number=attributes.get(sa.CONTROL_NUMBER) or "",
        status=attributes.get(sa.CASE_STATUS) or "",
        risk_level=attributes.get(sa.RISK_LEVEL) or "",
        agency=attributes.get(sa.SUBMITTING_AGENCY) or "",
        destination=attributes.get(sa.DESTINATION_COUNTRY) or "",
        control_codes=list(attributes.get(sa.CONTROL_CODES) or []),
        assigned_reviewer=attributes.get(sa.ASSIGNED_REVIEWER) or "",
        deadline_at=attributes.get(sa.DEADLINE_AT),
        overdue=bool(attributes.get(sa.OVERDUE)),
    )


async def case_view(
    client: Client, case_id: str, role: ReviewerRole | None = None, reviewer_id: str = ""
) -> CaseView:
    """The full case as its workflow knows it, with the actions open to `role`."""
    handle = client.get_workflow_handle(workflow_id(case_id))
    try:
        return await handle.query(LicenseCase.view, ViewRequest(role=role, reviewer_id=reviewer_id))
    except RPCError as error:
        if error.status in (RPCStatusCode.NOT_FOUND, RPCStatusCode.INVALID_ARGUMENT):
            raise CaseNotFound(case_id) from error
        raise


@dataclass(frozen=True)
class ReviewerAction(Generic[TaskT]):
    """A reviewer action: its name in commands and paths, its Update, its task, who sends it."""

    name: str
    update: UpdateMethodMultiParam[[LicenseCase, TaskT], ActionRecorded]
    task: type[TaskT]
    roles: tuple[ReviewerRole, ...]
    help: str

    async def __call__(self, client: Client, case_id: str, task: TaskT) -> ActionRecorded:
        """Run the action on the case; raises `ActionRefused` with the workflow's reasons."""
        return await _act(client, case_id, self.update, task)


# The roles each action is open to: the workflow checks them against the verified token.
OFFICERS, SENIOR, CHAIRS = actors.OFFICERS, actors.SENIOR, actors.CHAIRS

claim = ReviewerAction(
    "claim",
    LicenseCase.claim,
    ReviewerTask,
    OFFICERS,
    "Claim a case under review: from now on only you act on it.",
)
release = ReviewerAction(
    "release",
    LicenseCase.release,
    ReviewerTask,
    OFFICERS,
    "Release a case you claimed back to the queue.",
)
decide = ReviewerAction(
    "decide",
    LicenseCase.decide,
    ReviewDecision,
    OFFICERS,
    "Decide a case you claimed, with its human-rights assessment; a denial or a risky approval "
    "then awaits a countersignature.",
)
countersign = ReviewerAction(
    "countersign",
    LicenseCase.countersign,
    Countersignature,
    SENIOR,
    "Countersign a signed-off decision as a second, senior officer (four eyes), or send it "
    "back with a note.",
)
request_information = ReviewerAction(
    "hold",
    LicenseCase.request_information,
    InformationRequest,
    OFFICERS,
    "Ask the agency for information: the case goes on hold and its clock stops.",
)
refer_for_consultation = ReviewerAction(
    "refer",
    LicenseCase.refer_for_consultation,
    ConsultationReferral,
    OFFICERS,
    "Refer a case you claimed for consultation; silence past the deadline is no objection.",
)
resolve_escalation = ReviewerAction(
    "resolve",
    LicenseCase.resolve_escalation,
    EscalationResolution,
    CHAIRS,
    "Record the decision of the committee at the case's escalation level, as its chair (a "
    "senior officer for the Operating Committee, a committee chair for the ACEP).",
)
record_partner_waiver = ReviewerAction(
    "waive-partner",
    LicenseCase.record_partner_waiver,
    PartnerWaiverRequest,
    SENIOR,
    "Record, as a senior officer, why partner states that denied an essentially identical "
    "transaction are not consulted before approval (EU 2021/821 Art. 16).",
)
appeal_escalation = ReviewerAction(
    "appeal",
    LicenseCase.appeal_escalation,
    EscalationAppeal,
    SENIOR,
    "Record a dissenting agency's appeal of a committee's decision to the next level.",
)
ACTIONS: tuple[ReviewerAction[Any], ...] = (
    claim,
    release,
    decide,
    countersign,
    request_information,
    refer_for_consultation,
    resolve_escalation,
    appeal_escalation,
    record_partner_waiver,
)


async def _act(
    client: Client,
    case_id: str,
    update: UpdateMethodMultiParam[[LicenseCase, TaskT], ActionRecorded],
    task: TaskT,
) -> ActionRecorded:
    """Run a reviewer task; raises `ActionRefused` with the workflow's reasons."""
    too_large = await oversized(client, task)
    if too_large is not None:
        raise ActionTooLarge(f"{type(task).__name__} not sent: {too_large}")
    handle = client.get_workflow_handle(workflow_id(case_id))
    update_id = str(uuid.uuid4())  # sent again, the same action is recognised, never done twice
    for pause in (*BUSY_PAUSES, None):
        try:
            return await handle.execute_update(update, task, id=update_id)
        except WorkflowUpdateFailedError as error:
            if isinstance(error.cause, ApplicationError):
                raise ActionRefused(error.cause.message) from error
            raise
        except RPCError as error:
            if error.status is not RPCStatusCode.FAILED_PRECONDITION:
                await _refuse(client, case_id, error)
                raise
            if pause is None:
                raise ActionRefused(
                    f"case {case_id} cannot take actions right now: its workflow's last task "
                    "failed and is being retried (operators see why in the Temporal UI); try "
                    "again shortly"
                ) from error
            await asyncio.sleep(pause)
    raise AssertionError("unreachable: the last pause raises")


async def _refuse(client: Client, case_id: str, error: RPCError) -> None:
    """Raise what a failed call means for the reviewer: no such case, or a case that ended."""
    if error.status is RPCStatusCode.INVALID_ARGUMENT:
        raise CaseNotFound(case_id) from error
    if error.status is RPCStatusCode.NOT_FOUND:  # no such case, or its workflow has ended
        await _exists(client, case_id)
        raise ActionRefused(f"case {case_id} takes no more actions: {error.message}") from error


async def _exists(client: Client, case_id: str) -> None:
    """Raise `CaseNotFound` unless the case's workflow exists (open or closed)."""
    try:
        await client.get_workflow_handle(workflow_id(case_id)).describe()
    except RPCError as error:
        if error.status in (RPCStatusCode.NOT_FOUND, RPCStatusCode.INVALID_ARGUMENT):
            raise CaseNotFound(case_id) from error
        raise


async def resolve_case(client: Client, reference: str) -> str:
    """A case id from a case id or a control number such as `Z100001`."""
    if len(reference) == 7 and reference[0].isalpha() and reference[1:].isdigit():
        found = await find_cases(client, f"ControlNumber = '{reference}'", limit=1)
        if not found:
            raise CaseNotFound(f"no case with control number {reference}")
        return found[0].case_id
    return reference
