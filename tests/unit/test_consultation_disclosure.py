"""Data minimisation: each stakeholder sees only what its kind may see; notices name the minimum."""

from __future__ import annotations

from schemas.consultation import ShareNotice, StakeholderKind
from schemas.envelope import utcnow
from schemas.screening import NoticeKind
from services.consultation.disclosure import INDIVIDUAL_WITHHELD, partner_notice, referral_case
from services.consultation.policy import RoutingPolicy
from tests.unit.test_consultation_routing import BROKER, surveillance_request

POLICY = RoutingPolicy.load()


def test_civil_society_sees_no_commercial_value_and_no_individual_named_anywhere() -> None:
    case = referral_case(surveillance_request(), POLICY.disclosure[StakeholderKind.CIVIL_SOCIETY])
    text = case.model_dump_json().casefold()

    for value in ("1250000", "2500000", "eur"):
        assert value not in text
    assert all(
        (item.quantity, item.unit_value, item.total_value, item.currency)
        == (None, None, None, None)
        for item in case.items
    )
    for part in BROKER.casefold().split():
        assert part not in text
    assert INDIVIDUAL_WITHHELD.casefold() in case.end_use_statement.casefold()
    assert len(case.withheld) == 2


def test_civil_society_still_sees_the_organisations_technology_and_findings() -> None:
    case = referral_case(surveillance_request(), POLICY.disclosure[StakeholderKind.ACADEMIA])

    assert "National Telecom Regulatory Directorate" in {party.name for party in case.parties}
    assert case.control_codes == ["5A001.j", "5D001.e"]
    assert "covert-capability" in case.findings[0].evidence


def test_an_agency_sees_the_whole_case() -> None:
    request = surveillance_request()
    case = referral_case(request, POLICY.disclosure[StakeholderKind.AGENCY])

    assert case.items == request.case_summary.items
    assert BROKER in {party.name for party in case.parties}
    assert case.withheld == []


def test_a_shared_denial_notice_names_end_users_and_consignees_but_no_applicant_or_values() -> None:
    request = surveillance_request()
    command = ShareNotice(
        case_id=request.case_id,
        kind=NoticeKind.DENIAL,
        issuing_state="NL",
        notice_id="NL/Z104417",
        destination_country="AE",
        parties=request.case_summary.parties,
        technology_categories=request.technology_categories,
        control_codes=request.control_codes,
        reason="Risk of surveillance of journalists and human-rights defenders",
    )

    notice = partner_notice(command, utcnow())

    assert notice is not None
    assert {party.role for party in notice.parties} == {"end_user", "intermediate_consignee"}
    shared = notice.model_dump_json()
    assert "Delta" not in shared
    assert "Gulf Telecom" not in shared
    assert "1250000" not in shared
