"""Destination, end-use and order red flags, due diligence, and how findings add up."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from schemas.application import DueDiligenceAttestation, Item, TechnologyCategory
from schemas.screening import Finding, FindingCategory, RiskLevel
from services.screening.current_lists import load_screener
from services.screening.domain import Assessment, Knowledge, ScreeningPolicy, assess
from services.screening.rules.destination import DEFAULT_REGISTER, DestinationRegister
from tests.unit.test_screening_fakes import application, party

POLICY = ScreeningPolicy.load()
DESTINATION = FindingCategory.DESTINATION
KNOWN = Knowledge(load_screener(), DestinationRegister.load())


def of(assessment: Assessment, category: FindingCategory) -> list[Finding]:
    return [finding for finding in assessment.findings if finding.category is category]


def spyware_item() -> Item:
    sample = application().items[0]
    return sample.model_copy(
        update={
            "control_code": "4D004",
            "description": "Mobile device monitoring software",
            "technology_categories": [TechnologyCategory.SPYWARE],
        }
    )


def attestation(**changes: object) -> DueDiligenceAttestation:
    return application().due_diligence.model_copy(update=changes)


def test_a_destination_rated_high_in_the_register_is_a_finding_citing_its_sources() -> None:
    assessment = assess(application(destination_country="BY"), POLICY, KNOWN)
    [finding] = of(assessment, FindingCategory.DESTINATION)
    assert finding.severity is RiskLevel.HIGH
    assert finding.evidence == "destination BY (Belarus)"
    assert "Freedom House, Freedom in the World 2024" in finding.explanation
    assert "Special Rapporteur on the situation of human rights in Belarus" in finding.explanation
    assert "shipped example register, not an official assessment" in finding.explanation
    assert "foreign affairs" in assessment.recommended_route


@pytest.mark.parametrize("country", ["JP", "BR"])
def test_a_destination_rated_low_or_not_in_the_register_adds_no_finding(country: str) -> None:
    assessment = assess(application(destination_country=country), POLICY, KNOWN)
    assert of(assessment, FindingCategory.DESTINATION) == []


def test_operators_replace_the_register_with_their_own_ratings(tmp_path: Path) -> None:
    data = json.loads(DEFAULT_REGISTER.read_text())
    data.update(version="agency-2027-01", example=False)
    data["destinations"]["BR"] = {
        "rating": "medium",
        "indicators": [{"source": "fh_fiw_2024", "finding": "our own assessment"}],
    }
    own = tmp_path / "destinations.json"
    own.write_text(json.dumps(data))
    knowledge = Knowledge(load_screener(), DestinationRegister.load(own))
    [finding] = of(assess(application(destination_country="BR"), POLICY, knowledge), DESTINATION)
    assert finding.severity is RiskLevel.MEDIUM
    assert "agency-2027-01" in finding.explanation
    assert "example" not in finding.explanation


def test_a_register_citing_an_unknown_source_is_refused() -> None:
    data = json.loads(DEFAULT_REGISTER.read_text())
    data["destinations"]["BY"]["indicators"][0]["source"] = "hearsay"
    with pytest.raises(ValueError, match="unknown sources"):
        DestinationRegister.model_validate(data)


@pytest.mark.parametrize(
    ("statement", "flag", "severity"),
    [
        (
            "Remote monitoring of handsets, installed covertly without the target's knowledge.",
            "red_flag:covert-capability",
            RiskLevel.HIGH,
        ),
        (
            "Monitoring the communications of opposition figures and journalists abroad.",
            "red_flag:targets-protected-groups",
            RiskLevel.HIGH,
        ),
        (
            "Nationwide monitoring of all subscribers on the mobile networks of the country.",
            "red_flag:mass-surveillance",
            RiskLevel.HIGH,
        ),
        (
            "Laboratory test equipment; the customer will pay cash on delivery at the port.",
            "red_flag:cash-for-expensive-item",
            RiskLevel.MEDIUM,
        ),
        (
            "Network test sets for the operator; the customer declined installation and "
            "training services.",
            "red_flag:declines-installation-or-training",
            RiskLevel.MEDIUM,
        ),
        ("For general purposes.", "order:thin_end_use_statement", RiskLevel.MEDIUM),
    ],
)
def test_end_use_red_flags_are_found_quoted_and_explained_with_their_source(
    statement: str, flag: str, severity: RiskLevel
) -> None:
    assessment = assess(application(end_use_statement=statement), POLICY, KNOWN)
    [finding] = [f for f in of(assessment, FindingCategory.END_USE) if f.reference == flag]
    assert finding.severity is severity
    assert statement[:20] in finding.evidence
    assert "2024/2659" in finding.explanation or "Part 732" in finding.explanation


def test_evidence_of_prior_misuse_in_the_due_diligence_is_a_red_flag() -> None:
    summary = (
        "Press and NGO reporting documents the use of earlier systems for surveillance of "
        "journalists by the customer's parent ministry; we raised it with the customer."
    )
    assessment = assess(application(due_diligence=attestation(summary=summary)), POLICY, KNOWN)
    [finding] = of(assessment, FindingCategory.END_USE)
    assert finding.reference == "red_flag:prior-misuse"
    assert finding.evidence.startswith("due-diligence summary:")
    assert "evidence of prior misuse" in finding.explanation


def test_order_facts_flag_a_forwarder_end_user_and_a_consignee_outside_the_destination() -> None:
    forwarder = party("Meridian Freight Forwarding LLC", "AE")
    assessment = assess(
        application(end_users=[forwarder], ultimate_consignee=forwarder), POLICY, KNOWN
    )
    flags = {finding.reference for finding in of(assessment, FindingCategory.END_USE)}
    assert flags == {
        "red_flag:freight-forwarder-end-user",
        "order:consignee_outside_destination",
    }
    assert assessment.risk_level is RiskLevel.MEDIUM


def test_a_high_risk_item_without_due_diligence_on_the_end_user_is_a_finding() -> None:
    thin = attestation(end_user_assessed=False, summary="Customer is known to us.")
    assessment = assess(application(items=[spyware_item()], due_diligence=thin), POLICY, KNOWN)
    findings = {f.reference: f for f in of(assessment, FindingCategory.DUE_DILIGENCE)}
    assert findings["due_diligence:missing"].severity is RiskLevel.HIGH
    assert findings["due_diligence:missing"].evidence == "the end user was not assessed"
    assert findings["due_diligence:thin"].severity is RiskLevel.MEDIUM
    assert "UN Guiding Principles" in findings["due_diligence:thin"].explanation


def test_a_low_risk_item_needs_no_due_diligence_finding() -> None:
    thin = attestation(performed=False, summary="None.", attested_on=date(2026, 11, 1))
    assessment = assess(application(due_diligence=thin), POLICY, KNOWN)
    assert of(assessment, FindingCategory.DUE_DILIGENCE) == []


def test_four_kinds_of_high_concern_together_make_the_case_critical() -> None:
    ministry = party("Ministry of Communications", "BY")
    surveillance = spyware_item().model_copy(
        update={"control_code": "5A001.j", "technology_categories": []}
    )
    high_risk = application(
        items=[surveillance],
        destination_country="BY",
        ultimate_consignee=ministry,
        end_users=[ministry],
        end_use_statement="Monitoring the communications of activists in the capital region.",
        due_diligence=attestation(performed=False),
    )
    assessment = assess(high_risk, POLICY, KNOWN)
    assert {f.severity for f in assessment.findings} == {RiskLevel.HIGH}
    assert len({f.category for f in assessment.findings}) == 4
    assert assessment.risk_level is RiskLevel.CRITICAL
    assert assessment.recommended_route == [
        "human-rights office",
        "foreign affairs",
        "defence",
    ]
