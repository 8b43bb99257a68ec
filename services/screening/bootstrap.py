"""Screening's process resources: the platform runtime and lists kept current from PostgreSQL."""

from __future__ import annotations

import asyncio
import contextlib
from dataclasses import dataclass, field

import asyncpg
import structlog

from caseflow.http import HttpServer
from caseflow.service import ServiceRuntime
from caseflow.service_auth import ServiceAuthentication
from caseflow.settings import Settings
from caseflow.uow import PostgresStore
from services.screening.adapters import PostgresScreeningUnitOfWork
from services.screening.api import build_api
from services.screening.config import MIGRATIONS, SCHEMA
from services.screening.current_lists import CurrentLists
from services.screening.list_updates import ensure_seed_list
from services.screening.policy import ScreeningPolicy
from services.screening.rescreening import register_earlier_open_cases

log = structlog.get_logger(__name__)
DEFAULT_HTTP_PORT = 8310


@dataclass
class ScreeningRuntime:
    """Migrations, pool and outbox relay, the seed list on first start, a current index, and
    the HTTP API reviewers clear hits through."""

    runtime: ServiceRuntime
    lists: CurrentLists
    http: HttpServer
    authentication: ServiceAuthentication
    _polling: asyncio.Task[None] | None = field(default=None, repr=False)

    @classmethod
    def from_settings(cls, settings: Settings, lists: CurrentLists) -> ScreeningRuntime:
        """The runtime on the configured PostgreSQL and Kafka."""
        return cls(
            ServiceRuntime.from_settings(settings, SCHEMA, MIGRATIONS),
            lists,
            HttpServer(
                "screening",
                settings.screening_http_host,
                settings.screening_http_port,
                DEFAULT_HTTP_PORT,
                settings.state_dir / "run" / "screening.url",
            ),
            ServiceAuthentication(settings),
        )

    @property
    def pool(self) -> asyncpg.Pool:
        """Screening's connection pool (after `start`)."""
        return self.runtime.pool

    def store(self) -> PostgresStore[PostgresScreeningUnitOfWork]:
        """Units of work on screening's schema."""
        return PostgresStore(self.runtime, PostgresScreeningUnitOfWork)

    async def start(self) -> None:
        """Start the platform runtime, load the seed list once, index the current lists."""
        await self.runtime.start()
        seeded = await ensure_seed_list(self.store())
        if seeded is not None:
            log.info("seed list loaded", list_version=seeded.list_version)
        registered = await register_earlier_open_cases(self.store(), ScreeningPolicy.load())
        if registered:
            log.info("open cases registered for re-screening", cases=registered)
        await self.lists.refresh(self.pool)
        self._polling = asyncio.create_task(self.lists.keep_current(self.pool))
        await self.http.start(build_api(self.store(), await self.authentication.start()))

    async def stop(self) -> None:
        """Stop serving HTTP and polling the lists, then the platform runtime."""
        await self.http.stop()
        await self.authentication.stop()
        if self._polling is not None:
            self._polling.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._polling
        await self.runtime.stop()
