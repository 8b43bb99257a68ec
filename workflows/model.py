"""What the LicenseCase workflow takes, answers and is told: one model per message."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field

from schemas.cases import CaseReceived, CaseStatus, DecisionOutcome
from schemas.screening import ScreeningCompleted


class CasePolicy(BaseModel):
    """Timelines of a case, as policy data with documented defaults (see DESIGN.md)."""

    decision_days: int = Field(default=90, description="Registration to decision (750.4(a)).")
    screening_answer_seconds: float = Field(
        default=120.0, description="Re-send a screening request not answered within this."
    )


class LicenseCaseInput(BaseModel):
    """Starts a case: the registered application and the policy it runs under."""

    received: CaseReceived
    correlation_id: str
    policy: CasePolicy = Field(default_factory=CasePolicy)


class ReviewDecision(BaseModel):
    """A reviewer's decision on a case under review."""

    reviewer: str = Field(description="Reviewer id of the licensing officer.")
    outcome: DecisionOutcome
    rationale: str
    conditions: list[str] = Field(default_factory=list)
    human_rights_assessment: str = Field(
        default="", description="Why the human-rights risk is acceptable or not."
    )


class DecisionRecorded(BaseModel):
    """The answer to a decision: what was recorded and when."""

    case_id: str
    control_number: str
    outcome: DecisionOutcome
    decided_at: datetime


class TimelineEntry(BaseModel):
    """One step in the life of a case."""

    at: datetime
    status: CaseStatus
    note: str


class CaseView(BaseModel):
    """The case as a reviewer sees it."""

    case_id: str
    control_number: str
    status: CaseStatus
    submitting_agency: str
    agency_reference: str
    destination_country: str
    control_codes: list[str]
    deadline_at: datetime
    screening: ScreeningCompleted | None
    decision: ReviewDecision | None
    timeline: list[TimelineEntry]
    open_actions: list[str]


class OutgoingEvent(BaseModel):
    """An event the workflow asks to publish, already in its envelope."""

    topic: str
    key: str
    envelope_json: str
