"""Item rules: human-rights-relevant control codes and declared technology categories."""

from __future__ import annotations

from schemas.application import SubmitApplication
from schemas.screening import Finding, FindingCategory, RiskLevel
from services.screening.policy import ScreeningPolicy


def item_findings(application: SubmitApplication, policy: ScreeningPolicy) -> list[Finding]:
    """A finding per risky control code and per risky declared category of each item."""
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
                    reference=f"control_code:{item.control_code}",
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
                        reference=f"technology_category:{category.value}",
                    )
                )
    return findings


def technology_categories(application: SubmitApplication, policy: ScreeningPolicy) -> set[str]:
    """The categories of the items: declared, and implied by their control codes."""
    found: set[str] = set()
    for item in application.items:
        found.update(category.value for category in item.technology_categories)
        risk = policy.control_code_risk(item.control_code)
        if risk is not None:
            found.add(risk.category)
    return found
