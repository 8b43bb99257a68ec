"""The register wired: settings, keys and the retention policy read once, here, and handed to
what needs them."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from contextlib import AsyncExitStack
from dataclasses import dataclass, field
from functools import partial

import asyncpg
from faststream import FastStream
from prometheus_client.metrics_core import Metric

from caseflow.auth import Authentication, KeyRing, key_ring, open_accounts
from caseflow.bad_messages.retries import RetryBudget
from caseflow.http import HttpServer
from caseflow.metrics import Families, gauge, scraped_from_store
from caseflow.service_runtime import ServiceRuntime
from caseflow.settings import Settings
from caseflow.uow import PostgresStore
from services.register import adapters
from services.register.adapters import RegisterUnitOfWork
from services.register.api import build_api
from services.register.app import build_router
from services.register.config import DEFAULT_HTTP_PORT, MIGRATIONS, SCHEMA
from services.register.handlers import register
from services.register.retention import RetentionPolicy


def bootstrap(settings: Settings, *, policy: RetentionPolicy | None = None) -> FastStream:
    """The register process: its router, runtime (pool, relay) and HTTP API; `policy` replaces
    the retention policy file."""
    runtime = ServiceRuntime.from_settings(settings, SCHEMA, MIGRATIONS)
    resources = RegisterResources(
        runtime,
        policy or RetentionPolicy.load(settings.register_retention_file),
        HttpServer(
            "register",
            settings.register_http_host,
            settings.register_http_port,
            DEFAULT_HTTP_PORT,
            settings.state_dir / "run" / "register.url",
        ),
        key_ring(settings),
    )
    store = resources.store()
    router = build_router(partial(register, store), RetryBudget.from_settings(settings))
    return runtime.app(router, resources=resources)


@dataclass
class RegisterResources:
    """Beside the pool and relay: the retention policy, the gauges, the HTTP API."""

    runtime: ServiceRuntime
    policy: RetentionPolicy
    http: HttpServer
    keys: KeyRing
    _unexpose: Callable[[], None] | None = field(default=None, repr=False)
    _held: AsyncExitStack = field(default_factory=AsyncExitStack, repr=False)

    @property
    def pool(self) -> asyncpg.Pool:
        """The register's connection pool (after the runtime starts)."""
        return self.runtime.pool

    def store(self) -> PostgresStore[RegisterUnitOfWork]:
        """Units of work on the register's schema."""
        return PostgresStore(self.runtime, RegisterUnitOfWork)

    async def start(self) -> None:
        """Expose the gauges, serve HTTP (a disabled account's token is refused)."""
        self._unexpose = scraped_from_store("register", register_families(self))
        accounts = await self._held.enter_async_context(open_accounts(self.runtime.database_url))
        authentication = Authentication(self.keys, accounts)
        await self.http.start(build_api(self, self.store(), self.policy, authentication))

    async def stop(self) -> None:
        """Stop serving HTTP and exposing the gauges."""
        await self.http.stop()
        await self._held.aclose()
        if self._unexpose is not None:
            self._unexpose()


def register_families(resources: RegisterResources) -> Families:
    """The register's gauges, read at each scrape."""

    async def families() -> Sequence[Metric]:
        async with resources.pool.acquire() as connection:
            counts = await adapters.counts(connection)
        return [
            gauge(
                "caseflow_register_cases",
                "Cases in the register: held (all), closed (decided), pseudonymised (past "
                "retention).",
                counts,
                "kind",
            )
        ]

    return families
