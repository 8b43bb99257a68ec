"""Screening: from an application and what is known about its parties to an explained risk."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from schemas.application import SubmitApplication
from schemas.screening import Finding, RiskLevel, ScreeningCompleted
from services.screening.policy import ScreeningPolicy
from services.screening.rules.items import item_findings
from services.screening.rules.parties import PartyScreener, party_findings

__all__ = [
    "Assessment",
    "PartyScreener",
    "Screening",
    "ScreeningPolicy",
    "assess",
    "screening_result",
]


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
    findings = party_findings(application, policy, screener) + item_findings(application, policy)
    risk = max(
        (finding.severity for finding in findings),
        key=lambda level: level.rank,
        default=RiskLevel.LOW,
    )
    return Assessment(risk, findings, policy.routes.get(risk, []))


@dataclass(frozen=True)
class Screening:
    """What one screening answers: which request, for which case, and why it ran."""

    request_id: str
    case_id: str
    application: SubmitApplication
    reason: str = "requested"


def screening_result(
    screening: Screening,
    policy: ScreeningPolicy,
    screener: PartyScreener,
    screened_at: datetime,
) -> ScreeningCompleted:
    """The result of screening, recording the policy and list versions that produced it."""
    assessment = assess(screening.application, policy, screener)
    return ScreeningCompleted(
        request_id=screening.request_id,
        case_id=screening.case_id,
        reason=screening.reason,
        risk_level=assessment.risk_level,
        findings=assessment.findings,
        recommended_route=assessment.recommended_route,
        policy_version=policy.version,
        list_version=screener.list_version,
        screened_at=screened_at,
    )
