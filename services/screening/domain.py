"""Screening rules: from an application and the list hits to a risk level with findings."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from pydantic import BaseModel, model_validator

from schemas.application import SubmitApplication
from schemas.screening import Finding, FindingCategory, RiskLevel
from services.screening.matching import Hit

DEFAULT_POLICY = Path(__file__).parent / "data" / "policy.json"


class ControlCodeRisk(BaseModel):
    """What a control code means for human rights."""

    category: str
    severity: RiskLevel
    label: str
    source: str


class ScreeningPolicy(BaseModel):
    """Versioned screening policy: control codes, technology categories, routes."""

    version: str
    sources: dict[str, str]
    control_codes: dict[str, ControlCodeRisk]
    technology_categories: dict[str, RiskLevel]
    restricted_party_severity: RiskLevel
    routes: dict[RiskLevel, list[str]]

    @model_validator(mode="after")
    def _sources_named(self) -> ScreeningPolicy:
        unknown = {code.source for code in self.control_codes.values()} - set(self.sources)
        if unknown:
            raise ValueError(f"control codes cite unknown sources: {sorted(unknown)}")
        return self

    @classmethod
    def load(cls, path: Path = DEFAULT_POLICY) -> ScreeningPolicy:
        """Read the policy file."""
        return cls.model_validate(json.loads(path.read_text()))

    def control_code_risk(self, code: str) -> ControlCodeRisk | None:
        """The most specific entry for `code` (`4E001.c` before `4E001`)."""
        parts = code.split(".")
        for length in range(len(parts), 0, -1):
            found = self.control_codes.get(".".join(parts[:length]))
            if found is not None:
                return found
        return None


class PartyScreener(Protocol):
    """Looks a party up in the restricted-party lists."""

    @property
    def list_version(self) -> str: ...

    def screen(self, party_name: str, country: str | None = None) -> list[Hit]: ...


@dataclass(frozen=True)
class Assessment:
    """The outcome of screening one application."""

    risk_level: RiskLevel
    findings: list[Finding]
    recommended_route: list[str]


def assess(
    application: SubmitApplication, policy: ScreeningPolicy, screener: PartyScreener
) -> Assessment:
    """Screen parties and items; the overall risk is the most severe finding."""
    findings = _party_findings(application, policy, screener) + _item_findings(application, policy)
    risk = max(
        (finding.severity for finding in findings),
        key=lambda level: level.rank,
        default=RiskLevel.LOW,
    )
    return Assessment(risk, findings, policy.routes.get(risk, []))


def _party_findings(
    application: SubmitApplication, policy: ScreeningPolicy, screener: PartyScreener
) -> list[Finding]:
    findings: list[Finding] = []
    for role, party in application.parties():
        for hit in screener.screen(party.name, party.address.country):
            findings.append(
                Finding(
                    category=FindingCategory.RESTRICTED_PARTY,
                    severity=policy.restricted_party_severity,
                    evidence=f"{role.replace('_', ' ')} '{party.name}' ({party.address.country})",
                    explanation=f"matches '{hit.entry_name}' on {hit.list_source} "
                    f"(score {hit.score:.2f}): {hit.explanation}",
                )
            )
    return findings


def _item_findings(application: SubmitApplication, policy: ScreeningPolicy) -> list[Finding]:
    findings: list[Finding] = []
    for index, item in enumerate(application.items, start=1):
        risk = policy.control_code_risk(item.control_code)
        if risk is not None:
            findings.append(
                Finding(
                    category=FindingCategory.ITEM,
                    severity=risk.severity,
                    evidence=f"item {index}: {item.control_code} ({risk.label})",
                    explanation=f"{item.control_code} is controlled as "
                    f"{risk.category.replace('_', ' ')}: {policy.sources[risk.source]}",
                )
            )
        for category in item.technology_categories:
            severity = policy.technology_categories.get(category.value, RiskLevel.LOW)
            if severity.rank >= RiskLevel.MEDIUM.rank:
                findings.append(
                    Finding(
                        category=FindingCategory.ITEM,
                        severity=severity,
                        evidence=f"item {index}: declared {category.value.replace('_', ' ')}",
                        explanation="the declared technology can enable surveillance or "
                        "repression when misused (EU Recommendation 2024/2659)",
                    )
                )
    return findings
