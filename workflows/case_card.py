"""How a case is shown: the case card (Temporal UI current details) and the reviewer's view."""

from __future__ import annotations

from datetime import datetime

from workflows.clock import deadline, time_on_hold
from workflows.deadlines import referral_due
from workflows.escalation import card_lines
from workflows.model import CaseState, CaseView
from workflows.review import open_actions
from workflows.tasks import ReviewDecision, ViewRequest


def case_view(state: CaseState, viewer: ViewRequest) -> CaseView:
    """The case as a reviewer sees it, with the actions open to the viewer."""
    application = state.application
    return CaseView(
        case_id=state.case_id,
        control_number=state.control_number,
        status=state.status,
        submitting_agency=application.submitting_agency,
        agency_reference=application.agency_reference,
        destination_country=application.destination_country,
        control_codes=application.control_codes,
        application=application,
        deadline_at=deadline(state),
        overdue=state.breached,
        screening=state.screening,
        alert=state.alert,
        changes=state.changes,
        assigned_reviewer=state.claimant.id if state.claimant else None,
        consultation=state.consultation,
        escalation=state.escalation,
        escalation_levels=[line.removeprefix("- ") for line in card_lines(state)],
        referral_due_at=referral_due(state),
        referral_missed=state.referral_missed,
        partner_waivers=state.partner_waivers,
        sign_off=state.sign_off,
        hold=state.hold,
        decided=state.decided,
        timeline=list(state.timeline),
        open_actions=open_actions(state, viewer),
    )


def case_card(state: CaseState, now: datetime) -> str:
    """A readable summary: who holds it, what is due when, parties, items, risk, findings."""
    application = state.application
    lines = [
        f"## Case {state.control_number} — {state.status.value.replace('_', ' ')}",
        f"**Agency** {application.submitting_agency} · reference `{application.agency_reference}`"
        f" · **destination** {application.destination_country}",
        f"**Reviewer** {state.claimant.id if state.claimant else 'unassigned'}"
        f" · {_due(state, now)}",
    ]
    referral = referral_due(state)
    if referral is not None:
        missed = " — **MISSED**" if state.referral_missed else ""
        lines.append(f"**Refer for consultation by** {referral:%Y-%m-%d %H:%M} UTC{missed}")
    if state.alert:
        lines.append(f"> **Alert:** {state.alert}")
    if state.sign_off is not None and state.decided is None:
        lines.append(
            f"**Signed off** {state.sign_off.outcome.value} by {state.sign_off.reviewer.id}; "
            "awaits a senior officer's countersignature"
        )
    if state.decided is not None:
        lines.append(f"**Decided** {state.decided.outcome.value} by {state.decided.decided_by}")
        lines += _partners_informed(state)
    if state.sign_off is not None:
        lines += ["", "### Human-rights assessment", *assessment_lines(state.sign_off)]
    if state.consultation is not None:
        lines += ["", "### Consultation", *_positions(state)]
    if state.escalation is not None:
        lines += ["", "### Escalation", *card_lines(state)]
    if state.changes:
        lines += ["", "### Last amendment", *(f"- `{c.path}`: {c.after}" for c in state.changes)]
    lines += [
        "",
        "### Parties",
        *(
            f"- {role.replace('_', ' ')}: {party.name} ({party.address.country})"
            for role, party in application.parties()
        ),
        "",
        "### Items",
        *(
            f"- `{item.control_code}` {item.description} — {item.quantity} {item.unit}"
            for item in application.items
        ),
        "",
        "### Screening",
    ]
    if state.screening is None:
        lines.append("- pending")
    else:
        lines.append(f"- **risk: {state.screening.risk_level.value}**")
        lines += [
            f"- {finding.severity.value}: {finding.evidence} — {finding.explanation}"
            for finding in state.screening.findings
        ]
        if state.screening.recommended_route:
            lines.append("- to consult: " + "; ".join(state.screening.recommended_route))
    lines += ["", "### Timeline"]
    lines += [
        f"- {entry.at:%Y-%m-%d %H:%M} {entry.status.value}: {entry.note}"
        for entry in state.timeline[-8:]
    ]
    return "\n".join(lines)


def assessment_lines(signed: ReviewDecision) -> list[str]:
    """The signed-off decision's human-rights assessment, part by part (Markdown)."""
    assessment = signed.assessment
    if assessment is None:
        return [f"- summary: {signed.human_rights_assessment or '(none recorded)'}"]
    answered = [f"`{reference}`" for reference in assessment.findings_answered]
    lines = [
        f"- **end user:** {assessment.end_user}",
        f"- **surveillance or repression:** {assessment.misuse_potential}",
        f"- **destination:** {assessment.destination}",
        f"- **sources:** {'; '.join(assessment.sources)}",
        f"- **findings answered:** {', '.join(answered) or 'none'}",
        f"- **positions answered:** {', '.join(assessment.positions_answered) or 'none'}",
        f"- **conclusion:** {assessment.conclusion}",
    ]
    if assessment.mitigations:
        lines.append(f"- **mitigations:** {'; '.join(assessment.mitigations)}")
    return lines


def _due(state: CaseState, now: datetime) -> str:
    """What is due when, in words."""
    if state.decided is not None:
        return "closed"
    held = time_on_hold(state, now)
    on_hold = f" ({held.days}d {held.seconds // 3600}h on hold)" if held else ""
    due = deadline(state)
    if due is None:
        return f"**clock stopped** awaiting the agency's information{on_hold}"
    overdue = " — **OVERDUE**" if state.breached else ""
    return f"**due** {due:%Y-%m-%d %H:%M} UTC{overdue}{on_hold}"


def _partners_informed(state: CaseState) -> list[str]:
    """That partner states were told of an approval despite their denial, if they were."""
    informed = state.decided.partners_informed if state.decided is not None else []
    if not informed:
        return []
    denials = ", ".join(f"{denial.state} ({denial.notice_id})" for denial in informed)
    return [f"**Partner states informed** of the approval despite the denial of {denials}"]


def _positions(state: CaseState) -> list[str]:
    """The stakeholders' positions, or when they are due."""
    consultation = state.consultation
    assert consultation is not None
    opened = consultation.opened
    lines = [f"- referred: {', '.join(opened.referred) or 'nobody'}"] if opened else []
    if opened is not None and opened.unheard_states:
        lines.append(f"- **not consulted:** {', '.join(opened.unheard_states)} (no contact)")
    lines += [f"- {w.state} not consulted: {w.reason} ({w.by})" for w in state.partner_waivers]
    if consultation.cancelled_at is not None:
        return [*lines, f"- cancelled {consultation.cancelled_at:%Y-%m-%d %H:%M} UTC"]
    if consultation.concluded is None:
        reminded = " (silent ones reminded)" if consultation.reminded_for else ""
        return [*lines, f"- answers due {consultation.due_at:%Y-%m-%d %H:%M} UTC{reminded}"]
    lines += [
        f"- {p.stakeholder_name}: {p.position.value}{' (silent)' if p.deemed_no_objection else ''}"
        for p in consultation.concluded.positions
    ]
    if state.escalation is not None:
        lines.append(f"- **escalated:** {state.escalation.dissent}")
    return lines
