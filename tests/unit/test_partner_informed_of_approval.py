"""EU 2021/821 Art. 16: an approval despite a partner state's denial is told to partner
states, with the officer's explanation and only what identifies the transaction."""

from __future__ import annotations

import json

from desk.web import TEMPLATES
from schemas.cases import DecisionOutcome
from schemas.envelope import Envelope, utcnow
from schemas.screening import NoticeKind
from schemas.sharing import OverriddenDenial, ShareApprovalDespiteDenial
from schemas.topics import SHARING_NOTICES
from services.consultation.disclosure import INDIVIDUAL_WITHHELD, approval_notice
from services.consultation.effects import Handled
from services.consultation.sharing import share_approval as publish_approval
from tests.unit.test_consultation_handlers import FakeConsultationStore
from tests.unit.test_consultation_routing import BROKER, surveillance_request
from tests.unit.test_review_rules import NOW, a_case, consult, decision
from workflows import review
from workflows.case_card import case_card, case_view
from workflows.consultation import share_approval
from workflows.model import CaseState, DecisionRecorded
from workflows.tasks import ViewRequest

RATIONALE = "End user's licence conditions verified on site; the denial predates the reform."


def decided(outcome: DecisionOutcome, *denials: tuple[str, str], risk: bool = False) -> CaseState:
    """The sample case (agency DE-BAFA), decided `outcome`; screening matched `denials`."""
    case = a_case()
    assert case.screening is not None
    matched = [consult(state, NoticeKind.DENIAL, notice_id) for state, notice_id in denials]
    matched += [consult("FR", NoticeKind.RISK, "FR-9")] if risk else []
    case.screening = case.screening.model_copy(update={"partner_consultations": matched})
    case.decided = DecisionRecorded(
        case_id=case.case_id,
        control_number=case.control_number,
        outcome=outcome,
        decided_at=NOW,
        decided_by="officer-1",
        rationale=RATIONALE,
    )
    return case


def test_an_approval_despite_a_partner_denial_asks_to_inform_partner_states_why() -> None:
    case = decided(DecisionOutcome.APPROVED, ("JP", "JP-41"), ("NL", "NL-7"), ("JP", "JP-41"))

    command = share_approval(case)

    assert command is not None
    assert command.overridden == [
        OverriddenDenial(state="JP", notice_id="JP-41"),
        OverriddenDenial(state="NL", notice_id="NL-7"),
    ]
    assert (command.issuing_state, command.notice_id) == ("DE", "DE/T000001/approval")
    assert command.decision is DecisionOutcome.APPROVED
    assert command.explanation == RATIONALE
    assert command.destination_country == case.application.destination_country


def test_a_conditional_approval_despite_a_denial_is_shared_too() -> None:
    case = decided(DecisionOutcome.APPROVED_WITH_CONDITIONS, ("JP", "JP-41"))
    command = share_approval(case)
    assert command is not None
    assert command.decision is DecisionOutcome.APPROVED_WITH_CONDITIONS


def test_a_denial_or_an_approval_without_a_matching_partner_denial_shares_nothing() -> None:
    assert share_approval(decided(DecisionOutcome.DENIED, ("JP", "JP-41"))) is None
    assert share_approval(decided(DecisionOutcome.WITHDRAWN, ("JP", "JP-41"))) is None
    assert share_approval(decided(DecisionOutcome.APPROVED)) is None
    assert share_approval(decided(DecisionOutcome.APPROVED, risk=True)) is None


def test_an_agency_code_naming_no_known_state_shares_nothing() -> None:
    case = decided(DecisionOutcome.APPROVED, ("JP", "JP-41"))
    case.application = case.application.model_copy(update={"submitting_agency": "XX-TEST"})
    assert share_approval(case) is None


def test_an_approval_without_rationale_despite_a_partner_denial_is_refused_saying_why() -> None:
    case = decided(DecisionOutcome.APPROVED, ("JP", "JP-41"))
    case.decided = None
    silent = decision(DecisionOutcome.APPROVED, rationale="  ")

    problems = review.decision_problems(case, silent)

    assert (
        "a rationale is required: JP denied an essentially identical transaction, and partner "
        "states are told why it is approved (EU 2021/821 Art. 16)"
    ) in problems
    plain = review.decision_problems(a_case(), silent)
    assert plain == ["a rationale is required"]


def test_the_case_card_says_partner_states_were_informed() -> None:
    case = decided(DecisionOutcome.APPROVED, ("JP", "JP-41"))
    assert case.decided is not None
    assert "Partner states informed" not in case_card(case, NOW)
    case.decided.partners_informed = [OverriddenDenial(state="JP", notice_id="JP-41")]
    assert "**Partner states informed** of the approval despite the denial of JP (JP-41)" in (
        case_card(case, NOW)
    )


def test_the_desk_case_page_says_partner_states_were_informed() -> None:
    case = decided(DecisionOutcome.APPROVED, ("JP", "JP-41"))
    assert case.decided is not None
    case.decided.partners_informed = [OverriddenDenial(state="JP", notice_id="JP-41")]
    page = TEMPLATES.env.get_template("case.html")

    html = page.render(case=case_view(case, ViewRequest()), now=NOW, principal=None, csrf="-")

    assert "<strong>Partner states informed</strong> of this approval despite the denial of " in (
        html
    )
    assert "JP (JP-41)" in html


def command_for_surveillance_case() -> ShareApprovalDespiteDenial:
    """The surveillance case (a sole trader as intermediate consignee) approved despite JP."""
    request = surveillance_request()
    return ShareApprovalDespiteDenial(
        case_id=request.case_id,
        issuing_state="NL",
        notice_id="NL/Z104417/approval",
        overridden=[OverriddenDenial(state="JP", notice_id="JP-41")],
        decision=DecisionOutcome.APPROVED,
        explanation=f"The broker {BROKER.upper()} is no longer involved; the regulator is vetted.",
        destination_country="AE",
        parties=request.case_summary.parties,
        technology_categories=request.technology_categories,
        control_codes=request.control_codes,
    )


def test_the_shared_notice_names_no_individual_no_applicant_and_no_values() -> None:
    notice = approval_notice(command_for_surveillance_case(), utcnow())

    assert notice is not None
    assert {party.role for party in notice.parties} == {"end_user", "intermediate_consignee"}
    assert INDIVIDUAL_WITHHELD in {party.name for party in notice.parties}
    assert notice.explanation.startswith(f"The broker {INDIVIDUAL_WITHHELD} is no longer")
    shared = notice.model_dump_json().casefold()
    for absent in (*BROKER.casefold().split(), "delta", "gulf telecom", "1250000", "eur"):
        assert absent not in shared
    assert notice.kind == "approval_despite_denial"


async def test_the_notice_is_published_once_per_case_even_when_the_command_comes_again() -> None:
    store = FakeConsultationStore()
    command = command_for_surveillance_case()
    first = Envelope.wrap(command, source="test", subject=command.case_id, correlation_id="c")
    again = Envelope.wrap(command, source="test", subject=command.case_id, correlation_id="c")

    handled = [await publish_approval(m, store, NOW) for m in (first, first, again)]

    assert handled == [Handled.DONE, Handled.ALREADY_PROCESSED, Handled.ALREADY_PROCESSED]
    [(topic, envelope)] = store.published
    assert topic == SHARING_NOTICES.name
    assert json.loads(envelope.to_bytes())["type"] == "ApprovalDespiteDenial.v1"
