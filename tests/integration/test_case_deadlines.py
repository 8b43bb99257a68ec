"""The 90-day clock on a real workflow, shortened to seconds by policy: raised, shown, held."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest

from schemas.cases import CaseStatus
from schemas.screening import RiskLevel
from tests.actors import token_for
from tests.integration.case_harness import OFFICER, CaseHarness
from workflows import case_client
from workflows.model import CasePolicy
from workflows.tasks import InformationRequest, ReviewerTask

pytestmark = [pytest.mark.integration]


def seconds(decision: float, warning: float) -> CasePolicy:
    return CasePolicy(
        decision_time=timedelta(seconds=decision), deadline_warning=timedelta(seconds=warning)
    )


async def test_an_approaching_deadline_then_its_breach_are_raised_and_shown(
    cases: CaseHarness,
) -> None:
    case_id = await cases.open_case(RiskLevel.MEDIUM, policy=seconds(4, 2))
    [approaching] = await cases.until_published(case_id, "CaseDeadlineApproaching")
    assert cases.published.of(case_id, "CaseDeadlineBreached") == []
    assert approaching["data"]["remaining"].startswith("PT")
    [breached] = await cases.until_published(case_id, "CaseDeadlineBreached")
    assert breached["data"]["deadline_at"] == approaching["data"]["deadline_at"]
    view = await cases.view(case_id)
    assert view.overdue
    assert [entry.note.split(":")[0] for entry in view.timeline[-2:]] == [
        "deadline approaching",
        "deadline breached",
    ]
    assert "**OVERDUE**" in await cases.card(case_id)
    await cases.until_listed("Overdue = true AND CaseStatus = 'under_review'", case_id)


async def test_a_hold_stops_the_clock_and_an_amendment_restarts_it_later_by_the_time_held(
    cases: CaseHarness,
) -> None:
    case_id = await cases.open_case(RiskLevel.MEDIUM, policy=seconds(4, 1))
    first_deadline = (await cases.view(case_id)).deadline_at
    assert first_deadline is not None
    await case_client.claim(cases.client, case_id, ReviewerTask(token=token_for(OFFICER)))
    await case_client.request_information(
        cases.client,
        case_id,
        InformationRequest(token=token_for(OFFICER), questions=["Who operates it?"]),
    )
    await asyncio.sleep(5)  # past the deadline the case had before the hold
    assert cases.published.of(case_id, "CaseDeadlineApproaching") == []
    assert cases.published.of(case_id, "CaseDeadlineBreached") == []
    await cases.until_listed("CaseStatus = 'on_hold' AND DeadlineAt IS NULL", case_id)

    await cases.amend(case_id, "Operated by the university's own IT staff only.")
    await cases.until_published(case_id, "ScreeningRequested", count=2)
    await cases.screen(case_id, RiskLevel.MEDIUM, request_id=f"{case_id}/screening/2")
    view = await cases.until(case_id, lambda view: view.status is CaseStatus.UNDER_REVIEW)
    assert view.hold is None
    assert view.deadline_at is not None
    assert view.deadline_at - first_deadline >= timedelta(seconds=5)
    assert view.assigned_reviewer == OFFICER.id
    await cases.until_published(case_id, "CaseDeadlineBreached")


async def test_reviewer_actions_keep_the_deadline_timer_and_the_deadline_is_still_raised(
    cases: CaseHarness,
) -> None:
    case_id = await cases.open_case(RiskLevel.MEDIUM, policy=seconds(10, 5))
    task = ReviewerTask(token=token_for(OFFICER))
    for _ in range(2):
        await case_client.claim(cases.client, case_id, task)
        await case_client.release(cases.client, case_id, task)
    await case_client.claim(cases.client, case_id, task)

    [approaching] = await cases.until_published(case_id, "CaseDeadlineApproaching", timeout=60)
    [breached] = await cases.until_published(case_id, "CaseDeadlineBreached", timeout=60)
    assert breached["data"]["deadline_at"] == approaching["data"]["deadline_at"]
    query = f"Overdue = true AND AssignedReviewer = '{OFFICER.id}' AND CaseStatus = 'under_review'"
    await cases.until_listed(query, case_id, timeout=60)
