"""The annual report as the register's API answers it: counts for the public and partners."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field

# key -> count; and a cross table: key -> outcome -> count.
Counts = dict[str, int]
ByOutcome = dict[str, dict[str, int]]


class GroundCount(BaseModel):
    """A human-rights ground of denial and how many denials gave it."""

    ground: str
    denials: int


class ProcessingTimes(BaseModel):
    """Days from registration to decision of the cases decided in the year (calendar days,
    holds included)."""

    decided: int = Field(description="Cases measured.")
    median_days: float | None
    p90_days: float | None
    deadline_breaches: int = Field(
        description="Cases decided in the year that had breached their decision deadline."
    )


class AnnualReport(BaseModel):
    """A year of licensing, read from the register of record only (never from Temporal)."""

    year: int
    period_from: datetime
    period_to: datetime = Field(description="Exclusive.")
    generated_at: datetime
    source: str = Field(description="Where the figures come from.")
    applications: int = Field(description="Cases registered in the year.")
    applications_by_agency: Counts
    decisions: int = Field(description="Cases decided in the year (by their last decision).")
    by_outcome: Counts
    by_destination: ByOutcome = Field(description="Destination country -> outcome -> cases.")
    by_control_category: ByOutcome = Field(
        description="CCL category of the items' control codes -> outcome -> cases (a case counts "
        "once under each category its items fall in)."
    )
    by_technology: ByOutcome = Field(
        description="Declared technology category -> outcome -> cases (`none declared` for a "
        "case whose items declare none)."
    )
    human_rights_denials: int = Field(
        description="Cases denied in the year with at least one human-rights ground."
    )
    human_rights_grounds: list[GroundCount] = Field(
        description="The human-rights grounds given, most frequent first."
    )
    consultations: int = Field(description="Consultations concluded in the year.")
    positions: Counts = Field(description="Final positions of the stakeholders consulted.")
    positions_by_stakeholder_kind: dict[str, Counts]
    consultations_with_dissent: int
    deemed_no_objection: int = Field(description="Positions deemed by silence.")
    processing: ProcessingTimes
    notices_shared: Counts = Field(description="Notices this state sent, by kind.")
    notices_received: Counts = Field(description="Notices partner states sent, by kind.")
    appeals_filed: int
    appeals_decided: Counts = Field(description="`upheld` / `overturned` -> appeals.")
