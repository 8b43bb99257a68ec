"""What intake's HTTP API answers: what came in since a moment; where a reference stands."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field


class IntakeSince(BaseModel):
    """What intake received since a moment: messages, registrations, refusals by class."""

    since: datetime
    submissions: int = Field(description="Messages on the submissions topic acted on.")
    registered: int = Field(description="Applications registered as cases.")
    refused: dict[str, int] = Field(description="Refused messages per reason class.")

    @property
    def refused_total(self) -> int:
        """Refusals of every class."""
        return sum(self.refused.values())


class CaseStanding(BaseModel):
    """Where the case registered under an agency reference stands."""

    case_id: str
    control_number: str
    status: str
    outcome: str | None
    registered_at: datetime
    updated_at: datetime | None


class Refusal(BaseModel):
    """A refused message under the reference."""

    rejected_at: datetime
    codes: list[str] = Field(description="The deficiencies' codes.")


class UnreadableSubmission(BaseModel):
    """A batch on the submissions topic no consumer could read: parked, never registered."""

    parked_at: datetime
    sent_at: datetime | None
    location: str = Field(description="topic/partition/first offset[-last offset].")
    codec: str
    reason: str
    names_this_reference: bool = Field(
        description="False when its records could not be read at all: whose it was cannot be told."
    )


class ReferenceStanding(BaseModel):
    """What intake holds under one agency reference: the case, its refusals (newest first, at
    most 10) and, with no case, recent unreadable batches that may have been it."""

    agency: str
    reference: str
    case: CaseStanding | None
    refusals: list[Refusal]
    unreadable: list[UnreadableSubmission]
