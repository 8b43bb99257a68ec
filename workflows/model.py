"""What the LicenseCase workflow takes, keeps, answers and is told: one model per message."""

from __future__ import annotations

from datetime import datetime, timedelta

from pydantic import BaseModel, Field

from schemas.application import SubmitApplication
from schemas.cases import CaseReceived, CaseStatus, DecisionOutcome, FieldChange
from schemas.consultation import ConsultationConcluded, ConsultationOpened, StakeholderKind
from schemas.screening import RiskLevel, ScreeningCompleted
from schemas.sharing import OverriddenDenial
from workflows.tasks import EscalationAppeal, ReviewDecision, Reviewer, ReviewerRole


class EscalationLevel(BaseModel):
    """One level of escalation: the committee, whose chair records its decision, and its times."""

    committee: str = Field(description="The committee at this level, as reviewers know it.")
    chaired_by: ReviewerRole = Field(description="The role that records the committee's decision.")
    decision_time: timedelta = Field(
        description="The committee decides within this of the dissent (first level) or appeal."
    )
    warning: timedelta = Field(
        default=timedelta(days=3),
        description="Raise `CaseEscalationApproaching` this long before the committee is due.",
    )
    appeal_time: timedelta = Field(
        default=timedelta(days=5),
        description="A dissenting agency may appeal to the next level within this of the "
        "decision; unused at the last level, whose decision is final at once.",
    )


def _eo_12981_levels() -> list[EscalationLevel]:
    """The Operating Committee, then on appeal the ACEP (EO 12981 sec. 5(a))."""
    return [
        EscalationLevel(
            committee="Operating Committee",
            chaired_by=ReviewerRole.SENIOR_OFFICER,
            decision_time=timedelta(days=14),
        ),
        EscalationLevel(
            committee="Advisory Committee on Export Policy",
            chaired_by=ReviewerRole.COMMITTEE_CHAIR,
            decision_time=timedelta(days=11),
        ),
    ]


class CasePolicy(BaseModel):
    """Timelines and thresholds of a case: policy data, each default with its source."""

    decision_time: timedelta = Field(
        default=timedelta(days=90),
        description="Registration to decision, hold time excluded (15 CFR 750.4(a)).",
    )
    deadline_warning: timedelta = Field(
        default=timedelta(days=10), description="Raise `CaseDeadlineApproaching` this long before."
    )
    screening_answer_wait: timedelta = Field(
        default=timedelta(minutes=2),
        description="Re-send a screening request not answered in it, and a consultation request "
        "the consultation service has not opened.",
    )
    countersigned_risk_levels: list[RiskLevel] = Field(
        default=[RiskLevel.HIGH, RiskLevel.CRITICAL],
        description="Approvals at these risk levels need a senior officer's countersignature "
        "(every denial does).",
    )
    mitigated_risk_levels: list[RiskLevel] = Field(
        default=[RiskLevel.HIGH, RiskLevel.CRITICAL],
        description="An approval at these risk levels names in its human-rights assessment the "
        "mitigations (licence conditions) that make the risk acceptable.",
    )
    consultation_time: timedelta = Field(
        default=timedelta(days=30),
        description="Stakeholders answer within this; silence counts as no objection (EO 12981).",
    )
    consultation_reminder_before: timedelta = Field(
        default=timedelta(days=7),
        description="Remind stakeholders that have not answered this long before the deadline "
        "(none when the round is shorter; zero: no reminders).",
    )
    escalation_levels: list[EscalationLevel] = Field(
        default_factory=_eo_12981_levels,
        min_length=1,
        description="Who settles a stakeholders' dissent, first to last; each decision but the "
        "last may be appealed to the next level (EO 12981 sec. 5(a)).",
    )
    appeal_stakeholder_kinds: list[StakeholderKind] = Field(
        default=[StakeholderKind.AGENCY],
        description="Stakeholders of these kinds that took a position may appeal a committee's "
        "decision (EO 12981: a dissenting reviewing agency).",
    )
    referral_time: timedelta = Field(
        default=timedelta(days=9),
        description="A case needing consultation is referred within this of registration, hold "
        "time excluded (EO 12981 sec. 5(a)).",
    )
    referral_warning: timedelta = Field(
        default=timedelta(days=2),
        description="Raise `CaseReferralTargetApproaching` this long before the referral target.",
    )
    referral_risk_levels: list[RiskLevel] = Field(
        default=[RiskLevel.HIGH, RiskLevel.CRITICAL],
        description="Cases screened at these risk levels need consultation, as do cases matching "
        "a partner state's denial (EU 2021/821 Art. 16).",
    )
    history_events_before_continue: int = Field(
        default=5_000,
        description="Continue as new past this many history events (Temporal warns at 10,240).",
    )


class TimelineEntry(BaseModel):
    """One step in the life of a case."""

    at: datetime
    status: CaseStatus
    note: str


class Hold(BaseModel):
    """The case waits for the agency's information; the decision clock is stopped."""

    since: datetime
    requested_by: str
    questions: list[str]


class Consultation(BaseModel):
    """A consultation round: asked when, due when, and how it concluded."""

    request_id: str
    referred_by: str
    requested_at: datetime
    due_at: datetime = Field(description="Moved by a referral's extension.")
    stakeholders: list[str] = Field(
        default_factory=list, description="Proposed by the reviewer (none: routing proposes)."
    )
    request_sent_at: datetime | None = Field(
        default=None, description="When the request was last sent, until the service opens it."
    )
    deadline_sent_at: datetime | None = Field(
        default=None, description="When the consultation service was told the deadline passed."
    )
    concluded: ConsultationConcluded | None = None
    opened: ConsultationOpened | None = Field(
        default=None, description="Who the consultation service referred, and who not."
    )
    reminders: bool = Field(
        default=False, description="The round reminds stakeholders (referred since reminders)."
    )
    reminded_for: datetime | None = Field(
        default=None, description="The deadline the last reminder was sent for."
    )
    cancelled_at: datetime | None = Field(
        default=None,
        description="When it was cancelled: the case ended, or was referred anew, first.",
    )


class PartnerWaiver(BaseModel):
    """A senior officer's record of why a partner state that denied an essentially identical
    transaction is not consulted before approval."""

    state: str
    reason: str
    by: str
    at: datetime


class Escalation(BaseModel):
    """Stakeholders dissent: a committee (one per level) settles it before the officer decides."""

    since: datetime
    dissent: str
    due_at: datetime | None = Field(default=None, description="When the committee must decide.")
    overdue_raised: bool = False
    resolved_by: str | None = None
    recommendation: str = ""
    level: int = Field(default=1, description="1 for the first committee; each appeal adds one.")
    appeal: EscalationAppeal | None = Field(default=None, description="What opened this level.")
    warned: bool = False
    resolved_at: datetime | None = None
    rationale: str = ""
    appeal_due_at: datetime | None = Field(
        default=None, description="Until when the decision may be appealed to the next level."
    )
    final: bool = Field(default=False, description="The decision stands; the officer decides.")
    earlier: list[Escalation] = Field(
        default_factory=list, description="The lower levels whose decisions were appealed."
    )


class DecisionRecorded(BaseModel):
    """How the case ended: what was recorded, when and by whom."""

    case_id: str
    control_number: str
    outcome: DecisionOutcome
    decided_at: datetime
    decided_by: str
    countersigned_by: str | None = None
    rationale: str
    partners_informed: list[OverriddenDenial] = Field(
        default_factory=list,
        description="Partner denials this approval went against; partner states were told why "
        "(EU 2021/821 Art. 16).",
    )


class CaseState(BaseModel):
    """Everything the workflow knows of a case, carried whole across continue-as-new."""

    received: CaseReceived
    correlation_id: str
    policy: CasePolicy
    application: SubmitApplication = Field(description="As registered, or as last amended.")
    status: CaseStatus = CaseStatus.RECEIVED
    screening_round: int = 0
    screening_wanted: bool = True
    awaiting_screening: bool = False
    screening_attempts: int = 0
    screening_sent_at: datetime | None = None
    screening: ScreeningCompleted | None = None
    list_versions: list[str] = Field(default_factory=list, description="List updates taken in.")
    notices: list[str] = Field(
        default_factory=list,
        description="Partner notices (`<state>/<notice id>`) whose re-screening was taken in.",
    )
    unconsulted_partners: list[str] = Field(
        default_factory=list,
        description="Partner states whose denial matched only after the case was referred: "
        "the next referral consults them (EU 2021/821 Art. 16).",
    )
    alert: str = Field(
        default="", description="The latest re-screening alert (list update or partner notice)."
    )
    amendments: list[datetime] = Field(default_factory=list)
    changes: list[FieldChange] = Field(default_factory=list, description="The last amendment's.")
    claimant: Reviewer | None = None
    consultation_round: int = 0
    consultation: Consultation | None = None
    escalation: Escalation | None = None
    partner_waivers: list[PartnerWaiver] = Field(default_factory=list)
    referral_warned: bool = False
    referral_missed: bool = False
    sign_off: ReviewDecision | None = None
    hold: Hold | None = None
    held: timedelta = Field(default=timedelta(0), description="Time on holds that have ended.")
    warned: bool = False
    breached: bool = False
    decided: DecisionRecorded | None = None
    timeline: list[TimelineEntry] = Field(default_factory=list)
    events_queued: int = Field(default=0, description="Numbers the events' derived ids.")

    @property
    def case_id(self) -> str:
        """The case id (the Kafka key of every event of the case)."""
        return self.received.case_id

    @property
    def control_number(self) -> str:
        """The control number shown to people."""
        return self.received.control_number


class LicenseCaseInput(BaseModel):
    """Starts a case (the registered application and its policy) or continues one (`state`)."""

    received: CaseReceived
    correlation_id: str
    policy: CasePolicy = Field(default_factory=CasePolicy)
    state: CaseState | None = None


class CaseView(BaseModel):
    """The case as a reviewer sees it, with the actions open to the one asking."""

    case_id: str
    control_number: str
    status: CaseStatus
    submitting_agency: str
    agency_reference: str
    destination_country: str
    control_codes: list[str]
    application: SubmitApplication
    deadline_at: datetime | None = Field(description="None while on hold (the clock stops).")
    overdue: bool
    screening: ScreeningCompleted | None
    alert: str
    changes: list[FieldChange]
    assigned_reviewer: str | None
    consultation: Consultation | None
    escalation: Escalation | None
    escalation_levels: list[str] = Field(
        description="Each escalation level so far, in words: committee, decision, appeal window."
    )
    referral_due_at: datetime | None = Field(description="None once referred or not needed.")
    referral_missed: bool
    partner_waivers: list[PartnerWaiver] = Field(default_factory=list)
    sign_off: ReviewDecision | None
    hold: Hold | None
    decided: DecisionRecorded | None
    timeline: list[TimelineEntry]
    open_actions: list[str]


class OutgoingEvent(BaseModel):
    """An event the workflow asks to publish, already in its envelope."""

    topic: str
    key: str
    envelope_json: str


class OutgoingEvents(BaseModel):
    """Events to publish in this order, in one activity."""

    events: list[OutgoingEvent]
