"""What the fault suite checks after every fault: each case reached its outcome, once."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from temporalio.client import Client

from caseflow.settings import Settings
from entrypoints.processes import PROCESS_NAMES, processes_status
from schemas.topics import REJECTIONS, SHARING_NOTICES
from tests.faults.cases import (
    Submissions,
    count_cases,
    decided_events,
    references_by_workflow,
    wait_for_cases,
)
from tests.faults.desk import EXPECTED_OUTCOME, FaultDesk
from tests.support import collect, intake_standing
from workflows.case_client import case_view
from workflows.client import connect

DECIDED_WITHIN = 420.0


@asynccontextmanager
async def desk_at_work(settings: Settings) -> AsyncIterator[FaultDesk]:
    """Reviewers acting on every open case, for as long as the block runs."""
    desk = FaultDesk(settings)
    reviewing = asyncio.create_task(desk.run())
    try:
        yield desk
    finally:
        desk.stop()
        await reviewing


async def all_decided(settings: Settings, sent: Submissions) -> Client:
    """Wait until every valid submission is a decided case; the client that saw it."""
    client = await connect(settings)
    await wait_for_cases(client, "CaseStatus = 'decided'", len(sent.valid), DECIDED_WITHIN)
    return client


async def every_case_reached_its_outcome_once(
    settings: Settings, client: Client, sent: Submissions
) -> None:
    """One workflow and one decision per valid submission, as its risk calls for; a refusal per
    deficient one; the agency sees every outcome; every caseflow process runs."""
    endpoints = settings.endpoints()
    # Exactly one workflow per valid submission, none for a deficient one.
    workflows = await references_by_workflow(client)
    assert set(workflows) == set(sent.valid)
    assert all(len(ids) == 1 for ids in workflows.values()), workflows
    assert await count_cases(client) == len(sent.valid)

    # Each case decided as its risk calls for; the high-risk ones after a consultation.
    outcomes, denied = {}, set()
    for [workflow_id] in workflows.values():
        view = await case_view(client, workflow_id.removeprefix("license-case-"))
        assert view.screening is not None
        assert view.decided is not None
        expected = EXPECTED_OUTCOME[view.screening.risk_level.value]
        assert view.decided.outcome is expected, view.timeline
        if view.screening.risk_level.value == "high":
            assert view.consultation is not None
            assert view.consultation.concluded is not None
        outcomes[view.case_id] = expected.value
        if expected.value == "denied":
            denied.add(view.case_id)

    # Exactly one CaseDecided per case (a redelivered copy carries the same event id).
    decided = await decided_events(endpoints.kafka, set(outcomes))
    for case_id, events in decided.items():
        assert len({event["id"] for event in events}) == 1, events
        assert events[0]["data"]["outcome"] == outcomes[case_id]

    # The agency sees the outcome of every case; each deficient submission drew its refusal.
    for reference, (key, _) in sent.valid.items():
        standing, _ = await intake_standing(endpoints.database, key.split(":")[0], reference)
        assert standing is not None, reference
        assert standing.status == "decided", reference
    refusals = await collect(
        endpoints.kafka,
        REJECTIONS.name,
        lambda seen: {event["data"]["agency_reference"] for event in seen} >= set(sent.deficient),
        where=lambda event: event["data"]["agency_reference"] in sent.deficient,
    )
    assert refusals

    # Denials on human-rights grounds reached partner states, one notice per case.
    notices = await collect(
        endpoints.kafka,
        SHARING_NOTICES.name,
        lambda seen: {event["subject"] for event in seen} >= denied,
        where=lambda event: event["subject"] in denied,
        linger=2,
    )
    assert len({event["data"]["notice_id"] for event in notices}) == len(denied)
    assert all(process.state == "running" for process in processes_status(settings))
    assert [process.name for process in processes_status(settings)] == list(PROCESS_NAMES)
