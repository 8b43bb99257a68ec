"""Due-diligence rules: a high-risk item needs the exporter's human-rights due diligence."""

from __future__ import annotations

from schemas.application import SubmitApplication
from schemas.screening import Finding, FindingCategory, RiskLevel
from services.screening.policy import ScreeningPolicy


def due_diligence_findings(
    application: SubmitApplication, policy: ScreeningPolicy, item_risk: RiskLevel
) -> list[Finding]:
    """Findings for a missing or thin attestation when the items' risk calls for one."""
    rules = policy.due_diligence
    if item_risk.rank < rules.required_from.rank:
        return []
    attestation = application.due_diligence
    why = (
        f"items rated {item_risk.value} call for human-rights due diligence "
        f"({policy.cite(rules.source)})"
    )
    findings: list[Finding] = []
    gaps = [
        gap
        for gap, missing in (
            ("no due diligence was performed", not attestation.performed),
            ("the end user was not assessed", not attestation.end_user_assessed),
        )
        if missing
    ]
    if gaps:
        findings.append(_finding(rules.missing_severity, "; ".join(gaps), why, "missing"))
    words = len(attestation.summary.split())
    if words < rules.min_summary_words:
        evidence = f'attestation summary of {words} words: "{attestation.summary}"'
        findings.append(_finding(rules.thin_severity, evidence, why, "thin"))
    return findings


def _finding(severity: RiskLevel, evidence: str, why: str, kind: str) -> Finding:
    return Finding(
        category=FindingCategory.DUE_DILIGENCE,
        severity=severity,
        evidence=evidence,
        explanation=f"{why}; the attestation falls short",
        reference=f"due_diligence:{kind}",
    )
