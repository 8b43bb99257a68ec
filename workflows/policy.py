"""The case policy file: timelines and thresholds operators maintain, read before cases start."""

from __future__ import annotations

import json
from pathlib import Path

from pydantic import ConfigDict

from workflows.appeal_rules import AppealPolicy
from workflows.model import CasePolicy

DEFAULT_CASE_POLICY = Path(__file__).parent / "data" / "case_policy.json"
DEFAULT_APPEAL_POLICY = Path(__file__).parent / "data" / "appeal_policy.json"


class CasePolicyFile(CasePolicy):
    """The policy as stored: the policy itself, its version and the sources it draws on."""

    # A misspelt or retired key (such as `escalation_time`, now `escalation_levels`) is refused
    # rather than silently left at its default.
    model_config = ConfigDict(extra="forbid")

    version: str
    sources: dict[str, str]

    def policy(self) -> CasePolicy:
        """The policy a workflow carries (the version and sources stay in the file)."""
        return CasePolicy.model_validate(self.model_dump(include=set(CasePolicy.model_fields)))


def load_case_policy(path: Path | None = None) -> CasePolicy:
    """Read the case policy file (the shipped one unless another is given)."""
    stored = json.loads((path or DEFAULT_CASE_POLICY).read_text())
    return CasePolicyFile.model_validate(stored).policy()


class AppealPolicyFile(AppealPolicy):
    """The appeal policy as stored, with its version."""

    model_config = ConfigDict(extra="forbid")

    version: str


def load_appeal_policy(path: Path | None = None) -> AppealPolicy:
    """Read the appeal policy file (the shipped one unless another is given)."""
    stored = json.loads((path or DEFAULT_APPEAL_POLICY).read_text())
    return AppealPolicy.model_validate(
        AppealPolicyFile.model_validate(stored).model_dump(exclude={"version"})
    )
