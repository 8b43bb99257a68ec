"""A long-lived case continues as new before its history grows large, and loses nothing; a
reviewer action adds little to it."""

from __future__ import annotations

from collections.abc import Sequence

import pytest
from temporalio.api.enums.v1 import EventType
from temporalio.api.history.v1 import HistoryEvent

from entrypoints.samples import sample_assessment
from schemas.cases import CaseStatus, DecisionOutcome
from schemas.screening import RiskLevel
from tests.actors import token_for
from tests.integration.case_harness import OFFICER, OTHER_OFFICER, CaseHarness
from workflows import case_client
from workflows.model import CasePolicy
from workflows.tasks import ReviewDecision, ReviewerTask

pytestmark = [pytest.mark.integration]


async def test_a_case_whose_history_grows_long_continues_as_new_with_its_whole_state(
    cases: CaseHarness,
) -> None:
    case_id = await cases.open_case(
        RiskLevel.MEDIUM, policy=CasePolicy(history_events_before_continue=60)
    )
    first_run = (await cases.handle(case_id).describe()).run_id
    for reviewer in [OFFICER, OTHER_OFFICER] * 4:
        await case_client.claim(cases.client, case_id, ReviewerTask(token=token_for(reviewer)))
        await case_client.release(cases.client, case_id, ReviewerTask(token=token_for(reviewer)))
    await case_client.claim(cases.client, case_id, ReviewerTask(token=token_for(OFFICER)))

    description = await cases.handle(case_id).describe()
    assert description.run_id != first_run
    view = await cases.view(case_id)
    assert view.timeline[0].note.startswith("registered as")
    assert view.status is CaseStatus.UNDER_REVIEW
    assert view.assigned_reviewer == OFFICER.id
    assert view.screening is not None
    await cases.until_listed(f"AssignedReviewer = '{OFFICER.id}' AND RiskLevel = 'medium'", case_id)

    approval = ReviewDecision(
        token=token_for(OFFICER),
        outcome=DecisionOutcome.APPROVED,
        rationale="Civil use confirmed.",
        assessment=sample_assessment(),
    )
    await case_client.decide(cases.client, case_id, approval)
    assert (await cases.result(case_id)).outcome is DecisionOutcome.APPROVED
    published = cases.published.of(case_id, "CaseStatusChanged")
    assert len({event["id"] for event in published}) == len(published)


async def test_a_reviewer_action_restarts_no_timer_and_upserts_search_attributes_once(
    cases: CaseHarness,
) -> None:
    case_id = await cases.open_case(RiskLevel.LOW)
    for _ in range(2):
        await case_client.claim(cases.client, case_id, ReviewerTask(token=token_for(OFFICER)))
        await case_client.release(cases.client, case_id, ReviewerTask(token=token_for(OFFICER)))
    history = await cases.handle(case_id).fetch_history()

    actions = _events_of_each_update(history.events)
    assert len(actions) == 4
    for recorded in actions:
        assert recorded == [
            "WORKFLOW_EXECUTION_UPDATE_ACCEPTED",
            "UPSERT_WORKFLOW_SEARCH_ATTRIBUTES",
            "MARKER_RECORDED",  # the local activity that published what the action caused
            "WORKFLOW_EXECUTION_UPDATE_COMPLETED",
        ]


def _events_of_each_update(events: Sequence[HistoryEvent]) -> list[list[str]]:
    """For each Update, the events its workflow task added from its acceptance on."""
    updates: list[list[str]] = []
    current: list[str] | None = None
    for event in events:
        kind = EventType.Name(event.event_type).removeprefix("EVENT_TYPE_")
        if kind == "WORKFLOW_EXECUTION_UPDATE_ACCEPTED":
            current = []
            updates.append(current)
        elif kind.startswith("WORKFLOW_TASK_"):
            current = None
        if current is not None:
            current.append(kind)
    return updates
