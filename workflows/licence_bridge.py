"""The bridge's part for licences: issue one on an approving decision, take shipments to it, and
tell it of a list update that matched one of its parties."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import structlog
from temporalio.client import Client, WorkflowExecutionStatus, WorkflowUpdateFailedError
from temporalio.common import SearchAttributePair, TypedSearchAttributes
from temporalio.service import RPCError, RPCStatusCode

from caseflow.messaging import Delivery, SetAside
from schemas.cases import CaseDecided
from schemas.envelope import Envelope, derived_id
from schemas.licences import (
    APPROVING,
    LicenceStatus,
    ShipmentRefused,
    ShipmentReported,
    licence_number,
)
from schemas.screening import ScreeningCompleted
from schemas.topics import CASES
from workflows import TASK_QUEUE
from workflows import search_attributes as sa
from workflows.bridge_steps import act_on, start_once
from workflows.client import workflow_id
from workflows.licence import Licence
from workflows.licence_model import LicenceInput
from workflows.licence_policy import LicencePolicy
from workflows.license_case import LicenseCase
from workflows.tasks import ViewRequest

log = structlog.get_logger(__name__)
SOURCE = "caseflow/bridge"
COMPLETED = WorkflowExecutionStatus.COMPLETED
# Why screening ran unasked, as a result's reason begins: each opens a review of a licence.
RESCREENED = ("list_update", "partner_notice")

# Publishes an envelope on a topic, keyed by the case: the bridge's own refusals.
Publish = Callable[[str, Envelope[ShipmentRefused]], Awaitable[None]]


def licence_workflow_id(case_id: str) -> str:
    """The workflow id of a case's licence: derived from the case id, so a case has at most one
    licence (a second approving decision, after an appeal, finds it issued)."""
    return f"licence-{case_id}"


async def start_licence_if_approved(
    client: Client, delivery: Delivery, policy: LicencePolicy, set_aside: SetAside
) -> bool:
    """Start the licence's workflow on an approving `CaseDecided`; False for other messages."""

    async def start(decided: Envelope[CaseDecided]) -> None:
        if decided.data.outcome.value in APPROVING:
            started = await start_licence(client, decided, policy)
            log.info("licence workflow", case_id=decided.data.case_id, started=started)

    return await act_on(client, delivery, CaseDecided, set_aside, start)


async def start_licence(
    client: Client,
    decided: Envelope[CaseDecided],
    policy: LicencePolicy,
    task_queue: str = TASK_QUEUE,
) -> bool:
    """Issue the case's licence (once: a redelivery or a second approval starts nothing new)."""
    case = decided.data
    view = await client.get_workflow_handle(workflow_id(case.case_id)).query(
        LicenseCase.view, ViewRequest()
    )
    number = licence_number(case.control_number)
    return await start_once(
        client,
        Licence.run,
        LicenceInput(
            decided=case,
            application=view.application,
            correlation_id=decided.correlation_id,
            policy=policy,
        ),
        workflow_id=licence_workflow_id(case.case_id),
        task_queue=task_queue,
        search_attributes=TypedSearchAttributes(
            [
                SearchAttributePair(sa.LICENCE_STATUS, LicenceStatus.VALID.value),
                SearchAttributePair(sa.CONTROL_NUMBER, case.control_number),
                SearchAttributePair(sa.SUBMITTING_AGENCY, case.submitting_agency),
                SearchAttributePair(sa.DESTINATION_COUNTRY, view.destination_country),
                SearchAttributePair(sa.CONTROL_CODES, view.control_codes),
            ]
        ),
        memo={"licence_number": number, "case_id": case.case_id},
        summary=f"{number} · {case.submitting_agency} {case.agency_reference} → "
        f"{view.destination_country} · " + ", ".join(view.control_codes),
    )


async def check_shipment_if_reported(
    client: Client, delivery: Delivery, publish: Publish, set_aside: SetAside
) -> bool:
    """Take a `ShipmentReported` to its licence's workflow; False for other messages."""
    return await act_on(
        client,
        delivery,
        ShipmentReported,
        set_aside,
        lambda reported: _check_shipment(client, reported, publish),
    )


async def _check_shipment(
    client: Client, reported: Envelope[ShipmentReported], publish: Publish
) -> None:
    """Have the licence check the shipment, or refuse it here when the licence cannot."""
    number = reported.data.shipment.licence_number
    handle = client.get_workflow_handle(licence_workflow_id(reported.data.case_id))
    try:
        checked = await handle.execute_update(Licence.report_shipment, reported.data)
    except WorkflowUpdateFailedError as failed:
        reason = f"licence {number} could not check the shipment: {failed.cause}"
    except RPCError as error:
        if error.status is not RPCStatusCode.NOT_FOUND:
            raise
        reason = await _not_in_force(client, reported.data.case_id, number)
    else:
        log.info("shipment checked", licence=number, recorded=checked.recorded)
        return
    await publish(CASES.name, _refusal(reported, reason))
    log.info("shipment refused by the bridge", licence=number, reason=reason)


async def _not_in_force(client: Client, case_id: str, number: str) -> str:
    """Why a licence whose workflow does not run takes no shipment: ended, or never issued."""
    handle = client.get_workflow_handle_for(Licence.run, licence_workflow_id(case_id))
    try:
        described = await handle.describe()
        ended = await handle.result() if described.status is COMPLETED else None
    except RPCError as error:
        if error.status is not RPCStatusCode.NOT_FOUND:
            raise
        ended = None
    if ended is None:
        return f"licence {number} is not in force"
    return f"licence {number} is {ended.status.value}: no shipment may be made under it"


def _refusal(reported: Envelope[ShipmentReported], reason: str) -> Envelope[ShipmentRefused]:
    """The agency's refusal of a shipment no licence workflow can check."""
    shipment = reported.data.shipment
    refused = ShipmentRefused(
        licence_number=shipment.licence_number,
        case_id=reported.data.case_id,
        control_number=reported.data.control_number,
        submitting_agency=shipment.submitting_agency,
        agency_reference=shipment.agency_reference,
        shipment_reference=shipment.shipment_reference,
        refused_at=reported.time,
        reasons=[reason],
    )
    return Envelope[ShipmentRefused].wrap(
        refused,
        source=SOURCE,
        subject=reported.subject,
        correlation_id=reported.correlation_id,
        event_id=derived_id("shipment-refused", str(reported.id)),
    )


async def tell_licence_of_list_update(client: Client, result: ScreeningCompleted) -> bool:
    """Signal a re-screening after a list update or a partner's notice into the case's licence,
    if it has one in force."""
    if not result.reason.startswith(RESCREENED):
        return False
    handle = client.get_workflow_handle(licence_workflow_id(result.case_id))
    try:
        await handle.signal(Licence.list_update_matched, result)
    except RPCError as error:
        if error.status is RPCStatusCode.NOT_FOUND:
            return False
        raise
    return True
