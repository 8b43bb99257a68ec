"""What intake learns from the cases topic: where each case stands, and whether it is closed."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from pydantic import ValidationError

from schemas.cases import CaseDecided, CaseStatusChanged
from schemas.envelope import Envelope, EnvelopeHeader


@dataclass(frozen=True)
class CaseProgress:
    """A case's new status, and its outcome once decided."""

    case_id: str
    status: str
    outcome: str | None = None
    decided_at: datetime | None = None
    decided_by: str | None = None
    countersigned_by: str | None = None

    @property
    def closed(self) -> bool:
        """A decided case can no longer change."""
        return self.outcome is not None


def read_progress(raw: bytes) -> CaseProgress | None:
    """The progress a cases-topic event reports, or None for events that report none."""
    try:
        kind = EnvelopeHeader.model_validate_json(raw).type
        if kind == CaseStatusChanged.type_name():
            changed = Envelope[CaseStatusChanged].model_validate_json(raw).data
            return CaseProgress(changed.case_id, changed.status.value)
        if kind == CaseDecided.type_name():
            decided = Envelope[CaseDecided].model_validate_json(raw).data
            return CaseProgress(
                decided.case_id,
                "decided",
                decided.outcome.value,
                decided.decided_at,
                decided.decided_by,
                decided.countersigned_by,
            )
    except ValidationError:
        return None
    return None
