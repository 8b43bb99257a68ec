"""Screening wired: settings and policy read once, here, and handed to what needs them."""

from __future__ import annotations

import asyncio
import contextlib
from dataclasses import dataclass, field

import asyncpg
import structlog
from faststream import FastStream

from caseflow.adopted_policy import adopted_policy_dir, in_force
from caseflow.bad_messages.retries import RetryBudget
from caseflow.http import HttpServer
from caseflow.service_auth import ServiceAuthentication
from caseflow.service_runtime import ServiceRuntime
from caseflow.settings import Settings
from caseflow.uow import PostgresStore
from schemas.sharing import PolicyPart
from services.screening.adapters import PostgresScreeningUnitOfWork
from services.screening.api import build_api
from services.screening.app import build_router
from services.screening.case_closing import closing_table
from services.screening.config import MIGRATIONS, SCHEMA
from services.screening.current_lists import CurrentLists
from services.screening.domain import Knowledge
from services.screening.list_updates import ensure_seed_list
from services.screening.notice_rescreening import notice_table
from services.screening.policy import DEFAULT_POLICY, ScreeningPolicy
from services.screening.requests import request_table
from services.screening.rules.destination import DEFAULT_REGISTER, DestinationRegister
from services.screening.screen_workers import ScreenWorkers
from services.screening.screened_subjects import register_earlier_open_cases

log = structlog.get_logger(__name__)
DEFAULT_HTTP_PORT = 8310


def bootstrap(
    settings: Settings,
    lists: CurrentLists,
    *,
    policy: ScreeningPolicy | None = None,
    destinations: DestinationRegister | None = None,
) -> FastStream:
    """The screening process: its router, runtime (pool, relay), current lists and HTTP API;
    `policy` and `destinations` replace the policy files."""
    runtime = ServiceRuntime.from_settings(settings, SCHEMA, MIGRATIONS)
    in_force_policy, in_force_destinations = policy_in_force(settings)
    policy = policy or in_force_policy
    resources = ScreeningResources(
        runtime,
        lists,
        policy,
        HttpServer(
            "screening",
            settings.screening_http_host,
            settings.screening_http_port,
            DEFAULT_HTTP_PORT,
            settings.state_dir / "run" / "screening.url",
        ),
        ServiceAuthentication(settings),
    )
    store = resources.store()
    standing = Knowledge(lists, destinations or in_force_destinations)
    router = build_router(
        request_table(store, store, policy, standing, lists, resources, workers(settings)),
        closing_table(store, policy, standing),
        notice_table(store, policy, standing),
        RetryBudget.from_settings(settings),
    )
    return runtime.app(router, resources=resources)


def workers(settings: Settings) -> ScreenWorkers:
    """The worker processes a re-screen screens parties in full on (one per core, unless set)."""
    processes = settings.screening_processes or ScreenWorkers.processes
    return ScreenWorkers(processes, settings.screening_processes_from)


def policy_in_force(settings: Settings) -> tuple[ScreeningPolicy, DestinationRegister]:
    """The screening policy and destination register this process screens with: the shipped
    files, or the documents adopted from partners' bundles (docs/sharing.md)."""
    directory = adopted_policy_dir(settings)
    return (
        ScreeningPolicy.load(in_force(directory, PolicyPart.SCREENING_POLICY, DEFAULT_POLICY)),
        DestinationRegister.load(in_force(directory, PolicyPart.DESTINATIONS, DEFAULT_REGISTER)),
    )


@dataclass
class ScreeningResources:
    """Beside the pool and relay: the seed list on first start, a current index, and the HTTP
    API reviewers clear hits through."""

    runtime: ServiceRuntime
    lists: CurrentLists
    policy: ScreeningPolicy
    http: HttpServer
    authentication: ServiceAuthentication
    _polling: asyncio.Task[None] | None = field(default=None, repr=False)

    @property
    def pool(self) -> asyncpg.Pool:
        """Screening's connection pool (after the runtime starts)."""
        return self.runtime.pool

    def store(self) -> PostgresStore[PostgresScreeningUnitOfWork]:
        """Units of work on screening's schema."""
        return PostgresStore(self.runtime, PostgresScreeningUnitOfWork)

    async def start(self) -> None:
        """Load the seed list once, index the current lists, serve HTTP."""
        seeded = await ensure_seed_list(self.store())
        if seeded is not None:
            log.info("seed list loaded", list_version=seeded.list_version)
        registered = await register_earlier_open_cases(self.store(), self.policy)
        if registered:
            log.info("open cases registered for re-screening", cases=registered)
        await self.lists.refresh(self.pool)
        async with self.store().unit_of_work() as uow:
            self.lists.take_in_step(await uow.in_step_with())
        self._polling = asyncio.create_task(self.lists.keep_current(self.pool))
        await self.http.start(build_api(self.store(), await self.authentication.start()))

    async def stop(self) -> None:
        """Stop serving HTTP and polling the lists."""
        await self.http.stop()
        await self.authentication.stop()
        if self._polling is not None:
            self._polling.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._polling
