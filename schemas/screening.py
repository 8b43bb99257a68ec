"""Screening requests and results: the risk a case carries, each finding explained."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from pydantic import Field

from schemas.application import SubmitApplication
from schemas.envelope import Contract


class RiskLevel(StrEnum):
    """Overall or per-finding risk, in increasing order."""

    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"
    CRITICAL = "critical"

    @property
    def rank(self) -> int:
        """Position in the order low < medium < high < critical."""
        return list(RiskLevel).index(self)


class FindingCategory(StrEnum):
    """What a finding is about."""

    RESTRICTED_PARTY = "restricted_party"
    ITEM = "item"
    DESTINATION = "destination"
    END_USE = "end_use"
    DUE_DILIGENCE = "due_diligence"
    PARTNER_NOTICE = "partner_notice"


class Finding(Contract):
    """One reason for concern, with the evidence and a readable explanation."""

    event_type = "Finding"

    category: FindingCategory
    severity: RiskLevel
    evidence: str = Field(description="What in the application triggered it.")
    explanation: str = Field(description="Why it matters, in words a reviewer reads.")


class ScreeningRequested(Contract):
    """Command: screen this case (sent again if no answer arrives in time)."""

    event_type = "ScreeningRequested"

    request_id: str = Field(description="Id of this request; the result carries it back.")
    case_id: str
    reason: str = Field(default="registration", description="Why screening is requested.")
    application: SubmitApplication


class ScreeningCompleted(Contract):
    """Event: the result of screening one request."""

    event_type = "ScreeningCompleted"

    request_id: str = Field(
        description="The request answered, or `<case>/rescreen/<list version>`."
    )
    case_id: str
    reason: str = Field(
        default="requested",
        description="`requested`, or why screening ran unasked (e.g. `list_update: …`).",
    )
    risk_level: RiskLevel
    findings: list[Finding] = Field(default_factory=list)
    recommended_route: list[str] = Field(
        default_factory=list, description="Stakeholders to consult, human-readable."
    )
    policy_version: str
    list_version: str
    screened_at: datetime
