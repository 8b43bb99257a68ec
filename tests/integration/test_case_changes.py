"""What the agency and list updates change on an open case: amendment, withdrawal, re-screening."""

from __future__ import annotations

import pytest

from entrypoints.samples import sample_assessment
from schemas.cases import CaseStatus, DecisionOutcome
from schemas.screening import RiskLevel
from tests.actors import token_for
from tests.integration.case_harness import OFFICER, CaseHarness
from workflows import case_client
from workflows.bridge import signal_case
from workflows.tasks import InformationRequest, ReviewDecision, ReviewerTask

pytestmark = [pytest.mark.integration]


async def test_an_amendment_rescreens_the_case_and_its_card_shows_what_changed(
    cases: CaseHarness,
) -> None:
    case_id = await cases.open_case(RiskLevel.LOW)
    await case_client.claim(cases.client, case_id, ReviewerTask(token=token_for(OFFICER)))
    await cases.amend(case_id, "Teaching laboratory and one research group.")
    [_, again] = await cases.until_published(case_id, "ScreeningRequested", count=2)
    assert again["data"]["request_id"] == f"{case_id}/screening/2"
    assert again["data"]["reason"] == "amendment"
    assert again["data"]["application"]["end_use_statement"].endswith("one research group.")
    await cases.screen(case_id, RiskLevel.MEDIUM, request_id=f"{case_id}/screening/2")
    view = await cases.until(case_id, lambda view: view.status is CaseStatus.UNDER_REVIEW)
    assert view.screening is not None
    assert view.screening.risk_level is RiskLevel.MEDIUM
    assert view.assigned_reviewer == OFFICER.id
    assert [change.path for change in view.changes] == ["$.end_use_statement"]
    card = await cases.card(case_id)
    assert "### Last amendment" in card
    assert "one research group." in card
    statuses = [
        event["data"]["status"] for event in cases.published.of(case_id, "CaseStatusChanged")
    ]
    assert statuses[-2:] == ["screening", "under_review"]


async def test_the_same_amendment_delivered_twice_rescreens_once(cases: CaseHarness) -> None:
    case_id = await cases.open_case(RiskLevel.LOW)
    amended = await cases.amendment(case_id, "Quantity corrected to ten.")
    assert await signal_case(cases.client, case_id, "case_amended", amended)
    assert await signal_case(cases.client, case_id, "case_amended", amended)
    await cases.until_published(case_id, "ScreeningRequested", count=2)
    await cases.screen(case_id, RiskLevel.LOW, request_id=f"{case_id}/screening/2")
    await cases.until(case_id, lambda view: view.status is CaseStatus.UNDER_REVIEW)
    assert len(cases.published.of(case_id, "ScreeningRequested")) == 2


async def test_a_withdrawal_ends_a_case_on_hold_as_withdrawn(cases: CaseHarness) -> None:
    case_id = await cases.open_case(RiskLevel.HIGH)
    await case_client.claim(cases.client, case_id, ReviewerTask(token=token_for(OFFICER)))
    await case_client.request_information(
        cases.client, case_id, InformationRequest(token=token_for(OFFICER), questions=["End user?"])
    )
    await cases.withdraw(case_id, "The contract was cancelled.")
    result = await cases.result(case_id)
    assert result.outcome is DecisionOutcome.WITHDRAWN
    [decided] = await cases.until_published(case_id, "CaseDecided")
    assert decided["data"]["outcome"] == "withdrawn"
    assert decided["data"]["decided_by"] == "DE-HARNESS"
    assert decided["data"]["rationale"] == "The contract was cancelled."
    view = await cases.view(case_id)
    assert view.hold is None
    assert view.status is CaseStatus.DECIDED


async def test_amendment_and_withdrawal_after_the_decision_change_nothing(
    cases: CaseHarness,
) -> None:
    case_id = await cases.open_case(RiskLevel.LOW)
    await case_client.claim(cases.client, case_id, ReviewerTask(token=token_for(OFFICER)))
    approval = ReviewDecision(
        token=token_for(OFFICER),
        outcome=DecisionOutcome.APPROVED,
        rationale="Teaching equipment.",
        assessment=sample_assessment(),
    )
    await case_client.decide(cases.client, case_id, approval)
    await cases.handle(case_id).result()
    amended = await cases.amendment(case_id, "A late change.")
    assert not await signal_case(cases.client, case_id, "case_amended", amended)
    assert len(cases.published.of(case_id, "CaseDecided")) == 1
    assert (await cases.view(case_id)).decided is not None


async def test_a_list_update_rescreening_alerts_the_reviewer_once(cases: CaseHarness) -> None:
    case_id = await cases.open_case(RiskLevel.LOW)
    rescreen = f"{case_id}/rescreen/entity-list@2"
    for _ in range(2):
        await cases.screen(
            case_id,
            RiskLevel.CRITICAL,
            request_id=rescreen,
            reason="list_update: entity-list",
            route=("us-state-drl",),
        )
    view = await cases.until(case_id, lambda view: bool(view.alert))
    assert view.alert.startswith("re-screened after list update entity-list@2: critical risk")
    assert "(was low)" in view.alert
    assert view.status is CaseStatus.UNDER_REVIEW
    assert sum("list update" in entry.note for entry in view.timeline) == 1
    card = await cases.card(case_id)
    assert "**Alert:**" in card
    assert "- to consult: us-state-drl" in card
    await cases.until_listed("RiskLevel = 'critical' AND CaseStatus = 'under_review'", case_id)
