"""Intake killed with SIGKILL in the middle of a batch: after a restart, every submission is
registered exactly once."""

from __future__ import annotations

import asyncio
import os
import signal
import time
import uuid
from collections import defaultdict

import asyncpg
import psutil
import pytest

from caseflow.settings import Settings
from entrypoints.agency_client import publish_submissions
from entrypoints.processes import managed
from entrypoints.samples import sample_applications, submission
from entrypoints.stack import process_status, start_process, stop_process
from schemas.topics import CASES
from tests.support import collect

pytestmark = pytest.mark.integration

SUBMISSIONS = 2000


async def registered(database_url: str, run: str) -> int:
    connection = await asyncpg.connect(database_url)
    try:
        count = await connection.fetchval(
            "SELECT count(*) FROM intake.applications WHERE agency_reference LIKE $1",
            f"%-{run}-%",
        )
    finally:
        await connection.close()
    return int(count)


async def wait_for(database_url: str, run: str, at_least: int, timeout: float) -> int:
    deadline = time.monotonic() + timeout
    while (count := await registered(database_url, run)) < at_least:
        if time.monotonic() > deadline:
            raise AssertionError(f"only {count} of {at_least} registered in {timeout}s")
        await asyncio.sleep(0.05)
    return count


async def test_intake_killed_mid_batch_registers_every_submission_exactly_once(
    intake_stack: Settings,
) -> None:
    stack_settings = intake_stack
    stack_endpoints = intake_stack.endpoints()
    state_dir = stack_settings.state_dir.resolve()
    run = uuid.uuid4().hex[:6]
    messages = [
        (envelope.subject, envelope.to_bytes())
        for batch in range(SUBMISSIONS // 6 + 1)
        for envelope in map(submission, sample_applications(f"-{run}-{batch:04d}"))
    ][:SUBMISSIONS]
    await start_process(state_dir, managed("intake", stack_settings), ready_within=90)
    try:
        await publish_submissions(stack_endpoints.kafka, messages)
        before_kill = await wait_for(stack_endpoints.database, run, 200, timeout=90)
        pid = process_status(state_dir, "intake").pid
        assert pid is not None
        os.kill(pid, signal.SIGKILL)
        assert before_kill < SUBMISSIONS, "intake finished before it could be killed"
        psutil.Process(pid).wait(timeout=10)  # gone before it is started again

        await start_process(state_dir, managed("intake", stack_settings), ready_within=90)
        assert await wait_for(stack_endpoints.database, run, SUBMISSIONS, timeout=180) == (
            SUBMISSIONS
        )
        received = await collect(
            stack_endpoints.kafka,
            CASES.name,
            lambda seen: len({event["id"] for event in seen}) >= SUBMISSIONS,
            where=lambda event: (
                event["type"] == "CaseReceived.v1"
                and f"-{run}-" in event["data"]["application"]["agency_reference"]
            ),
            timeout=120,
            linger=2,
        )
    finally:
        stop_process(state_dir, "intake")
    cases_by_reference: dict[str, set[str]] = defaultdict(set)
    for event in received:
        cases_by_reference[event["data"]["application"]["agency_reference"]].add(
            event["data"]["case_id"]
        )
    assert len(cases_by_reference) == SUBMISSIONS
    assert all(len(cases) == 1 for cases in cases_by_reference.values())
    assert await registered(stack_endpoints.database, run) == SUBMISSIONS
