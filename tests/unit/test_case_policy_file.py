"""The case policy file: the shipped timelines, a shortened copy, and a broken one refused."""

import json
from datetime import timedelta
from pathlib import Path

import pytest
from pydantic import ValidationError

from schemas.screening import RiskLevel
from workflows.model import CasePolicy
from workflows.policy import DEFAULT_CASE_POLICY, load_case_policy


def test_shipped_file_holds_the_documented_defaults() -> None:
    assert load_case_policy() == CasePolicy()


def test_a_copy_with_shorter_timelines_is_what_cases_get(tmp_path: Path) -> None:
    stored = json.loads(DEFAULT_CASE_POLICY.read_text())
    stored |= {"consultation_time": "PT5S", "countersigned_risk_levels": ["critical"]}
    (tmp_path / "policy.json").write_text(json.dumps(stored))

    policy = load_case_policy(tmp_path / "policy.json")

    assert policy.consultation_time == timedelta(seconds=5)
    assert policy.countersigned_risk_levels == [RiskLevel.CRITICAL]


def test_a_file_without_version_or_with_a_bad_duration_is_refused(tmp_path: Path) -> None:
    stored = json.loads(DEFAULT_CASE_POLICY.read_text())
    del stored["version"]
    stored["decision_time"] = "ninety days"
    (tmp_path / "policy.json").write_text(json.dumps(stored))

    with pytest.raises(ValidationError) as refused:
        load_case_policy(tmp_path / "policy.json")

    assert {error["loc"] for error in refused.value.errors()} == {("version",), ("decision_time",)}


def test_the_shipped_levels_and_referral_target_name_their_sources() -> None:
    stored = json.loads(DEFAULT_CASE_POLICY.read_text())
    policy = load_case_policy()

    assert [level.committee for level in policy.escalation_levels] == [
        "Operating Committee",
        "Advisory Committee on Export Policy",
    ]
    assert policy.referral_time == timedelta(days=9)
    assert "EO 12981" in stored["sources"]
    for words in ("14 days", "within 5 days", "11 days", "within 9 days"):
        assert words in stored["sources"]["EO 12981"]


def test_a_third_level_and_a_shorter_referral_target_are_policy_data(tmp_path: Path) -> None:
    stored = json.loads(DEFAULT_CASE_POLICY.read_text())
    board = {
        "committee": "Export Administration Review Board",
        "chaired_by": "committee_chair",
        "decision_time": "P11D",
    }
    stored |= {"escalation_levels": [*stored["escalation_levels"], board], "referral_time": "PT9S"}
    (tmp_path / "policy.json").write_text(json.dumps(stored))

    policy = load_case_policy(tmp_path / "policy.json")

    assert [level.decision_time.days for level in policy.escalation_levels] == [14, 11, 11]
    assert policy.escalation_levels[2].appeal_time == timedelta(days=5)
    assert policy.referral_time == timedelta(seconds=9)


def test_a_retired_key_or_a_file_without_levels_is_refused(tmp_path: Path) -> None:
    stored = json.loads(DEFAULT_CASE_POLICY.read_text())
    stored |= {"escalation_time": "P14D", "escalation_levels": []}
    (tmp_path / "policy.json").write_text(json.dumps(stored))

    with pytest.raises(ValidationError) as refused:
        load_case_policy(tmp_path / "policy.json")

    assert {error["loc"] for error in refused.value.errors()} == {
        ("escalation_time",),
        ("escalation_levels",),
    }
