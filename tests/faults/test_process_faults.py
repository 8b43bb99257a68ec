"""Fifty submissions in flight while every caseflow process is SIGKILLed and started again and
the Temporal server restarts: every case still reaches its outcome, once."""

from __future__ import annotations

import asyncio
import uuid

import pytest

from caseflow.settings import Settings
from entrypoints.agency_client import publish_submissions
from tests.faults.cases import submissions, waves
from tests.faults.chaos import kill, start_again
from tests.faults.outcomes import all_decided, desk_at_work, every_case_reached_its_outcome_once

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
    async with desk_at_work(settings):
        for wave, (name, down_for) in zip(waves(sent.messages, len(FAULTS)), FAULTS, strict=True):
            # The waves before are mid-flight when it dies; this one arrives while it is down.
            kill(settings, name)
            await publish_submissions(endpoints.kafka, wave)
            await asyncio.sleep(down_for)
            await start_again(settings, name)
            await asyncio.sleep(3)
        client = await all_decided(settings, sent)

    await every_case_reached_its_outcome_once(settings, client, sent)
