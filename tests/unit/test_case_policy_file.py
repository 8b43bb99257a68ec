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
