"""Screening's process resources: the platform runtime and lists kept current from PostgreSQL."""

from __future__ import annotations

import asyncio
import contextlib
from dataclasses import dataclass, field

import asyncpg
import structlog

from caseflow.service import ServiceRuntime
from caseflow.settings import Settings
from caseflow.uow import PostgresStore
from services.screening.adapters import PostgresScreeningUnitOfWork
from services.screening.config import MIGRATIONS, SCHEMA
from services.screening.list_loading import ensure_seed_list
from services.screening.lists import CurrentLists

log = structlog.get_logger(__name__)


@dataclass
class ScreeningRuntime:
    """Migrations, pool and outbox relay, the seed list on first start, and a current index."""

    runtime: ServiceRuntime
    lists: CurrentLists
    _polling: asyncio.Task[None] | None = field(default=None, repr=False)

    @classmethod
    def from_settings(cls, settings: Settings, lists: CurrentLists) -> ScreeningRuntime:
        """The runtime on the configured PostgreSQL and Kafka."""
        return cls(ServiceRuntime.from_settings(settings, SCHEMA, MIGRATIONS), lists)

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
        await self.lists.refresh(self.pool)
        self._polling = asyncio.create_task(self.lists.keep_current(self.pool))

    async def stop(self) -> None:
        """Stop polling the lists, then the platform runtime."""
        if self._polling is not None:
            self._polling.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._polling
        await self.runtime.stop()
