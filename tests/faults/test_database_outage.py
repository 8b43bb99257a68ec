"""PostgreSQL SIGKILLed under load and kept down for 45 s: no caseflow process exits, the
supervisor starts PostgreSQL again, and every case still reaches its outcome, once."""

from __future__ import annotations

import asyncio
import time
import uuid

import pytest

from caseflow.settings import Settings
from entrypoints.agency_client import publish_submissions
from entrypoints.processes import processes_status
from entrypoints.stack import process_status
from entrypoints.stack.errors import log_tail
from entrypoints.supervisor import start_supervisor
from tests.faults.cases import submissions, waves
from tests.faults.chaos import kill
from tests.faults.outcomes import all_decided, desk_at_work, every_case_reached_its_outcome_once

pytestmark = [pytest.mark.faults, pytest.mark.timeout(900)]

DOWN_FOR = 45.0


async def test_every_case_reaches_its_outcome_once_through_a_database_outage(
    fault_stack: Settings,
) -> None:
    settings, endpoints = fault_stack, fault_stack.endpoints()
    state_dir = settings.state_dir.resolve()
    sent = submissions(uuid.uuid4().hex[:6], batches=4, deficient=2)
    before, during, after = waves(sent.messages, 3)
    async with desk_at_work(settings):
        # The first wave is mid-flight when PostgreSQL dies; the second arrives while it is down.
        await publish_submissions(endpoints.kafka, before)
        await asyncio.sleep(3)
        running = {process.name: process.pid for process in processes_status(settings)}
        kill(settings, "postgres")  # the supervisor is stopped: it stays down
        await publish_submissions(endpoints.kafka, during)
        await asyncio.sleep(DOWN_FOR)
        for process in processes_status(settings):
            assert process.state == "running", "\n".join(log_tail(process.log_file, 40))
            assert process.pid == running[process.name], f"{process.name} exited"

        # The supervisor finds PostgreSQL exited and starts it again; the services go on.
        await start_supervisor(settings)
        deadline = time.monotonic() + 120
        while process_status(state_dir, "postgres").state != "running":
            assert time.monotonic() < deadline, "the supervisor did not restart PostgreSQL"
            await asyncio.sleep(1)
        assert process_status(state_dir, "postgres").restarts == 1
        await publish_submissions(endpoints.kafka, after)
        client = await all_decided(settings, sent)

    await every_case_reached_its_outcome_once(settings, client, sent)
    # No caseflow process exited for the outage: the supervisor restarted none of them.
    for process in processes_status(settings):
        assert process.pid == running[process.name], f"{process.name} exited"
        assert process.restarts == 0, process
