"""Operators find cases through Temporal visibility by their search attributes, exactly, and
each case once."""

from __future__ import annotations

import asyncio
import time
import uuid

import pytest
from temporalio.client import Client

from schemas.screening import RiskLevel
from tests.actors import token_for
from tests.integration.case_harness import OFFICER, OTHER_OFFICER, CaseHarness
from workflows import case_client
from workflows.client import workflow_id
from workflows.model import CasePolicy
from workflows.tasks import ReviewerTask

pytestmark = [pytest.mark.integration]


async def found(cases: CaseHarness, query: str, expected: set[str]) -> set[str]:
    """The case ids a query finds, once visibility has caught up with the expected ones."""
    deadline = time.monotonic() + 15
    while True:
        ids = {case.case_id for case in await case_client.find_cases(cases.client, query)}
        if ids == expected or time.monotonic() > deadline:
            return ids
        await asyncio.sleep(0.3)


async def test_a_visibility_query_finds_exactly_the_critical_cases_under_review(
    cases: CaseHarness,
) -> None:
    agency = f"DE-T{uuid.uuid4().hex[:6].upper()}"
    critical = [await cases.open_case(RiskLevel.CRITICAL, agency=agency) for _ in range(2)]
    await cases.open_case(RiskLevel.HIGH, agency=agency)
    await cases.open_case(RiskLevel.LOW, agency=agency)
    screening = await cases.open_case(None, agency=agency)  # registered, not yet screened
    claimed = await cases.open_case(RiskLevel.CRITICAL, agency=agency)
    await case_client.claim(cases.client, claimed, ReviewerTask(token=token_for(OFFICER)))

    mine = f"SubmittingAgency = '{agency}'"
    query = f"{mine} AND CaseStatus = 'under_review' AND RiskLevel = 'critical'"
    assert await found(cases, query, {*critical, claimed}) == {*critical, claimed}
    unassigned = f"{query} AND AssignedReviewer IS NULL"
    assert await found(cases, unassigned, set(critical)) == set(critical)
    not_screened = f"{mine} AND CaseStatus = 'screening'"
    assert await found(cases, not_screened, {screening}) == {screening}


async def test_a_case_that_continued_as_new_is_listed_once_as_its_latest_run_stands(
    cases: CaseHarness,
) -> None:
    case_id = await cases.open_case(policy=CasePolicy(history_events_before_continue=60))
    first_run = (await cases.handle(case_id).describe()).run_id
    for reviewer in [OFFICER, OTHER_OFFICER] * 4:
        await case_client.claim(cases.client, case_id, ReviewerTask(token=token_for(reviewer)))
        await case_client.release(cases.client, case_id, ReviewerTask(token=token_for(reviewer)))
    await case_client.claim(cases.client, case_id, ReviewerTask(token=token_for(OFFICER)))
    assert (await cases.handle(case_id).describe()).run_id != first_run

    this_case = f"WorkflowId = '{workflow_id(case_id)}'"
    await until_runs_listed(cases.client, this_case, 2)  # the closed run is in the store too
    await cases.until_listed(f"{this_case} AND AssignedReviewer = '{OFFICER.id}'", case_id)
    listed = await case_client.find_cases(cases.client, this_case)
    assert [(case.case_id, case.assigned_reviewer) for case in listed] == [(case_id, OFFICER.id)]


async def until_runs_listed(client: Client, query: str, runs: int) -> None:
    """Wait until the visibility store lists that many runs for the query."""
    deadline = time.monotonic() + 15
    while len([run async for run in client.list_workflows(query)]) < runs:
        assert time.monotonic() < deadline, f"{query!r} never listed {runs} runs"
        await asyncio.sleep(0.3)
