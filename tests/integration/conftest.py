"""The services of a case, run in this process against the session's real servers."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from pathlib import Path

import httpx
import pytest
from temporalio.client import Client

from caseflow.kafka import start_producer
from caseflow.settings import Endpoints, Settings
from caseflow.stack import start_stack, stop_stack
from caseflow.stack.ports import free_ports
from services.consultation.app import create_app as consultation_app
from services.intake.app import create_app as intake_app
from services.screening.app import create_app as screening_app
from services.screening.lists import load_screener
from tests.integration.case_harness import CaseHarness, case_harness
from tests.integration.desk_fixtures import DeskWorld, desk_world
from workflows.activities import CaseActivities
from workflows.bridge import create_app as bridge_app
from workflows.client import connect
from workflows.worker import build_worker


@pytest.fixture(scope="session")
async def temporal(stack_settings: Settings, stack_endpoints: Endpoints) -> Client:
    return await connect(stack_settings)


@pytest.fixture(scope="module")
async def consultation(
    stack_settings: Settings, stack_endpoints: Endpoints
) -> AsyncIterator[httpx.AsyncClient]:
    """The consultation service in this process; a client of its HTTP API."""
    [port] = free_ports(1)
    settings = stack_settings.model_copy(update={"consultation_http_port": port})
    async with (
        consultation_app(settings),
        httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", timeout=10) as client,
    ):
        yield client


@pytest.fixture(scope="session")
async def case_services(
    stack_settings: Settings, stack_endpoints: Endpoints, temporal: Client
) -> AsyncIterator[None]:
    """Intake, screening, the bridge and a worker, all consuming from the session's broker."""
    producer = await start_producer(stack_endpoints.kafka, "test-worker")
    worker = build_worker(temporal, CaseActivities(producer))
    running = asyncio.create_task(worker.run())
    async with (
        intake_app(stack_settings),
        screening_app(stack_settings, load_screener()),
        bridge_app(stack_settings),
    ):
        yield
    await worker.shutdown()
    await running
    await producer.stop()


@pytest.fixture(scope="module")
async def cases(temporal: Client) -> AsyncIterator[CaseHarness]:
    """Drives cases through the workflow on a worker of the module's own (see case_harness)."""
    async with case_harness(temporal) as harness:
        yield harness


@pytest.fixture(scope="module")
async def world(stack_settings: Settings, temporal: Client) -> AsyncIterator[DeskWorld]:
    """The reviewer desk on the session's servers, an account per role, a referral open."""
    async with desk_world(stack_settings, temporal) as world:
        yield world


@pytest.fixture
async def intake_stack(
    stack_state_dirs: Callable[[], Path], stack_endpoints: Endpoints
) -> AsyncIterator[Settings]:
    """A PostgreSQL and broker of the test's own, which it may flood or kill, kept out of the
    session's (intake needs no Temporal: the session's address stands in)."""
    [kafka_port] = free_ports(1)
    settings = Settings(
        state_dir=stack_state_dirs(),
        kafka_port=kafka_port,
        temporal_address=stack_endpoints.temporal,
    )
    await start_stack(settings)
    yield settings
    stop_stack(settings)
