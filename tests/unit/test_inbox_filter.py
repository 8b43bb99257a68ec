"""The reviewers' inbox query: only tasks, every filter applied, nothing injected."""

from __future__ import annotations

import pytest

from schemas.cases import CaseStatus
from schemas.screening import RiskLevel
from workflows.inbox import InboxFilter


def test_the_inbox_holds_every_case_waiting_on_a_reviewer_and_only_running_ones() -> None:
    query = InboxFilter().query()
    assert "ExecutionStatus = 'Running'" in query
    assert "CaseStatus IN ('under_review', 'signed_off', 'escalated')" in query


def test_filters_narrow_the_inbox() -> None:
    query = InboxFilter(CaseStatus.SIGNED_OFF, RiskLevel.HIGH, "AE", "senior-4").query()
    assert "CaseStatus IN ('signed_off')" in query
    assert "RiskLevel = 'high'" in query
    assert "DestinationCountry = 'AE'" in query
    assert "AssignedReviewer = 'senior-4'" in query


def test_a_status_without_a_reviewer_task_is_refused() -> None:
    with pytest.raises(ValueError, match="no reviewer task"):
        InboxFilter(status=CaseStatus.REFERRED).query()


@pytest.mark.parametrize(
    "wanted",
    [
        InboxFilter(destination="AE' OR CaseStatus = 'decided"),
        InboxFilter(reviewer="x' OR 'a' = 'a"),
    ],
)
def test_a_value_cannot_smuggle_a_clause_into_the_query(wanted: InboxFilter) -> None:
    with pytest.raises(ValueError, match="is not"):
        wanted.query()
