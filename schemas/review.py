"""Reviewer actions as events: every task a case accepted, for the audit trail (not agencies)."""

from __future__ import annotations

from datetime import datetime

from pydantic import Field, JsonValue

from schemas.cases import CaseStatus
from schemas.envelope import Contract


class ReviewerActed(Contract):
    """Event: a reviewer's task was accepted by the case."""

    event_type = "ReviewerActed"

    case_id: str
    control_number: str
    action: str = Field(description="The task: claim, decide, countersign, refer_for_consultation…")
    reviewer_id: str
    reviewer_role: str
    acted_at: datetime
    status: CaseStatus = Field(description="Where the case stands after the task.")
    task: dict[str, JsonValue] = Field(description="The task as the reviewer sent it.")
