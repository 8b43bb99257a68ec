"""The reviewers' inbox query: only tasks, every filter applied, nothing injected."""

from __future__ import annotations

import pytest

from schemas.cases import CaseStatus
from schemas.screening import RiskLevel
from workflows.inbox import InboxFilter


def test_the_inbox_holds_every_case_waiting_on_a_reviewer_and_only_running_ones() -> None:
    query = InboxFilter().query()
    assert "ExecutionStatus = 'Running'" in query
    assert "CaseStatus = 'under_review' OR CaseStatus = 'signed_off'" in query


def test_filters_narrow_the_inbox() -> None:
    query = InboxFilter(CaseStatus.SIGNED_OFF, RiskLevel.HIGH, "AE", "senior-4").query()
    assert "(CaseStatus = 'signed_off')" in query
    assert "RiskLevel = 'high'" in query
    assert "DestinationCountry = 'AE'" in query
    assert "AssignedReviewer = 'senior-4'" in query


def test_a_closed_status_lists_ended_cases_too() -> None:
    query = InboxFilter(status=CaseStatus.DECIDED, overdue=True, agency="DE-BAFA").query()
    assert (
        query == "(CaseStatus = 'decided') AND (Overdue = true) AND (SubmittingAgency = 'DE-BAFA')"
    )


@pytest.mark.parametrize(
    "wanted",
    [
        InboxFilter(destination="AE' OR CaseStatus = 'decided"),
        InboxFilter(reviewer="x' OR 'a' = 'a"),
        InboxFilter(agency="DE' OR 'a' = 'a"),
    ],
)
def test_a_value_cannot_smuggle_a_clause_into_the_query(wanted: InboxFilter) -> None:
    with pytest.raises(ValueError, match="is not"):
        wanted.query()
