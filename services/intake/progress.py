"""What intake learns from the cases topic: where each case stands, and whether it is closed."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from schemas.cases import CaseDecided, CaseStatusChanged
from schemas.envelope import Contract


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


def progress_of(event: Contract) -> CaseProgress | None:
    """The progress a case event reports, or None for events that report none."""
    if isinstance(event, CaseStatusChanged):
        return CaseProgress(event.case_id, event.status.value)
    if isinstance(event, CaseDecided):
        return CaseProgress(
            event.case_id,
            "decided",
            event.outcome.value,
            event.decided_at,
            event.decided_by,
            event.countersigned_by,
        )
    return None
