"""What an agency reads on its own topic: its cases' events, without caseflow's internals."""

from __future__ import annotations

from datetime import datetime

from pydantic import Field

from schemas.cases import (
    CaseAmended,
    CaseDecided,
    CaseReceived,
    CaseStatusChanged,
    CaseWithdrawn,
    DecisionOutcome,
    DenialGround,
)
from schemas.envelope import Contract, Envelope
from schemas.intake import SubmissionRejected
from schemas.licences import (
    LicenceConditionBreached,
    LicenceConditionDue,
    LicenceIssued,
    LicenceStatusChanged,
    ShipmentRecorded,
    ShipmentRefused,
)


class DecisionIssued(Contract):
    """Event: the decision on one of the agency's cases, as the agency receives it.

    `CaseDecided` without the officers' identities, which stay inside caseflow.
    """

    event_type = "DecisionIssued"

    case_id: str
    control_number: str
    submitting_agency: str
    agency_reference: str
    outcome: DecisionOutcome
    decided_at: datetime
    rationale: str
    conditions: list[str] = Field(default_factory=list)
    grounds: list[DenialGround] = Field(default_factory=list, description="Grounds of a denial.")
    human_rights_assessment: str = Field(description="Summary of the human-rights assessment.")
    appeal_id: str | None = Field(
        default=None,
        description="The agency's appeal this decision rules on (an overturned denial or return "
        "without action); null for the case's first decision.",
    )

    @classmethod
    def of(cls, decided: CaseDecided) -> DecisionIssued:
        """The agency's copy of a recorded decision."""
        return cls.model_validate(decided.model_dump(include=set(cls.model_fields)))


AgencyEvents = (
    Envelope[CaseReceived]
    | Envelope[CaseAmended]
    | Envelope[CaseWithdrawn]
    | Envelope[CaseStatusChanged]
    | Envelope[DecisionIssued]
    | Envelope[SubmissionRejected]
    | Envelope[LicenceIssued]
    | Envelope[ShipmentRecorded]
    | Envelope[ShipmentRefused]
    | Envelope[LicenceStatusChanged]
    | Envelope[LicenceConditionDue]
    | Envelope[LicenceConditionBreached]
)
"""Every event on an agency's own topic, `caseflow.agency.<CODE>.cases`."""
