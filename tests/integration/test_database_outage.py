"""PostgreSQL killed under a running service: the service waits for it rather than exit, the
supervisor starts PostgreSQL again, and what arrived meanwhile is registered once, not parked."""

from __future__ import annotations

import asyncio
import os
import signal
import time
import uuid
from collections import defaultdict
from collections.abc import AsyncIterator
from pathlib import Path

import psutil
import pytest

from caseflow.settings import Settings
from caseflow.waiting import until_available
from entrypoints.agency_client import publish_submissions
from entrypoints.processes import start_processes
from entrypoints.samples import sample_applications, submission
from entrypoints.stack import log_file, process_status, stop_process
from entrypoints.stack.errors import log_tail
from entrypoints.stack.restarts import SUPERVISOR
from entrypoints.supervisor import start_supervisor
from schemas.topics import CASES, PARKED
from tests.integration.test_intake_crash import registered, wait_for
from tests.support import collect

pytestmark = pytest.mark.integration

DOWN_FOR = 12.0  # seconds: longer than the first pauses of the relay and of redelivery


@pytest.fixture
async def supervised_stack(intake_stack: Settings) -> AsyncIterator[Settings]:
    """Intake on a PostgreSQL and broker of the test's own, under the supervisor."""
    try:
        await start_processes(intake_stack, ("intake",))
        await start_supervisor(intake_stack)
        yield intake_stack
    finally:
        stop_process(intake_stack.state_dir.resolve(), "intake")


def samples(run: str, batch: int) -> list[tuple[str, bytes]]:
    return [
        (envelope.subject, envelope.to_bytes())
        for envelope in map(submission, sample_applications(f"-{run}-{batch}"))
    ]


async def wait_until_running(state_dir: Path, name: str, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while process_status(state_dir, name).state != "running":
        assert time.monotonic() < deadline, f"{name} was not restarted within {timeout}s"
        await asyncio.sleep(0.5)


async def test_intake_waits_out_a_database_outage_and_registers_what_arrived_meanwhile(
    supervised_stack: Settings,
) -> None:
    settings, endpoints = supervised_stack, supervised_stack.endpoints()
    state_dir = settings.state_dir.resolve()
    run = uuid.uuid4().hex[:6]
    await publish_submissions(endpoints.kafka, samples(run, 1))
    await wait_for(endpoints.database, run, 6, timeout=90)
    intake = process_status(state_dir, "intake").pid

    # PostgreSQL dies and stays down while the supervisor is away; submissions keep coming.
    stop_process(state_dir, SUPERVISOR)
    postgres = process_status(state_dir, "postgres").pid
    assert postgres is not None
    os.kill(postgres, signal.SIGKILL)
    psutil.Process(postgres).wait(timeout=30)
    await publish_submissions(endpoints.kafka, samples(run, 2))
    await asyncio.sleep(DOWN_FOR)
    still = process_status(state_dir, "intake")
    assert still.state == "running", "\n".join(log_tail(still.log_file, 60))
    assert still.pid == intake

    # The supervisor finds PostgreSQL exited and starts it again; intake goes on by itself.
    await start_supervisor(settings)
    await wait_until_running(state_dir, "postgres", timeout=60)
    restarted = process_status(state_dir, "postgres")
    assert restarted.restarts == 1
    assert restarted.last_exit == "exited"  # it was not the supervisor's child
    assert "caseflow restarts postgres (restart 1" in log_file(state_dir, "postgres").read_text()
    await until_available(lambda: registered(endpoints.database, run), purpose="recovery")
    assert await wait_for(endpoints.database, run, 12, timeout=120) == 12

    # Every submission became one case, announced once; intake never exited, nothing parked.
    received = await collect(
        endpoints.kafka,
        CASES.name,
        lambda seen: len({event["id"] for event in seen}) >= 12,
        where=lambda event: (
            event["type"] == "CaseReceived.v1"
            and f"-{run}-" in event["data"]["application"]["agency_reference"]
        ),
        timeout=120,
        linger=2,
    )
    cases_by_reference: dict[str, set[str]] = defaultdict(set)
    for event in received:
        reference = event["data"]["application"]["agency_reference"]
        cases_by_reference[reference].add(event["data"]["case_id"])
    assert len(cases_by_reference) == 12
    assert all(len(cases) == 1 for cases in cases_by_reference.values())
    assert await registered(endpoints.database, run) == 12
    assert process_status(state_dir, "intake").pid == intake
    assert process_status(state_dir, "intake").restarts == 0
    parked = await collect(endpoints.kafka, PARKED.name, lambda _: True, linger=2)
    assert parked == []
    intake_log = log_file(state_dir, "intake").read_text()
    assert "server unavailable" in intake_log
