"""The services of a case, run in this process against the session's real servers."""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator, Callable, Generator
from pathlib import Path

import httpx
import pytest
from temporalio.client import Client

from caseflow.auth import Role
from caseflow.kafka import start_producer
from caseflow.loopback import free_ports
from caseflow.settings import Endpoints, Settings
from entrypoints.stack import start_stack, stop_stack
from services.consultation.bootstrap import bootstrap as consultation_app
from services.consultation.policy import StakeholderRegistry
from services.intake.bootstrap import bootstrap as intake_app
from services.screening.bootstrap import bootstrap as screening_app
from services.screening.current_lists import load_screener
from tests.integration.case_harness import CaseHarness, case_harness
from tests.integration.desk_fixtures import DeskWorld, desk_world
from tests.support import bearer, signed_token
from workflows.activities import CaseActivities
from workflows.bridge import create_app as bridge_app
from workflows.client import connect
from workflows.worker import build_worker


@pytest.fixture(scope="session")
async def temporal(stack_settings: Settings, stack_endpoints: Endpoints) -> Client:
    return await connect(stack_settings)


class AsReferredStakeholder(httpx.Auth):
    """Signs each call: an answer to a referral with the token of the stakeholder it was made
    to (found with an operator's token first), every other call with an operator's token. A
    request that carries its own Authorization header is sent as it is."""

    requires_response_body = True

    def __init__(self, operator: str, stakeholders: dict[str, str]) -> None:
        self.operator = operator
        self.stakeholders = stakeholders

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        if "authorization" in request.headers:
            yield request
            return
        token = self.operator
        # The path as sent (percent-encoded): a fuzzed referral id may hold any character.
        path = request.url.raw_path.decode("ascii").partition("?")[0]
        answering = re.fullmatch(r"/referrals/([^/]+)/responses", path)
        if answering:
            found = yield httpx.Request(
                "GET", request.url.join(f"/referrals/{answering[1]}"), headers=bearer(self.operator)
            )
            referred = found.json().get("stakeholder_id") if found.status_code == 200 else None
            token = self.stakeholders.get(referred or "", next(iter(self.stakeholders.values())))
        request.headers.update(bearer(token))
        yield request


@pytest.fixture(scope="module")
async def consultation_auth(stack_settings: Settings, stack_endpoints: Endpoints) -> httpx.Auth:
    """An operator's token, and a token per stakeholder of the seed registry."""
    stakeholders = {
        entry.id: await signed_token(stack_settings, Role.STAKEHOLDER, stakeholder=entry.id)
        for entry in StakeholderRegistry.load().stakeholders
    }
    return AsReferredStakeholder(await signed_token(stack_settings, Role.OPERATOR), stakeholders)


@pytest.fixture(scope="module")
async def consultation(
    stack_settings: Settings, stack_endpoints: Endpoints, consultation_auth: httpx.Auth
) -> AsyncIterator[httpx.AsyncClient]:
    """The consultation service in this process; a client of its HTTP API that signs its calls
    as an operator, or as the stakeholder a referral was made to (see AsReferredStakeholder)."""
    [port] = free_ports(1)
    settings = stack_settings.model_copy(update={"consultation_http_port": port})
    base_url = f"http://127.0.0.1:{port}"
    async with (
        consultation_app(settings),
        httpx.AsyncClient(base_url=base_url, timeout=10, auth=consultation_auth) as client,
    ):
        yield client


@pytest.fixture(scope="session")
async def case_services(
    stack_settings: Settings, stack_endpoints: Endpoints, temporal: Client
) -> AsyncIterator[None]:
    """Intake, screening, the bridge and a worker, all consuming from the session's broker."""
    producer = await start_producer(stack_endpoints.kafka, "test-worker")
    worker = build_worker(temporal, CaseActivities(producer), stack_settings)
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
async def world(
    stack_settings: Settings,
    temporal: Client,
    consultation: httpx.AsyncClient,
    case_services: None,
) -> AsyncIterator[DeskWorld]:
    """The reviewer desk on the session's servers, an account per role, a referral open; the
    consultation and screening services it acts through (with the signed-in user's token)."""
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
