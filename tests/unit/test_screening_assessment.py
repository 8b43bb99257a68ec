"""Screening assessment: parties, control codes and declared technology give explained findings."""

from __future__ import annotations

import pytest

from entrypoints.samples import sample_applications
from schemas.screening import FindingCategory, RiskLevel
from services.screening.current_lists import load_screener
from services.screening.domain import Knowledge, ScreeningPolicy, assess
from services.screening.rules.destination import DestinationRegister

POLICY = ScreeningPolicy.load()
KNOWN = Knowledge(load_screener(), DestinationRegister.load())


def by_reference(prefix: str) -> int:
    return next(
        index
        for index, application in enumerate(sample_applications())
        if application.agency_reference.startswith(prefix)
    )


def test_an_nso_end_user_makes_the_case_critical_with_the_entity_list_hit_explained() -> None:
    application = sample_applications()[by_reference("ECJU")]
    assessment = assess(application, POLICY, KNOWN)
    assert assessment.risk_level is RiskLevel.CRITICAL
    [hit] = [f for f in assessment.findings if f.category is FindingCategory.RESTRICTED_PARTY]
    assert "N.S.O. Group Technologies Limited" in hit.evidence
    assert "end user" in hit.evidence
    assert "NSO Group" in hit.explanation
    assert "Entity List" in hit.explanation
    assert "defence" in assessment.recommended_route


def test_teaching_equipment_for_a_university_is_low_risk_without_findings() -> None:
    assessment = assess(sample_applications()[by_reference("BAFA")], POLICY, KNOWN)
    assert assessment.risk_level is RiskLevel.LOW
    assert assessment.findings == []
    assert assessment.recommended_route == []


@pytest.mark.parametrize(
    ("code", "severity"),
    [("4E001.c", RiskLevel.CRITICAL), ("4E001", RiskLevel.HIGH), ("5A001.j.1", RiskLevel.HIGH)],
)
def test_the_most_specific_control_code_entry_decides(code: str, severity: RiskLevel) -> None:
    risk = POLICY.control_code_risk(code)
    assert risk is not None
    assert risk.severity is severity


def test_network_surveillance_items_are_high_risk_and_cite_their_source() -> None:
    assessment = assess(sample_applications()[by_reference("CDIU")], POLICY, KNOWN)
    assert assessment.risk_level is RiskLevel.HIGH
    item = next(f for f in assessment.findings if "5A001.j" in f.evidence)
    assert "EU Regulation 2021/821" in item.explanation


def test_a_policy_citing_an_unknown_source_is_refused() -> None:
    data = POLICY.model_dump(mode="json")
    data["control_codes"]["4A005"]["source"] = "rumour"
    with pytest.raises(ValueError, match="unknown sources: \\['rumour'\\]"):
        ScreeningPolicy.model_validate(data)


def test_a_red_flag_citing_an_unknown_source_or_an_invalid_pattern_is_refused() -> None:
    data = POLICY.model_dump(mode="json")
    data["red_flags"][0]["source"] = "rumour"
    with pytest.raises(ValueError, match="rules cite unknown sources"):
        ScreeningPolicy.model_validate(data)
    data["red_flags"][0]["pattern"] = "(unclosed"
    with pytest.raises(ValueError, match="pattern does not compile"):
        ScreeningPolicy.model_validate(data)
