"""What the desk's HTTP API takes and answers, beyond the workflow's and services' own models."""

from __future__ import annotations

from dataclasses import asdict
from datetime import datetime
from typing import Any

from pydantic import BaseModel, Field, field_validator

from caseflow.auth import Principal
from caseflow.limits import REVIEWER_LIST
from schemas.cases import DecisionOutcome, DenialGround, HumanRightsAssessment
from schemas.consultation import Position, ReferralCase
from schemas.consultation_reads import ReferralState
from schemas.types import Name, Text
from workflows.case_client import CaseListing

Short = Field(default="", max_length=2_000)
MOST = REVIEWER_LIST.most  # items in any list a reviewer sends


def _plain(value: Any) -> Any:
    """Refuse what PostgreSQL and UTF-8 cannot store: NUL characters and lone surrogates."""
    if isinstance(value, str):
        if "\x00" in value or any("\ud800" <= char <= "\udfff" for char in value):
            raise ValueError("text must not contain NUL characters or lone surrogates")
    elif isinstance(value, list):
        for item in value:
            _plain(item)
    elif isinstance(value, BaseModel):
        for item in value.__dict__.values():
            _plain(item)
    return value


class DeskInput(BaseModel):
    """A request body: every text in it storable as it is."""

    @field_validator("*", mode="after")
    @classmethod
    def storable(cls, value: Any) -> Any:
        """Every field, nested ones too, is checked."""
        return _plain(value)


class Credentials(DeskInput):
    """An account's name and password."""

    name: str = Field(min_length=1, max_length=200)
    password: str = Field(min_length=1, max_length=1_000)


class TokenIssued(BaseModel):
    """A bearer token for `Authorization: Bearer …`."""

    access_token: str
    token_type: str = "bearer"  # noqa: S105 - the scheme's name, not a secret
    expires_at: datetime
    principal: Principal


class Task(BaseModel):
    """One case in the inbox, from Temporal's visibility store."""

    case_id: str
    control_number: str = Field(description="One letter, six digits, e.g. `Z100006`.")
    status: str
    risk_level: str = Field(description="Empty until screened.")
    agency: str
    destination: str
    control_codes: list[str]
    assigned_reviewer: str = Field(description="Empty while nobody has claimed the case.")
    deadline_at: datetime | None = Field(description="None while on hold (the clock stops).")
    overdue: bool

    @classmethod
    def of(cls, summary: CaseListing) -> Task:
        """The task of a case summary."""
        return cls(**asdict(summary))


class Refusal(BaseModel):
    """Why a request changed nothing."""

    reason: str = Field(description="`refused`, `not_found`, `late`, `already_answered`, …")
    message: str = Field(description="Every reason, in words.")


class Note(DeskInput):
    """Claim or release: an optional note for the timeline."""

    note: str = Short


class Decision(DeskInput):
    """The claimant's decision (the reviewer is the signed-in officer)."""

    outcome: DecisionOutcome
    rationale: Text
    conditions: list[Text] = Field(
        default_factory=list, max_length=MOST, description="For an approval with them."
    )
    grounds: list[DenialGround] = Field(
        default_factory=list, max_length=MOST, description="For a denial."
    )
    assessment: HumanRightsAssessment | None = Field(
        default=None,
        description="The human-rights assessment; required (a decision without a complete one "
        "is refused, 409, with every missing part named).",
    )


class Countersigning(DeskInput):
    """Agree with a sign-off, or send it back with a note."""

    agree: bool = True
    note: str = Short


class InformationWanted(DeskInput):
    """Questions for the agency; the case goes on hold."""

    questions: list[Text] = Field(min_length=1, max_length=MOST)


class ConsultationWanted(DeskInput):
    """Stakeholders to consult (none: the routing policy proposes them)."""

    stakeholders: list[Name] = Field(default_factory=list, max_length=MOST)
    note: str = Short


class Resolution(DeskInput):
    """The escalation committee's recommendation."""

    recommendation: Name
    rationale: Text


class Appeal(DeskInput):
    """A dissenting agency's appeal, recorded by a senior officer on its behalf."""

    on_behalf_of: Name = Field(description="Stakeholder id of the agency that appeals.")
    grounds: Text = Field(description="Why the agency disagrees with the committee's decision.")


class PartnerWaiver(DeskInput):
    """Why partner states whose denial notice matched are not consulted, for the record."""

    states: list[str] = Field(max_length=MOST, description="ISO 3166 codes of the partner states.")
    reason: Text


class Answer(DeskInput):
    """A stakeholder's answer to its referral (recorded under the signed-in account)."""

    position: Position = Field(description="`need_more_time` asks for the one extension.")
    rationale: Text = Field(default="", description="Why; required unless no objection.")
    conditions: list[Text] = Field(
        default_factory=list, max_length=MOST, description="Conditions proposed."
    )


class ReferralDetail(BaseModel):
    """A referral and the case as its stakeholder may see it."""

    referral: ReferralState
    case: ReferralCase | None = Field(description="None for referrals opened before it was kept.")


class ClearanceRequest(DeskInput):
    """A false-positive hit: this party is not the listed entry it matched."""

    entry: Name = Field(description="The list entry id the hit names (its `reference`).")
    party: Name = Field(description="The party's name, as in the application.")
    country: str = Field(pattern=r"^[A-Za-z]{2}$", description="ISO 3166-1 alpha-2.")
    reason: Text = Field(description="Why the party is not the listed entry (a few words).")


class ClearanceRecorded(BaseModel):
    """A cleared hit: later screenings report this party and entry as cleared."""

    entry: str
    party: str
    country: str
    cleared_by: str
    cleared_at: datetime
    reason: str
