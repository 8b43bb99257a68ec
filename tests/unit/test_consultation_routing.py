"""Routing: who is referred a case, by policy data; notice states required; never the conflicted."""

from __future__ import annotations

from decimal import Decimal

from schemas.application import TechnologyCategory
from schemas.consultation import CaseItem, CaseParty, CaseSummary, ConsultationRequested
from schemas.screening import Finding, FindingCategory, RiskLevel
from services.consultation.policy import RoutingPolicy, StakeholderRegistry
from services.consultation.routing import route

BROKER = "Omar Haddad Al-Farsi"  # a sole trader: an individual, so personal data


def surveillance_request(
    request_id: str = "req-1",
    case_id: str = "case-1",
    *,
    proposed: list[str] | None = None,
    notice_states: list[str] | None = None,
    applicant: str = "Delta Netwerkbeveiliging BV",
) -> ConsultationRequested:
    """A high-risk IP-surveillance case to the UAE with an individual broker among its parties."""
    return ConsultationRequested(
        case_id=case_id,
        request_id=request_id,
        control_number="Z104417",
        destination_country="AE",
        technology_categories=[TechnologyCategory.NETWORK_SURVEILLANCE],
        control_codes=["5A001.j", "5D001.e"],
        findings=[
            Finding(
                category=FindingCategory.END_USE,
                severity=RiskLevel.HIGH,
                evidence=f"the broker {BROKER} asked for the covert-capability option",
                explanation="Marketing or requests stressing covert capability are a red flag.",
                reference="end_use:covert_capability",
            )
        ],
        risk_level=RiskLevel.HIGH,
        notice_states=notice_states or [],
        case_summary=CaseSummary(
            parties=[
                CaseParty(role="applicant", name=applicant, country="NL"),
                CaseParty(role="purchaser", name="Gulf Telecom Integration LLC", country="AE"),
                CaseParty(
                    role="intermediate_consignee", name=BROKER, country="AE", individual=True
                ),
                CaseParty(
                    role="end_user", name="National Telecom Regulatory Directorate", country="AE"
                ),
            ],
            end_use_statement="Monitoring centre for lawful interception of IP traffic; "
            f"commissioning arranged by {BROKER.upper()} for the regulator.",
            items=[
                CaseItem(
                    control_code="5A001.j",
                    description="IP network communications surveillance system",
                    technology_categories=[TechnologyCategory.NETWORK_SURVEILLANCE],
                    quantity=Decimal(2),
                    unit="units",
                    unit_value=Decimal("1250000"),
                    total_value=Decimal("2500000"),
                    currency="EUR",
                )
            ],
        ),
        proposed_stakeholders=proposed or [],
    )


REGISTRY = StakeholderRegistry.load().stakeholders
POLICY = RoutingPolicy.load()


def referred(request: ConsultationRequested) -> set[str]:
    return {referee.stakeholder.id for referee in route(request, REGISTRY, POLICY).referred}


def test_a_high_risk_surveillance_case_goes_to_defence_foreign_affairs_hr_office_and_experts() -> (
    None
):
    assert referred(surveillance_request()) == {
        "us-dod-dtsa",
        "us-state-isn",
        "us-state-drl",
        "cso-digital-rights",
        "cso-gulf-monitor",
        "acad-surveillance-lab",
    }


def test_a_stakeholder_conflicted_with_the_applicant_is_never_referred_even_when_proposed() -> None:
    request = surveillance_request(proposed=["us-dod-dtsa", "ind-security-tech"])

    routing = route(request, REGISTRY, POLICY)

    assert [r.stakeholder.id for r in routing.referred] == ["us-dod-dtsa"]
    [(stakeholder, conflict)] = routing.conflicted
    assert stakeholder.id == "ind-security-tech"
    assert conflict.value == "Delta Netwerkbeveiliging BV"


def test_a_conflict_is_recognised_whatever_the_spelling_of_the_party() -> None:
    request = surveillance_request(
        proposed=["ind-security-tech"], applicant="DELTA  netwerkbeveiliging B.V."
    )

    assert referred(request) == set()


def test_a_stakeholder_conflicted_with_the_destination_is_never_referred() -> None:
    request = surveillance_request(proposed=["cso-andean-justice", "us-state-drl"])
    peru = request.model_copy(update={"destination_country": "PE"})

    assert referred(peru) == {"us-state-drl"}


def test_a_partner_state_whose_denial_notice_matched_must_be_consulted() -> None:
    request = surveillance_request(proposed=["us-state-drl"], notice_states=["DE"])

    routing = route(request, REGISTRY, POLICY)

    assert {(r.stakeholder.id, r.required) for r in routing.referred} == {
        ("us-state-drl", False),
        ("partner-de", True),
    }


def test_a_notice_state_with_no_registered_contact_is_reported_missing() -> None:
    routing = route(surveillance_request(notice_states=["IE"]), REGISTRY, POLICY)

    assert routing.missing == ["partner state IE"]


def test_a_low_risk_general_purpose_case_needs_no_consultation_by_default() -> None:
    request = surveillance_request().model_copy(
        update={
            "risk_level": RiskLevel.LOW,
            "technology_categories": [TechnologyCategory.GENERAL_PURPOSE],
            "findings": [],
        }
    )

    assert referred(request) == set()
