"""What the audit service's HTTP API answers: the trail's rows exactly as stored, so that a
reader recomputes the hash chain itself rather than trusting the service's word."""

from __future__ import annotations

import uuid
from datetime import datetime

from pydantic import BaseModel, Field

from schemas.pages import Page


class TrailRow(BaseModel):
    """One row of the trail, every stored field."""

    seq: int = Field(description="Place in the chain, from 1, without gaps.")
    event_id: uuid.UUID
    case_id: str
    control_number: str | None
    event_type: str
    source: str = Field(description="Who published it, and on which topic.")
    occurred_at: datetime
    recorded_at: datetime
    content: str = Field(description="The event's envelope as canonical JSON.")
    prev_hash: str = Field(description="The hash of the row before (64 zeros for the first).")
    hash: str = Field(description="SHA-256 over prev_hash and every field of this row.")


class TrailPage(Page[int]):
    """Rows after a place in the chain, in order; `next` (the last row's seq when the page is
    full) asks for the page after."""

    rows: list[TrailRow]
