"""Case lifecycle events on the cases topic, from registration to decision."""

from __future__ import annotations

from datetime import datetime, timedelta
from enum import StrEnum
from typing import Annotated

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


class FieldChange(Contract):
    """One value an amendment changed, by its JSON path in the application."""

    event_type = "FieldChange"

    path: str = Field(description="JSON path, e.g. `$.end_users[0].name`.")
    before: str | None = Field(description="The old value as JSON text; null if added.")
    after: str | None = Field(description="The new value as JSON text; null if removed.")


class CaseAmended(Contract):
    """Event: the agency amended a case before decision; the workflow screens it again."""

    event_type = "CaseAmended"

    case_id: str
    control_number: str
    amended_at: datetime
    reason: str
    changes: list[FieldChange] = Field(min_length=1)
    application: SubmitApplication = Field(description="The application as amended.")


class CaseWithdrawn(Contract):
    """Event: the agency withdrew a case before decision; the workflow ends it as withdrawn."""

    event_type = "CaseWithdrawn"

    case_id: str
    control_number: str
    withdrawn_at: datetime
    reason: str


class CaseStatusChanged(Contract):
    """Event: the case moved to another status (for agencies following their cases)."""

    event_type = "CaseStatusChanged"

    case_id: str
    control_number: str
    submitting_agency: str
    agency_reference: str
    status: CaseStatus
    changed_at: datetime


class DenialGround(Contract):
    """One ground for a denial; human-rights grounds are marked as such."""

    event_type = "DenialGround"

    text: str = Field(min_length=1, description="The ground, in words the agency reads.")
    human_rights: bool = Field(
        default=False, description="Whether the ground is a risk of serious human-rights abuse."
    )


Reference = Annotated[str, Field(max_length=200)]


class HumanRightsAssessment(Contract):
    """The human-rights assessment every reviewer decision records (ECHRI Code of Conduct,
    commitment 1): the risks considered, the sources relied on, the findings and positions it
    answers, the conclusion and, for an approval at high or critical risk, the mitigations.

    Parts may be empty here, so that a decision missing some is refused with every missing part
    named (workflows/assessment.py) rather than failing to parse."""

    event_type = "HumanRightsAssessment"

    end_user: str = Field(
        default="",
        max_length=4_000,
        description="Risk considered: the end user and its record (designations, reported "
        "abuses, links to security forces).",
    )
    misuse_potential: str = Field(
        default="",
        max_length=4_000,
        description="Risk considered: the item's potential for surveillance, repression or "
        "other serious human-rights violations.",
    )
    destination: str = Field(
        default="",
        max_length=4_000,
        description="Risk considered: the human-rights situation in the destination country.",
    )
    sources: list[Annotated[str, Field(max_length=500)]] = Field(
        default_factory=list,
        max_length=50,
        description="The sources relied on (reports, notices, intelligence, the screening "
        "result), one per entry.",
    )
    findings_answered: list[Reference] = Field(
        default_factory=list,
        max_length=200,
        description="Screening findings the assessment answers, by their `reference` (e.g. "
        "`control_code:5A001.j`, a list entry id); each must be a finding of the case.",
    )
    positions_answered: list[Reference] = Field(
        default_factory=list,
        max_length=200,
        description="Consultation positions the assessment answers, by stakeholder id; each "
        "must be a position in the case's concluded consultation.",
    )
    conclusion: str = Field(
        default="",
        max_length=4_000,
        description="The conclusion: whether the risk of serious human-rights violations is "
        "acceptable, and why.",
    )
    mitigations: list[Annotated[str, Field(max_length=2_000)]] = Field(
        default_factory=list,
        max_length=50,
        description="For an approval at high or critical risk: the licence conditions that make "
        "the risk acceptable; each must be one of the decision's conditions, word for word.",
    )


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
    grounds: list[DenialGround] = Field(default_factory=list, description="Grounds of a denial.")
    human_rights_assessment: str = Field(
        description="Summary of the human-rights assessment: its conclusion (or, for a decision "
        "recorded before structured assessments, the officer's summary)."
    )
    assessment: HumanRightsAssessment | None = Field(
        default=None,
        description="The full human-rights assessment; null for a withdrawal and for decisions "
        "recorded before structured assessments.",
    )
    appeal_id: str | None = Field(
        default=None,
        description="The appeal whose ruling this decision is (an overturned denial or return "
        "without action); null for the case's first decision.",
    )


class _AboutCase(Contract):
    """The fields by which an agency recognises its case."""

    case_id: str
    control_number: str
    submitting_agency: str
    agency_reference: str


class _CaseDeadline(_AboutCase):
    """What a deadline event says: which case, due when (hold time excluded)."""

    deadline_at: datetime = Field(description="When it is (or was) due.")
    raised_at: datetime


class CaseDeadlineApproaching(_CaseDeadline):
    """Event: the case's decision deadline is near (by the policy's warning time)."""

    event_type = "CaseDeadlineApproaching"

    remaining: timedelta = Field(description="Time left until the deadline when raised.")


class CaseDeadlineBreached(_CaseDeadline):
    """Event: the case was not decided within its decision time (15 CFR 750.4(a))."""

    event_type = "CaseDeadlineBreached"


class CaseReferralTargetApproaching(_CaseDeadline):
    """Event: a case needing consultation is not referred yet, and its referral target is near."""

    event_type = "CaseReferralTargetApproaching"

    remaining: timedelta = Field(description="Time left until the target when raised.")


class CaseReferralTargetMissed(_CaseDeadline):
    """Event: a case needing consultation was not referred within its target (EO 12981: 9 days
    of registration)."""

    event_type = "CaseReferralTargetMissed"


class CaseEscalationApproaching(_CaseDeadline):
    """Event: the committee at the case's escalation level is due to decide soon."""

    event_type = "CaseEscalationApproaching"

    escalated_at: datetime = Field(description="When the dissent (or appeal) reached the level.")
    level: int = Field(description="1 for the first committee; each appeal adds one.")
    committee: str
    remaining: timedelta = Field(description="Time left until the committee is due.")


class CaseEscalationOverdue(_CaseDeadline):
    """Event: the escalation committee did not settle the stakeholders' dissent in time."""

    event_type = "CaseEscalationOverdue"

    escalated_at: datetime
    level: int = Field(default=1, description="1 for the first committee; each appeal adds one.")
    committee: str = ""


class CaseEscalationDecided(_AboutCase):
    """Event: a committee decided a dissent; it stands unless appealed in time."""

    event_type = "CaseEscalationDecided"

    level: int
    committee: str
    decided_by: str = Field(description="Reviewer id of the chair who recorded the decision.")
    decided_at: datetime
    recommendation: str
    rationale: str
    appeal_until: datetime | None = Field(
        description="Until when a dissenting agency may appeal; None: final (the last level)."
    )


class CaseEscalationAppealed(_AboutCase):
    """Event: a dissenting agency appealed a committee's decision to the next level."""

    event_type = "CaseEscalationAppealed"

    level: int = Field(description="The level appealed to.")
    committee: str = Field(description="The committee that now decides.")
    appealed_by: str = Field(description="Stakeholder id of the agency that appeals.")
    recorded_by: str = Field(description="Reviewer id of the officer who recorded the appeal.")
    grounds: str
    appealed_at: datetime
    deadline_at: datetime = Field(description="When the committee must decide.")
