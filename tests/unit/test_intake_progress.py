"""What intake learns from the cases topic for agencies asking where their case stands."""

from __future__ import annotations

from datetime import UTC, datetime

from schemas.cases import (
    CaseDeadlineBreached,
    CaseDecided,
    CaseStatus,
    CaseStatusChanged,
    DecisionOutcome,
)
from services.intake.progress import CaseProgress, progress_of

NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)


def test_a_status_change_moves_the_case_without_closing_it() -> None:
    changed = CaseStatusChanged(
        case_id="c1",
        control_number="Z100001",
        submitting_agency="DE-BAFA",
        agency_reference="R1",
        status=CaseStatus.UNDER_REVIEW,
        changed_at=NOW,
    )
    progress = progress_of(changed)
    assert progress == CaseProgress("c1", "under_review")
    assert not progress.closed


def test_a_decision_closes_the_case_with_its_outcome() -> None:
    decided = CaseDecided(
        case_id="c1",
        control_number="Z100001",
        submitting_agency="DE-BAFA",
        agency_reference="R1",
        outcome=DecisionOutcome.DENIED,
        decided_at=NOW,
        decided_by="officer-1",
        rationale="Designated end user",
        human_rights_assessment="Critical risk",
    )
    progress = progress_of(decided)
    # The decision's time and officers too: an appeal is checked against them.
    assert progress == CaseProgress("c1", "decided", "denied", NOW, "officer-1", None)
    assert progress.closed


def test_other_events_report_nothing() -> None:
    received = CaseDeadlineBreached(
        case_id="c1",
        control_number="Z100001",
        submitting_agency="DE-BAFA",
        agency_reference="R1",
        deadline_at=NOW,
        raised_at=NOW,
    )
    assert progress_of(received) is None
