"""What consultation's HTTP API answers to readers: referrals as officers and stakeholders see
them, and how many stand in each status."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field

from schemas.consultation import Position, ReferralStatus, StakeholderKind


class ReferralState(BaseModel):
    """A referral as stakeholders and officers see it."""

    referral_id: str
    case_id: str
    request_id: str
    stakeholder_id: str
    stakeholder_name: str
    stakeholder_kind: StakeholderKind
    status: ReferralStatus
    opened_at: datetime
    due_at: datetime
    extended: bool = Field(description="The one extension has been used.")
    overdue: bool = Field(description="Still open although its deadline has passed.")
    position: Position | None = None
    answered_at: datetime | None = None
    reminded_at: datetime | None = Field(
        default=None, description="When the stakeholder was last reminded of its deadline."
    )
    cancelled_at: datetime | None = Field(
        default=None, description="When the case ended before the answer (status cancelled)."
    )


class ReferralCounts(BaseModel):
    """Referrals per status (open, answered, deemed no objection, cancelled), and the open
    overdue."""

    by_status: dict[ReferralStatus, int]
    overdue: int
