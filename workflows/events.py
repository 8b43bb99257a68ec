"""The events a case publishes, built from its state: what agencies and partners are told."""

from __future__ import annotations

from datetime import datetime

from schemas.application import TechnologyCategory
from schemas.cases import (
    CaseDeadlineApproaching,
    CaseDeadlineBreached,
    CaseDecided,
    CaseStatusChanged,
)
from schemas.screening import NoticeKind, NoticeParty, PartnerNotice, ScreeningRequested
from schemas.types import COUNTRY_CODES
from workflows.clock import Alarm, deadline
from workflows.model import CaseState


def _about(state: CaseState) -> dict[str, object]:
    """The fields by which an agency recognises its case in every case event."""
    return {
        "case_id": state.case_id,
        "control_number": state.control_number,
        "submitting_agency": state.application.submitting_agency,
        "agency_reference": state.application.agency_reference,
    }


def status_changed(state: CaseState, now: datetime) -> CaseStatusChanged:
    """The case moved to its current status."""
    return CaseStatusChanged.model_validate(
        {**_about(state), "status": state.status, "changed_at": now}
    )


def screening_requested(state: CaseState, request_id: str, reason: str) -> ScreeningRequested:
    """Ask screening to screen the application as it stands."""
    return ScreeningRequested(
        request_id=request_id,
        case_id=state.case_id,
        reason=reason,
        application=state.application,
    )


def deadline_raised(
    state: CaseState, alarm: Alarm, now: datetime
) -> CaseDeadlineApproaching | CaseDeadlineBreached:
    """The deadline is near, or has passed."""
    due = deadline(state)
    assert due is not None, "no deadline is raised while on hold"
    fields = {**_about(state), "deadline_at": due, "raised_at": now}
    if alarm is Alarm.BREACHED:
        return CaseDeadlineBreached.model_validate(fields)
    return CaseDeadlineApproaching.model_validate({**fields, "remaining": due - now})


def case_decided(state: CaseState) -> CaseDecided:
    """The final decision, with the signed-off decision's conditions, grounds and assessment."""
    decided = state.decided
    assert decided is not None
    signed = (
        state.sign_off if state.sign_off and state.sign_off.outcome is decided.outcome else None
    )
    return CaseDecided.model_validate(
        {
            **_about(state),
            "outcome": decided.outcome,
            "decided_at": decided.decided_at,
            "decided_by": decided.decided_by,
            "countersigned_by": decided.countersigned_by,
            "rationale": decided.rationale,
            "conditions": signed.conditions if signed else [],
            "grounds": signed.grounds if signed else [],
            "human_rights_assessment": signed.human_rights_assessment if signed else "",
        }
    )


def denial_notice(state: CaseState) -> PartnerNotice | None:
    """The notice partner states screen against, for a denial on human-rights grounds.

    None for any other decision, or when the agency's code (`DE-BAFA`) names no known state.
    It names parties, destination, control codes and technology categories; no commercial values.
    """
    decided, signed = state.decided, state.sign_off
    if decided is None or signed is None or signed.outcome is not decided.outcome:
        return None
    grounds = [ground.text for ground in signed.grounds if ground.human_rights]
    issuing_state = state.application.submitting_agency.split("-", 1)[0]
    if not grounds or issuing_state not in COUNTRY_CODES:
        return None
    application = state.application
    parties = [
        NoticeParty(role=role, name=party.name, country=party.address.country)
        for role, party in application.parties()
        if role in ("end_user", "ultimate_consignee", "intermediate_consignee")
    ]
    categories = list(
        dict.fromkeys(c for item in application.items for c in item.technology_categories)
    )
    return PartnerNotice(
        notice_id=f"{issuing_state}/{state.control_number}",
        kind=NoticeKind.DENIAL,
        issuing_state=issuing_state,
        issued_on=decided.decided_at.date(),
        parties=parties,
        technology_categories=categories or [TechnologyCategory.GENERAL_PURPOSE],
        control_codes=application.control_codes,
        destination_country=application.destination_country,
        reason="; ".join(grounds),
    )
