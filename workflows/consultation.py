"""What a case tells the consultation service: the request, a reminder, that its deadline
passed, that the case ended, and a denial (or an approval despite a partner's denial) to share
with partner states."""

from __future__ import annotations

from datetime import datetime, timedelta

from schemas.application import PartyKind, SubmitApplication, TechnologyCategory
from schemas.cases import DecisionOutcome
from schemas.consultation import (
    CaseItem,
    CaseParty,
    CaseSummary,
    ConsultationCancelled,
    ConsultationDeadlinePassed,
    ConsultationOpened,
    ConsultationReminderDue,
    ConsultationRequested,
    ShareNotice,
)
from schemas.screening import NoticeKind, ScreeningCompleted
from schemas.sharing import OverriddenDenial, ShareApprovalDespiteDenial
from schemas.types import COUNTRY_CODES
from workflows.model import CaseState, Consultation

APPROVALS = (DecisionOutcome.APPROVED, DecisionOutcome.APPROVED_WITH_CONDITIONS)


def consultation_requested(state: CaseState, stakeholders: list[str]) -> ConsultationRequested:
    """Ask for a consultation round; the service minimises what each stakeholder sees."""
    consultation, screening, application = state.consultation, state.screening, state.application
    assert consultation is not None
    assert screening is not None
    return ConsultationRequested(
        case_id=state.case_id,
        request_id=consultation.request_id,
        control_number=state.control_number,
        destination_country=application.destination_country,
        technology_categories=technology_categories(application),
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
        # The workflow owns the timers: its policy's due time is what stakeholders are told. (A
        # payload change only: histories recorded before it replay all the same.)
        due_at=consultation.due_at,
    )


def deadline_passed(state: CaseState, consultation: Consultation) -> ConsultationDeadlinePassed:
    """Tell the consultation service the round's deadline passed: silent ones do not object."""
    return ConsultationDeadlinePassed(
        case_id=state.case_id, request_id=consultation.request_id, deadline=consultation.due_at
    )


def opening(opened: ConsultationOpened) -> str:
    """The timeline's note of who was referred, who must be heard and who could not be."""
    required = f"; must hear {', '.join(opened.required)}" if opened.required else ""
    unheard = (
        f"; not consulted: {', '.join(opened.unheard_states)} (no contact that may be referred)"
        if opened.unheard_states
        else ""
    )
    return (
        f"consultation opened: {', '.join(opened.referred) or 'nobody'} referred"
        f"{required}{unheard}; answers due {opened.due_at:%Y-%m-%d %H:%M:%S} UTC"
    )


def reminder_at(consultation: Consultation, lead: timedelta, now: datetime) -> datetime | None:
    """When to remind the stakeholders that have not answered; None when no reminder is to come:
    none for rounds referred before reminders, nor when the round is shorter than the lead time,
    and one per deadline (an extension that moves it re-arms the reminder)."""
    if (
        not consultation.reminders
        or consultation.concluded is not None
        or consultation.cancelled_at is not None
        or lead <= timedelta(0)
        or consultation.reminded_for == consultation.due_at
        or now >= consultation.due_at
    ):
        return None
    at = consultation.due_at - lead
    return at if at > consultation.requested_at else None


def reminder_due(state: CaseState, consultation: Consultation) -> ConsultationReminderDue:
    """Ask the consultation service to remind every stakeholder that has not answered."""
    return ConsultationReminderDue(
        case_id=state.case_id, request_id=consultation.request_id, deadline=consultation.due_at
    )


def cancellation(state: CaseState, reason: str) -> ConsultationCancelled | None:
    """Tell the consultation service the case ended before its consultation concluded; None when
    no consultation is open."""
    consultation = state.consultation
    if consultation is None or consultation.concluded or consultation.cancelled_at:
        return None
    return ConsultationCancelled(
        case_id=state.case_id, request_id=consultation.request_id, reason=reason
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
    issuer = issuing_state(state)
    if not grounds or issuer is None:
        return None
    application = state.application
    return ShareNotice(
        case_id=state.case_id,
        kind=NoticeKind.DENIAL,
        issuing_state=issuer,
        notice_id=f"{issuer}/{state.control_number}",
        destination_country=application.destination_country,
        parties=case_parties(application),
        technology_categories=notice_categories(application),
        control_codes=application.control_codes,
        reason="; ".join(grounds),
    )


def share_approval(state: CaseState) -> ShareApprovalDespiteDenial | None:
    """Ask for partner states to be told that the case was approved although a partner's denial
    of an essentially identical transaction matched, and why (EU 2021/821 Art. 16).

    None for any other decision, when no partner denial matched, or when the agency's code names
    no known state."""
    decided, screening = state.decided, state.screening
    if decided is None or screening is None or decided.outcome not in APPROVALS:
        return None
    overridden = overridden_denials(screening)
    issuer = issuing_state(state)
    if not overridden or issuer is None:
        return None
    application = state.application
    return ShareApprovalDespiteDenial(
        case_id=state.case_id,
        issuing_state=issuer,
        notice_id=f"{issuer}/{state.control_number}/approval",
        overridden=overridden,
        decision=decided.outcome,
        explanation=decided.rationale,
        parties=case_parties(application),
        destination_country=application.destination_country,
        control_codes=application.control_codes,
        technology_categories=notice_categories(application),
    )


def issuing_state(state: CaseState) -> str | None:
    """The state a notice of the case comes from, by the agency's code (`DE-BAFA`); None when
    the code names no known state."""
    country = state.application.submitting_agency.split("-", 1)[0]
    return country if country in COUNTRY_CODES else None


def overridden_denials(screening: ScreeningCompleted) -> list[OverriddenDenial]:
    """The partner denial notices that matched the case, once each."""
    denials = [p for p in screening.partner_consultations if p.kind is NoticeKind.DENIAL]
    unique = dict.fromkeys((p.state, p.notice_id) for p in denials)
    return [OverriddenDenial(state=state, notice_id=notice_id) for state, notice_id in unique]


def technology_categories(application: SubmitApplication) -> list[TechnologyCategory]:
    """The technology categories the application's items declare, once each."""
    items = application.items
    return list(dict.fromkeys(c for item in items for c in item.technology_categories))


def notice_categories(application: SubmitApplication) -> list[TechnologyCategory]:
    """The technology a notice names: as declared, or general purpose when none is."""
    return technology_categories(application) or [TechnologyCategory.GENERAL_PURPOSE]


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
