"""The licence workflow's state, its input and what officers send it and see of it."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from pydantic import BaseModel, Field, model_validator

from schemas.application import SubmitApplication
from schemas.cases import CaseDecided
from schemas.licences import (
    LicenceCondition,
    LicenceIssued,
    LicenceStatus,
    LicensedItem,
    ShipmentLine,
)
from workflows.licence_policy import LicencePolicy
from workflows.tasks import SignedTask


class ShipmentOutcome(BaseModel):
    """A shipment as the licence recorded or refused it."""

    shipment_reference: str
    shipped_on: str
    recorded: bool
    reasons: list[str] = Field(default_factory=list)
    lines: list[ShipmentLine] = Field(default_factory=list)
    checked_at: datetime


class LicenceReview(BaseModel):
    """An open review of the licence (15 CFR 750.8): why, since when, who raised it."""

    opened_at: datetime
    trigger: str
    information: list[str]
    raised_by: str | None = Field(
        default=None, description="The officer who recorded the information; None: screening."
    )


class TimelineEntry(BaseModel):
    """One step in the licence's life, for the desk, the CLI and the Temporal UI."""

    at: datetime
    note: str


class LicenceState(BaseModel):
    """Everything the licence's workflow knows; carried over when it continues as new."""

    issued: LicenceIssued
    correlation_id: str
    policy: LicencePolicy
    status: LicenceStatus = LicenceStatus.VALID
    remaining: list[LicensedItem]
    conditions: list[LicenceCondition]
    shipments: list[ShipmentOutcome] = Field(default_factory=list)
    review: LicenceReview | None = None
    screening_seen: list[str] = Field(default_factory=list)
    timeline: list[TimelineEntry] = Field(default_factory=list)
    events_queued: int = 0


class LicenceInput(BaseModel):
    """What starts a licence's workflow: the approving decision and the application it approved
    (or, when it continues as new, the licence as it stands)."""

    decided: CaseDecided | None = None
    application: SubmitApplication | None = None
    correlation_id: str
    policy: LicencePolicy
    state: LicenceState | None = None

    @model_validator(mode="after")
    def _decision_or_state(self) -> LicenceInput:
        if self.state is None and (self.decided is None or self.application is None):
            raise ValueError("a new licence needs the decision and the application")
        return self


class ReviewAction(StrEnum):
    """What a senior officer decides on a licence under review."""

    SUSPEND = "suspend"
    REVOKE = "revoke"
    CONFIRM = "confirm"


class LicenceInformation(SignedTask):
    """An officer records new human-rights information about the licence; a review opens."""

    information: str = Field(min_length=1, max_length=10_000)


class LicenceReviewDecision(SignedTask):
    """A senior officer suspends, revokes or confirms the licence under review, with grounds."""

    action: ReviewAction
    grounds: str = Field(default="", max_length=10_000)


class ConditionFulfilled(SignedTask):
    """An officer records that a condition of the licence was met (by its position, from 1)."""

    condition: int = Field(ge=1)
    evidence: str = Field(default="", max_length=10_000)


class ShipmentChecked(BaseModel):
    """The answer to a shipment report."""

    licence_number: str
    shipment_reference: str
    recorded: bool
    reasons: list[str]
    duplicate: bool = False


class LicenceView(BaseModel):
    """The licence as an officer or operator reads it."""

    licence: LicenceIssued
    status: LicenceStatus
    remaining: list[LicensedItem]
    conditions: list[LicenceCondition]
    shipments: list[ShipmentOutcome]
    review: LicenceReview | None
    timeline: list[TimelineEntry]


class LicenceActionRecorded(BaseModel):
    """The answer to an officer's action on a licence."""

    licence_number: str
    status: LicenceStatus
    note: str
