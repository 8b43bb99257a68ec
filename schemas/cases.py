"""Case lifecycle events on the cases topic, from registration to decision."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from pydantic import Field

from schemas.application import SubmitApplication
from schemas.envelope import Contract


class CaseStatus(StrEnum):
    """Where a case stands (after the reporting statuses of H.R. 8289)."""

    RECEIVED = "received"
    REGISTERED = "registered"
    SCREENING = "screening"
    UNDER_REVIEW = "under_review"
    ON_HOLD = "on_hold"
    REFERRED = "referred"
    ESCALATED = "escalated"
    SIGNED_OFF = "signed_off"
    COUNTERSIGNED = "countersigned"
    DECIDED = "decided"


class DecisionOutcome(StrEnum):
    """How a case ends (15 CFR 748.6(c), plus the agency's own withdrawal)."""

    APPROVED = "approved"
    APPROVED_WITH_CONDITIONS = "approved_with_conditions"
    DENIED = "denied"
    RETURNED_WITHOUT_ACTION = "returned_without_action"
    WITHDRAWN = "withdrawn"


class CaseReceived(Contract):
    """Event: intake registered an application as a new case."""

    event_type = "CaseReceived"

    case_id: str = Field(description="caseflow's case id; the Kafka key of every case event.")
    control_number: str = Field(description="One letter and six digits, e.g. `Z123456`.")
    registered_at: datetime
    application: SubmitApplication


class CaseStatusChanged(Contract):
    """Event: the case moved to another status (for agencies following their cases)."""

    event_type = "CaseStatusChanged"

    case_id: str
    control_number: str
    submitting_agency: str
    agency_reference: str
    status: CaseStatus
    changed_at: datetime


class CaseDecided(Contract):
    """Event: a final decision was recorded on the case."""

    event_type = "CaseDecided"

    case_id: str
    control_number: str
    submitting_agency: str
    agency_reference: str
    outcome: DecisionOutcome
    decided_at: datetime
    decided_by: str = Field(description="Reviewer id of the deciding officer.")
    countersigned_by: str | None = Field(default=None, description="Senior officer, if any.")
    rationale: str
    conditions: list[str] = Field(default_factory=list)
    human_rights_assessment: str = Field(description="Summary of the human-rights assessment.")
