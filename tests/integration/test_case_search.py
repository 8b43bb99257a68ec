"""Operators find cases through Temporal visibility by their search attributes, exactly."""

from __future__ import annotations

import asyncio
import time
import uuid

import pytest

from schemas.screening import RiskLevel
from tests.integration.case_harness import OFFICER, CaseHarness
from workflows import desk
from workflows.tasks import ReviewerTask

pytestmark = [pytest.mark.integration]


async def found(cases: CaseHarness, query: str, expected: set[str]) -> set[str]:
    """The case ids a query finds, once visibility has caught up with the expected ones."""
    deadline = time.monotonic() + 15
    while True:
        ids = {case.case_id for case in await desk.find_cases(cases.client, query)}
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
    await desk.claim(cases.client, claimed, ReviewerTask(reviewer=OFFICER))

    mine = f"SubmittingAgency = '{agency}'"
    query = f"{mine} AND CaseStatus = 'under_review' AND RiskLevel = 'critical'"
    assert await found(cases, query, {*critical, claimed}) == {*critical, claimed}
    unassigned = f"{query} AND AssignedReviewer IS NULL"
    assert await found(cases, unassigned, set(critical)) == set(critical)
    not_screened = f"{mine} AND CaseStatus = 'screening'"
    assert await found(cases, not_screened, {screening}) == {screening}
