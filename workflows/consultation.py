"""What a case tells the consultation service: the request, that its deadline passed, and a
denial to share with partner states."""

from __future__ import annotations

from datetime import datetime

from schemas.application import PartyKind, SubmitApplication, TechnologyCategory
from schemas.consultation import (
    CaseItem,
    CaseParty,
    CaseSummary,
    ConsultationDeadlinePassed,
    ConsultationRequested,
    ShareNotice,
)
from schemas.screening import NoticeKind, ScreeningCompleted
from schemas.types import COUNTRY_CODES
from workflows.model import CaseState, Consultation


def consultation_requested(state: CaseState, stakeholders: list[str]) -> ConsultationRequested:
    """Ask for a consultation round; the service minimises what each stakeholder sees."""
    consultation, screening, application = state.consultation, state.screening, state.application
    assert consultation is not None
    assert screening is not None
    categories = dict.fromkeys(c for item in application.items for c in item.technology_categories)
    return ConsultationRequested(
        case_id=state.case_id,
        request_id=consultation.request_id,
        control_number=state.control_number,
        destination_country=application.destination_country,
        technology_categories=list(categories),
        control_codes=application.control_codes,
        findings=screening.findings,
        risk_level=screening.risk_level,
        notice_states=notice_states(screening),
        case_summary=CaseSummary(
            parties=case_parties(application),
            end_use_statement=application.end_use_statement,
            items=[CaseItem.model_validate(item.model_dump()) for item in application.items],
        ),
        proposed_stakeholders=stakeholders,
        response_days=None,  # the consultation service's policy; ConsultationOpened says when
    )


def deadline_passed(state: CaseState, consultation: Consultation) -> ConsultationDeadlinePassed:
    """Tell the consultation service the round's deadline passed: silent ones do not object."""
    return ConsultationDeadlinePassed(
        case_id=state.case_id, request_id=consultation.request_id, deadline=consultation.due_at
    )


def due(consultation: Consultation, now: datetime) -> bool:
    """Whether the service must be told (again) that the deadline passed."""
    return consultation.concluded is None and now >= consultation.due_at


def share_denial(state: CaseState) -> ShareNotice | None:
    """Ask for a denial on human-rights grounds to be shared with partner states (the
    consultation service keeps what identifies the transaction and drops the rest).

    None for any other decision, or when the agency's code (`DE-BAFA`) names no known state.
    """
    decided, signed = state.decided, state.sign_off
    if decided is None or signed is None or signed.outcome is not decided.outcome:
        return None
    grounds = [ground.text for ground in signed.grounds if ground.human_rights]
    issuing_state = state.application.submitting_agency.split("-", 1)[0]
    if not grounds or issuing_state not in COUNTRY_CODES:
        return None
    application = state.application
    categories = dict.fromkeys(c for item in application.items for c in item.technology_categories)
    return ShareNotice(
        case_id=state.case_id,
        kind=NoticeKind.DENIAL,
        issuing_state=issuing_state,
        notice_id=f"{issuing_state}/{state.control_number}",
        destination_country=application.destination_country,
        parties=case_parties(application),
        technology_categories=list(categories) or [TechnologyCategory.GENERAL_PURPOSE],
        control_codes=application.control_codes,
        reason="; ".join(grounds),
    )


def case_parties(application: SubmitApplication) -> list[CaseParty]:
    """Every party with its role and country, individuals marked as such."""
    return [
        CaseParty(
            role=role,
            name=party.name,
            country=party.address.country,
            individual=party.kind is PartyKind.INDIVIDUAL,
        )
        for role, party in application.parties()
    ]


def notice_states(screening: ScreeningCompleted, kind: NoticeKind | None = None) -> list[str]:
    """Partner states whose notice (of `kind`, or any) matched the case: each must be consulted."""
    matched = screening.partner_consultations
    return list(dict.fromkeys(p.state for p in matched if kind in (None, p.kind)))
