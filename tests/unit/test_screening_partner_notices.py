"""Partner notices: a denial of an essentially identical transaction asks for consultation."""

from __future__ import annotations

import uuid
from datetime import date

from schemas.application import TechnologyCategory
from schemas.cases import DecisionOutcome
from schemas.envelope import Envelope
from schemas.screening import (
    FindingCategory,
    NoticeKind,
    NoticeParty,
    PartnerNotice,
    RiskLevel,
    ScreeningCompleted,
    ScreeningRequested,
)
from schemas.sharing import ApprovalDespiteDenial, OverriddenDenial
from services.screening.current_lists import load_screener
from services.screening.domain import Knowledge, ScreeningPolicy
from services.screening.handlers import record_partner_notice, screen_case
from services.screening.rules.destination import DestinationRegister
from tests.unit.test_screening_fakes import (
    FakeScreeningStore,
    application,
    party,
    screening_request,
)

POLICY = ScreeningPolicy.load()
KNOWN = Knowledge(load_screener(), DestinationRegister.load())
MINISTRY = party("Ministry of Interior, Department of Operational Technology", "AE")


def denial(**changes: object) -> Envelope[PartnerNotice]:
    notice = PartnerNotice(
        notice_id="NL-2026-0042",
        kind=NoticeKind.DENIAL,
        issuing_state="NL",
        issued_on=date(2026, 10, 1),
        parties=[
            NoticeParty(
                role="end_user",
                name="Ministry of the Interior - Department of Operational Technology",
                country="AE",
            )
        ],
        technology_categories=[TechnologyCategory.NETWORK_SURVEILLANCE],
        control_codes=["5A001.j"],
        destination_country="AE",
        reason="Risk of use for the surveillance of human-rights defenders.",
        contact="CDIU, Groningen",
    ).model_copy(update=changes)
    return Envelope.wrap(notice, source="partner:NL", subject="notice", correlation_id="n")


def surveillance_to_the_ministry(
    destination: str = "AE", code: str = "5A001.j"
) -> Envelope[ScreeningRequested]:
    item = application().items[0].model_copy(update={"control_code": code})
    return screening_request(
        application(
            items=[item],
            destination_country=destination,
            end_users=[MINISTRY],
            ultimate_consignee=MINISTRY,
        )
    )


async def screened(
    store: FakeScreeningStore, request: Envelope[ScreeningRequested]
) -> ScreeningCompleted:
    await screen_case(request, store, POLICY, KNOWN)
    return store.state.results[request.data.request_id]


async def test_a_denied_essentially_identical_transaction_asks_to_consult_the_denying_state() -> (
    None
):
    store = FakeScreeningStore()
    assert await record_partner_notice(denial(), store)
    result = await screened(store, surveillance_to_the_ministry())
    [finding] = [f for f in result.findings if f.category is FindingCategory.PARTNER_NOTICE]
    assert finding.severity is RiskLevel.HIGH
    assert finding.explanation.startswith("consult the denying state before approval")
    assert "surveillance of human-rights defenders" in finding.explanation
    assert "end user 'Ministry of Interior, Department of Operational Technology'" in (
        finding.evidence
    )
    assert "same technology (network_surveillance)" in finding.evidence
    assert "same destination AE" in finding.evidence
    assert "NL (denial notice NL-2026-0042, CDIU, Groningen)" in result.recommended_route
    [consult] = result.partner_consultations
    assert (consult.state, consult.kind, consult.notice_id) == ("NL", "denial", "NL-2026-0042")


async def test_another_destination_or_technology_is_not_an_identical_transaction() -> None:
    store = FakeScreeningStore()
    await record_partner_notice(denial(), store)
    elsewhere = await screened(store, surveillance_to_the_ministry(destination="SA"))
    other_item = await screened(store, surveillance_to_the_ministry(code="EAR99"))
    for result in (elsewhere, other_item):
        assert FindingCategory.PARTNER_NOTICE not in {f.category for f in result.findings}


async def test_a_notice_about_another_end_user_is_not_an_identical_transaction() -> None:
    store = FakeScreeningStore()
    other = NoticeParty(role="end_user", name="Gulf Border Security Authority", country="AE")
    await record_partner_notice(denial(parties=[other]), store)
    result = await screened(store, surveillance_to_the_ministry())
    assert FindingCategory.PARTNER_NOTICE not in {f.category for f in result.findings}


async def test_a_risk_notice_weighs_less_and_a_redelivered_notice_is_kept_once() -> None:
    store = FakeScreeningStore()
    notice = denial(kind=NoticeKind.RISK, notice_id=f"NL-{uuid.uuid4().hex[:4]}")
    assert await record_partner_notice(notice, store)
    assert not await record_partner_notice(notice, store)
    result = await screened(store, surveillance_to_the_ministry())
    [finding] = [f for f in result.findings if f.category is FindingCategory.PARTNER_NOTICE]
    assert finding.severity is RiskLevel.MEDIUM
    assert len(store.state.notices) == 1


async def test_the_submitting_states_own_denial_asks_for_consistency_not_consultation() -> None:
    store = FakeScreeningStore()
    await record_partner_notice(denial(issuing_state="DE"), store)  # the sample is DE-BAFA's
    result = await screened(store, surveillance_to_the_ministry())
    [finding] = [f for f in result.findings if f.category is FindingCategory.PARTNER_NOTICE]
    assert finding.explanation.startswith("this state itself denied")
    assert not any(stakeholder.startswith("DE (") for stakeholder in result.recommended_route)
    assert result.partner_consultations == []


def approval_despite(notice_id: str, issuing_state: str = "FR") -> Envelope[ApprovalDespiteDenial]:
    """A partner state's approval of an identical deal despite the Netherlands' denial."""
    approval = ApprovalDespiteDenial(
        notice_id=f"{issuing_state}/A000007/approval",
        issuing_state=issuing_state,
        issued_on=date(2026, 11, 2),
        overridden=[OverriddenDenial(state="NL", notice_id=notice_id)],
        decision=DecisionOutcome.APPROVED_WITH_CONDITIONS,
        explanation="Judicial oversight of every interception is now in force.",
        parties=[NoticeParty(role="end_user", name="Ministry of the Interior", country="AE")],
        technology_categories=[TechnologyCategory.NETWORK_SURVEILLANCE],
        destination_country="AE",
    )
    return Envelope.wrap(approval, source="partner:FR", subject="notice", correlation_id="n")


async def test_a_reviewer_reads_that_another_state_approved_despite_the_matching_denial() -> None:
    store = FakeScreeningStore()
    await record_partner_notice(denial(), store)
    assert await record_partner_notice(approval_despite("NL-2026-0042"), store)
    assert await record_partner_notice(approval_despite("NL-2025-0001", "GB"), store)

    result = await screened(store, surveillance_to_the_ministry())

    [finding] = [f for f in result.findings if f.category is FindingCategory.PARTNER_NOTICE]
    assert (
        "FR approved an essentially identical transaction despite this denial (2026-11-02, "
        "notice FR/A000007/approval): Judicial oversight of every interception is now in force."
    ) in finding.explanation
    assert "GB" not in finding.explanation  # its approval went against another denial
    [consult] = result.partner_consultations  # an approval is no notice to consult on
    assert consult.notice_id == "NL-2026-0042"
