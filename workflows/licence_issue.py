"""The licence an approval grants: its parts, from the decision, the application and the policy."""

from __future__ import annotations

from datetime import datetime

from schemas.licences import LicenceIssued, licence_number
from workflows.licence_model import LicenceInput, LicenceState
from workflows.licence_rules import conditions_of, licensed_items, valid_until


def issued_licence(start: LicenceInput, now: datetime) -> LicenceState:
    """The licence issued at `now` for the approving decision in `start`."""
    decided, application, policy = start.decided, start.application, start.policy
    assert decided is not None, "checked by LicenceInput"
    assert application is not None, "checked by LicenceInput"
    regime = policy.validity
    conditions = conditions_of(decided.conditions, now, policy)
    items = licensed_items(application)
    issued = LicenceIssued(
        licence_number=licence_number(decided.control_number),
        case_id=decided.case_id,
        control_number=decided.control_number,
        submitting_agency=decided.submitting_agency,
        agency_reference=decided.agency_reference,
        holder=application.applicant.name,
        destination_country=application.destination_country,
        end_users=[party.name for party in application.end_users],
        items=items,
        conditions=conditions,
        valid_from=now,
        valid_until=valid_until(now, regime.validity_years),
        validity_basis=f"{policy.regime}: {regime.validity_years} years ({regime.source})",
    )
    return LicenceState(
        issued=issued,
        correlation_id=start.correlation_id,
        policy=policy,
        remaining=items,
        conditions=conditions,
    )


def licence_about(licence: LicenceState) -> dict[str, str]:
    """The fields every licence event names its licence by."""
    issued = licence.issued
    return {
        "licence_number": issued.licence_number,
        "case_id": issued.case_id,
        "control_number": issued.control_number,
        "submitting_agency": issued.submitting_agency,
        "agency_reference": issued.agency_reference,
    }
