"""What intake's HTTP API answers operators: what came in since a moment."""

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
