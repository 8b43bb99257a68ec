"""Consultation: referrals to stakeholders, their answers, the outcome, and shared notices."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from enum import StrEnum

from pydantic import Field

from schemas.application import Part, TechnologyCategory
from schemas.envelope import Contract
from schemas.screening import Finding, NoticeKind, RiskLevel
from schemas.types import ControlCode, CountryCode, CurrencyCode, Name, Text


class StakeholderKind(StrEnum):
    """Who a stakeholder is; what it may see of a case follows from it (policy)."""

    AGENCY = "agency"
    PARTNER_STATE = "partner_state"
    CIVIL_SOCIETY = "civil_society"
    ACADEMIA = "academia"
    INDUSTRY = "industry"


class Position(StrEnum):
    """A stakeholder's answer to a referral."""

    NO_OBJECTION = "no_objection"
    APPROVE_WITH_CONDITIONS = "approve_with_conditions"
    RECOMMEND_DENIAL = "recommend_denial"
    NEED_MORE_TIME = "need_more_time"


class ReferralStatus(StrEnum):
    """Where a referral stands: awaiting an answer, answered, closed by silence, or cancelled
    because the case ended first."""

    OPEN = "open"
    ANSWERED = "answered"
    DEEMED_NO_OBJECTION = "deemed_no_objection"
    CANCELLED = "cancelled"


class CaseParty(Part):
    """A party of the case as stakeholders may be told of it."""

    role: str = Field(description="`applicant`, `purchaser`, `end_user`, `ultimate_consignee`, …")
    name: Name = Field(description="Legal name; withheld from some stakeholders if a person.")
    country: CountryCode
    individual: bool = Field(
        default=False,
        description="True for a natural person: their name is personal data, withheld from "
        "stakeholders not entitled to personal data.",
    )


class CaseItem(Part):
    """An item of the case; its commercial values are withheld from some stakeholders."""

    control_code: ControlCode
    description: Name
    technology_categories: list[TechnologyCategory] = Field(default_factory=list)
    quantity: Decimal | None = Field(default=None, description="Units; null when withheld.")
    unit: str | None = Field(default=None, max_length=20)
    unit_value: Decimal | None = Field(
        default=None, description="Price per unit; null if withheld."
    )
    total_value: Decimal | None = Field(default=None, description="Line total; null if withheld.")
    currency: CurrencyCode | None = None


class CaseSummary(Part):
    """What the workflow tells the consultation of a case (before per-stakeholder minimisation)."""

    parties: list[CaseParty] = Field(min_length=1)
    end_use_statement: Text = Field(description="The specific end use, in the end user's words.")
    items: list[CaseItem] = Field(min_length=1)


class ConsultationRequested(Contract):
    """Command (from the LicenseCase workflow): consult stakeholders on this case."""

    event_type = "ConsultationRequested"

    case_id: str
    request_id: str = Field(description="Id of this consultation; every answer carries it back.")
    control_number: str
    destination_country: CountryCode
    technology_categories: list[TechnologyCategory] = Field(default_factory=list)
    control_codes: list[ControlCode] = Field(default_factory=list)
    findings: list[Finding] = Field(default_factory=list, description="Screening's findings.")
    risk_level: RiskLevel
    notice_states: list[CountryCode] = Field(
        default_factory=list,
        description="Partner states whose denial notice matched the case: each must be consulted.",
    )
    case_summary: CaseSummary
    proposed_stakeholders: list[str] = Field(
        default_factory=list,
        description="Stakeholder ids the reviewer proposes; empty lets the routing policy choose.",
    )
    response_days: int | None = Field(
        default=None, ge=1, le=365, description="Days to answer; null takes the policy default."
    )
    due_at: datetime | None = Field(
        default=None,
        description="When answers are due, as the workflow's timer has it; overrides "
        "`response_days`. ConsultationDeadlinePassed with this deadline then closes the silent.",
    )


class RoundCommand(Contract):
    """What every command of the workflow about one consultation round names."""

    event_type = "RoundCommand"

    case_id: str
    request_id: str = Field(description="The round, as ConsultationRequested named it.")


class ConsultationDeadlinePassed(RoundCommand):
    """Command (from the workflow's timer): the round's silent referrals are deemed no objection."""

    event_type = "ConsultationDeadlinePassed"

    deadline: datetime = Field(
        description="The due time whose timer fired; every open referral is deemed no "
        "objection except one extended beyond it (see ReferralExtended)."
    )


class ConsultationReminderDue(RoundCommand):
    """Command (from the workflow's timer): remind every stakeholder that has not answered."""

    event_type = "ConsultationReminderDue"

    deadline: datetime = Field(
        description="The due time the reminder is about, as the workflow's timer has it; each "
        "open referral is reminded once per deadline of its own (an extension re-arms it)."
    )


class ConsultationCancelled(RoundCommand):
    """Command (from the workflow): the case ended before the consultation concluded."""

    event_type = "ConsultationCancelled"

    reason: Text = Field(
        min_length=1, description="Why, in words stakeholders read (e.g. `withdrawn: …`)."
    )


class ReferralExtensionGranted(Contract):
    """Command (from the workflow or an officer): give one referral its one extension."""

    event_type = "ReferralExtensionGranted"

    case_id: str
    referral_id: str
    granted_by: str = Field(description="Who granted it (officer id, or `workflow`).")
    days: int | None = Field(default=None, ge=1, le=365, description="Null: the policy default.")


class ReferralAnswered(Contract):
    """Command (from a stakeholder's channel): a stakeholder's answer to its referral."""

    event_type = "ReferralAnswered"

    referral_id: str
    position: Position
    rationale: Text = Field(default="", description="Why; required unless no objection.")
    conditions: list[Text] = Field(default_factory=list, description="Conditions proposed.")
    answered_by: str = Field(default="", max_length=200, description="Who answers, for the record.")


class ReferralCase(Part):
    """The case as one stakeholder may see it; `withheld` says what was left out and why."""

    control_number: str
    destination_country: CountryCode
    risk_level: RiskLevel
    technology_categories: list[TechnologyCategory]
    control_codes: list[str]
    findings: list[Finding]
    parties: list[CaseParty]
    end_use_statement: str
    items: list[CaseItem]
    withheld: list[str] = Field(default_factory=list, description="What this audience may not see.")


class LeftOut(Part):
    """A stakeholder routing chose but did not refer, and why."""

    stakeholder_id: str
    reason: str = Field(
        description="`conflict of interest (party …): note`, `disabled in the stakeholder registry"
        " on …` or `not in the stakeholder registry`."
    )


class ConsultationOpened(Contract):
    """Event: who was referred, who was left out and why; answers are due at `due_at`."""

    event_type = "ConsultationOpened"

    case_id: str
    request_id: str
    referred: list[str] = Field(description="Stakeholder ids, one ReferralOpened each.")
    required: list[str] = Field(description="Partner states that must be heard (denial notice).")
    left_out: list[LeftOut] = Field(default_factory=list)
    unheard_states: list[CountryCode] = Field(
        default_factory=list,
        description="Partner states whose denial notice matched but that could not be referred "
        "(no registered contact, or only conflicted ones): not consulted by this round.",
    )
    due_at: datetime
    policy_version: str


class ReferralFact(Contract):
    """What every event about one referral names."""

    event_type = "ReferralFact"

    referral_id: str
    request_id: str = Field(description="The consultation (the workflow's request) it belongs to.")
    case_id: str
    stakeholder_id: str


class ReferralOpened(ReferralFact):
    """Event: a stakeholder is asked for its position, with only what it may see."""

    event_type = "ReferralOpened"

    stakeholder_name: str
    stakeholder_kind: StakeholderKind
    channel: str = Field(description="Where the referral is delivered (e-mail, portal, gateway).")
    opened_at: datetime
    due_at: datetime = Field(description="Answer by then, or silence counts as no objection.")
    required: bool = Field(description="True for a partner state whose denial notice matched.")
    case: ReferralCase


class ReferralExtended(ReferralFact):
    """Event: a referral's one extension was granted; the workflow moves its timer."""

    event_type = "ReferralExtended"

    due_at: datetime = Field(description="The new deadline.")
    granted_by: str


class ReferralReminded(ReferralFact):
    """Event: a stakeholder that has not answered is reminded of its deadline (delivered on
    `channel`, as its referral was)."""

    event_type = "ReferralReminded"

    stakeholder_name: str
    channel: str
    due_at: datetime = Field(description="Answer by then, or silence counts as no objection.")
    reminded_at: datetime


class ReferralCancelled(ReferralFact):
    """Event: the case ended before this referral was answered, so no answer is taken any more
    (delivered on `channel`, as its referral was)."""

    event_type = "ReferralCancelled"

    channel: str
    reason: str = Field(description="Why the consultation ended: how the case ended.")
    cancelled_at: datetime


class ReferralResponseRecorded(ReferralFact):
    """Event: a stakeholder's answer was accepted."""

    event_type = "ReferralResponseRecorded"

    position: Position
    answered_at: datetime


class ReferralResponseRefused(Contract):
    """Event: an answer was refused and changed nothing (late, duplicate, unknown referral…)."""

    event_type = "ReferralResponseRefused"

    referral_id: str
    case_id: str | None = Field(description="The case, if the referral is known.")
    reason: str = Field(
        description="Stable code: `unknown_referral`, `late`, `already_answered`, `cancelled`…"
    )
    message: str = Field(description="What is wrong, in plain words.")


class StakeholderPosition(Part):
    """One stakeholder's final position in a concluded consultation."""

    referral_id: str
    stakeholder_id: str
    stakeholder_name: str
    stakeholder_kind: StakeholderKind
    position: Position = Field(description="The answer, or `no_objection` when deemed by silence.")
    deemed_no_objection: bool = Field(description="True if silent past the deadline (no answer).")
    rationale: str = ""
    conditions: list[str] = Field(default_factory=list)
    answered_at: datetime | None = Field(description="Null when deemed by silence.")


class ConsultationConcluded(Contract):
    """Event: every referral is answered or expired; the workflow escalates on dissent."""

    event_type = "ConsultationConcluded"

    case_id: str
    request_id: str
    positions: list[StakeholderPosition]
    deemed_no_objection: list[str] = Field(description="Stakeholder ids that stayed silent.")
    dissent: bool = Field(
        description="True when at least one stakeholder recommends denial while at least one "
        "other approves (no objection, with conditions, or deemed by silence)."
    )
    dissent_summary: str = Field(description="Who recommends denial against whose approval.")
    unheard_states: list[CountryCode] = Field(
        default_factory=list,
        description="Partner states whose denial notice matched but that could not be referred: "
        "the case is not approved until they are consulted or a senior officer records why not "
        "(EU 2021/821 Art. 16).",
    )
    concluded_at: datetime


class ShareNotice(Contract):
    """Command (from the workflow or an operator): tell partner states of a denial or a risk."""

    event_type = "ShareNotice"

    case_id: str
    kind: NoticeKind
    issuing_state: CountryCode
    notice_id: str = Field(min_length=1, max_length=120, description="This state's notice id.")
    destination_country: CountryCode
    parties: list[CaseParty] = Field(min_length=1, description="The case's parties.")
    technology_categories: list[TechnologyCategory] = Field(min_length=1)
    control_codes: list[ControlCode] = Field(default_factory=list)
    reason: Text = Field(min_length=1)
    contact: Name | None = None
