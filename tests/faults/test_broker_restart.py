"""The embedded broker restarts and loses every message it held: the stack creates the topics
again, workflows ask again for what they were waiting for, and what the agency had sent but
intake had not yet read is the agency's to send again (and safe to send twice)."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime

import pytest

from caseflow.settings import Settings
from entrypoints.agency_client import publish_submissions
from entrypoints.processes import start_processes
from entrypoints.stack import stop_process
from entrypoints.stack.broker import stack_topics
from tests.faults.cases import decided_events, submissions, topic_partitions, wait_for_cases
from tests.faults.chaos import kill, start_again
from tests.faults.desk import FaultDesk
from tests.support import intake_standing
from workflows.case_client import case_view, find_cases
from workflows.client import connect

pytestmark = [pytest.mark.faults, pytest.mark.timeout(900)]


async def test_after_a_broker_restart_cases_recover_and_the_agency_resends_what_was_unread(
    fault_stack: Settings,
) -> None:
    settings, endpoints = fault_stack, fault_stack.endpoints()
    state_dir = settings.state_dir.resolve()
    client = await connect(settings)
    since = f"StartTime >= '{datetime.now(UTC).isoformat()}'"
    run = uuid.uuid4().hex[:6]
    consulting = submissions(f"c{run}", batches=1)
    screening_lost, unread = submissions(f"s{run}", batches=1), submissions(f"u{run}", batches=1)
    desk = FaultDesk(settings)
    reviewing = asyncio.create_task(desk.run())
    try:
        # When the broker dies, it holds consultation requests the service has not read yet …
        stop_process(state_dir, "consultation")
        await publish_submissions(endpoints.kafka, consulting.messages)
        await wait_for_cases(client, f"CaseStatus = 'referred' AND {since}", 3, timeout=180)
        # … screening requests of registered cases …
        stop_process(state_dir, "screening")
        await publish_submissions(endpoints.kafka, screening_lost.messages)
        await wait_for_cases(client, f"CaseStatus = 'screening' AND {since}", 6, timeout=180)
        # … and submissions intake has not read.
        stop_process(state_dir, "intake")
        await publish_submissions(endpoints.kafka, unread.messages)
        decided_before_restart = {
            case.case_id for case in await find_cases(client, f"CaseStatus = 'decided' AND {since}")
        }
        kill(settings, "broker")
        await asyncio.sleep(2)
        await start_again(settings, "broker")
        # Every topic again with its partitions: the services' and one per agency.
        partitions = {topic.name: topic.partitions for topic in stack_topics()}
        assert await topic_partitions(endpoints.kafka) == partitions
        await start_processes(settings)

        # The workflows ask again for what they were waiting for; the cases go on to a decision.
        await wait_for_cases(client, f"CaseStatus = 'decided' AND {since}", 12, timeout=300)
        # The agency finds neither a case nor a refusal for what intake never read, and resends.
        for reference, (key, _) in unread.valid.items():
            agency = key.split(":")[0]
            assert await intake_standing(endpoints.database, agency, reference) == (None, [])
        await publish_submissions(endpoints.kafka, unread.messages)
        await wait_for_cases(client, f"CaseStatus = 'decided' AND {since}", 18, timeout=300)
    finally:
        desk.stop()
        await reviewing

    cases = await find_cases(client, since, limit=50)
    assert len(cases) == 18
    for case in cases:
        view = await case_view(client, case.case_id)
        notes = " / ".join(entry.note for entry in view.timeline)
        if view.agency_reference in screening_lost.valid:
            assert "screening re-sent" in notes
        if view.agency_reference in consulting.valid and view.consultation is not None:
            assert "consultation request re-sent" in notes
        standing, _ = await intake_standing(
            endpoints.database, view.submitting_agency, view.agency_reference
        )
        assert standing is not None
        assert standing.status == "decided"
    # Cases decided before the broker died had their CaseDecided lost with it (their agencies
    # read the outcome with `caseflow status`); every case decided since has exactly one.
    after_restart = {case.case_id for case in cases} - decided_before_restart
    assert len(after_restart) >= 15  # at most the low and critical cases of the first six left
    decided = await decided_events(endpoints.kafka, after_restart)
    assert all(len({event["id"] for event in events}) == 1 for events in decided.values())
