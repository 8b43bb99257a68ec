"""Fifty submissions in flight while every caseflow process is SIGKILLed and started again and
the Temporal server restarts: every case still reaches its outcome, once."""

from __future__ import annotations

import asyncio
import uuid

import pytest

from caseflow.agency import publish_submissions
from caseflow.processes import PROCESS_NAMES, processes_status
from caseflow.settings import Settings
from schemas.topics import REJECTIONS, SHARING_NOTICES
from services.intake.queries import standing_of
from tests.faults.cases import (
    count_cases,
    decided_events,
    references_by_workflow,
    submissions,
    wait_for_cases,
    waves,
)
from tests.faults.chaos import kill, start_again
from tests.faults.desk import EXPECTED_OUTCOME, FaultDesk
from tests.support import collect
from workflows.client import connect
from workflows.desk import case_view

pytestmark = [pytest.mark.faults, pytest.mark.timeout(900)]

# Each process or server and how long it stays down; Temporal longer than its clients retry a
# call (about 30 s), so the bridge must hold on to what it could not hand over.
FAULTS = (
    ("intake", 2.0),
    ("screening", 2.0),
    ("bridge", 2.0),
    ("worker", 2.0),
    ("consultation", 2.0),
    ("temporal", 45.0),
)


async def test_every_case_reaches_its_outcome_once_through_kills_and_a_temporal_restart(
    fault_stack: Settings,
) -> None:
    settings, endpoints = fault_stack, fault_stack.endpoints()
    sent = submissions(uuid.uuid4().hex[:6], batches=8, deficient=2)
    assert len(sent.messages) == 50
    desk = FaultDesk(settings)
    reviewing = asyncio.create_task(desk.run())
    try:
        for wave, (name, down_for) in zip(waves(sent.messages, len(FAULTS)), FAULTS, strict=True):
            # The waves before are mid-flight when it dies; this one arrives while it is down.
            kill(settings, name)
            await publish_submissions(endpoints.kafka, wave)
            await asyncio.sleep(down_for)
            await start_again(settings, name)
            await asyncio.sleep(3)
        client = await connect(settings)
        await wait_for_cases(client, "CaseStatus = 'decided'", len(sent.valid), timeout=420)
    finally:
        desk.stop()
        await reviewing

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
        standing, _ = await standing_of(endpoints.database, key.split(":")[0], reference)
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
