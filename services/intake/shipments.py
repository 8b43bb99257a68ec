"""Shipment reports: intake checks that the licence is the agency's own, the licence's workflow
checks the shipment against it."""

from __future__ import annotations

from schemas.envelope import utcnow
from schemas.intake import Deficiency
from schemas.licences import APPROVING, ReportShipment, ShipmentReported, licence_number
from services.intake.ports import RegisteredCase


def shipment_deficiency(case: RegisteredCase | None, command: ReportShipment) -> Deficiency | None:
    """Why the shipment cannot be taken to a licence of the agency's, if it cannot."""
    if case is None:
        return Deficiency(
            code="unknown_reference",
            path="$.data.agency_reference",
            message=f"no case is registered under reference '{command.agency_reference}'",
        )
    if case.outcome not in APPROVING:
        return Deficiency(
            code="unknown_licence",
            path="$.data.licence_number",
            message=f"case {case.control_number} has no licence: it is "
            + (f"{case.outcome}" if case.outcome else "not decided"),
        )
    issued = licence_number(case.control_number)
    if command.licence_number != issued:
        return Deficiency(
            code="unknown_licence",
            path="$.data.licence_number",
            message=f"licence '{command.licence_number}' is not the licence of case "
            f"{case.control_number} (that is {issued})",
        )
    return None


def shipment_reported(case: RegisteredCase, command: ReportShipment) -> ShipmentReported:
    """The internal event the licence's workflow is asked to check."""
    return ShipmentReported(
        case_id=case.case_id,
        control_number=case.control_number,
        reported_at=utcnow(),
        shipment=command,
    )
