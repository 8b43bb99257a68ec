"""Screening: from an application and what is known about its parties to an explained risk."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from schemas.application import SubmitApplication
from schemas.screening import (
    Finding,
    FindingCategory,
    PartnerConsultation,
    PartnerNotice,
    RiskLevel,
    ScreeningCompleted,
)
from schemas.sharing import ApprovalDespiteDenial
from services.screening.policy import ScreeningPolicy, most_severe
from services.screening.rules.destination import DestinationRegister, destination_findings
from services.screening.rules.due_diligence import due_diligence_findings
from services.screening.rules.end_use import red_flag_findings
from services.screening.rules.items import item_findings
from services.screening.rules.notices import partner_notice_findings
from services.screening.rules.parties import Clearance, PartyScreener, party_findings

__all__ = [
    "Assessment",
    "Clearance",
    "Knowledge",
    "PartyScreener",
    "Screening",
    "ScreeningPolicy",
    "assess",
    "screening_result",
]


@dataclass(frozen=True)
class Knowledge:
    """What screening knows beyond the application: lists, destinations, notices, clearances."""

    screener: PartyScreener
    destinations: DestinationRegister
    notices: Sequence[PartnerNotice] = ()
    approvals: Sequence[ApprovalDespiteDenial] = ()
    clearances: Sequence[Clearance] = field(default_factory=tuple)


@dataclass(frozen=True)
class Assessment:
    """The outcome of screening one application."""

    risk_level: RiskLevel
    findings: list[Finding]
    recommended_route: list[str]
    partner_consultations: list[PartnerConsultation]


def assess(
    application: SubmitApplication, policy: ScreeningPolicy, knowledge: Knowledge
) -> Assessment:
    """Screen parties, items, destination, end use, due diligence and partner notices."""
    items = item_findings(application, policy)
    item_risk = most_severe(finding.severity for finding in items)
    notices = partner_notice_findings(application, policy, knowledge.notices, knowledge.approvals)
    findings = [
        *party_findings(application, policy, knowledge.screener, knowledge.clearances),
        *items,
        *destination_findings(application, knowledge.destinations),
        *red_flag_findings(application, policy),
        *due_diligence_findings(application, policy, item_risk),
        *notices.findings,
    ]
    risk = policy.overall.level(list(_worst_by_category(findings).values()))
    route = [*policy.routes.get(risk, [])]
    for category, worst in _worst_by_category(findings).items():
        if worst.rank >= RiskLevel.MEDIUM.rank:
            route += policy.category_routes.get(category, [])
    route += notices.route
    return Assessment(risk, findings, list(dict.fromkeys(route)), notices.consultations)


def _worst_by_category(findings: list[Finding]) -> dict[FindingCategory, RiskLevel]:
    worst: dict[FindingCategory, RiskLevel] = {}
    for finding in findings:
        if finding.category not in worst or finding.severity.rank > worst[finding.category].rank:
            worst[finding.category] = finding.severity
    return worst


@dataclass(frozen=True)
class Screening:
    """What one screening answers: which request, for which case, and why it ran."""

    request_id: str
    case_id: str
    application: SubmitApplication
    reason: str = "requested"


def screening_result(
    screening: Screening, policy: ScreeningPolicy, knowledge: Knowledge, screened_at: datetime
) -> ScreeningCompleted:
    """The result of screening, recording the policy and list versions that produced it."""
    assessment = assess(screening.application, policy, knowledge)
    return ScreeningCompleted(
        request_id=screening.request_id,
        case_id=screening.case_id,
        reason=screening.reason,
        risk_level=assessment.risk_level,
        findings=assessment.findings,
        recommended_route=assessment.recommended_route,
        partner_consultations=assessment.partner_consultations,
        policy_version=f"{policy.version}+destinations@{knowledge.destinations.version}",
        list_version=knowledge.screener.list_version,
        screened_at=screened_at,
    )
