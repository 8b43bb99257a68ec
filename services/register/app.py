"""The register process: the case events of caseflow's topics into the register, and its API."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from contextlib import AsyncExitStack
from dataclasses import dataclass, field

import asyncpg
from faststream import FastStream
from faststream.kafka import KafkaRouter
from faststream.kafka.annotations import KafkaMessage
from prometheus_client.metrics_core import Metric

from caseflow.auth import Authentication, KeyRing, key_ring, open_accounts
from caseflow.http import HttpServer
from caseflow.kafka import make_broker
from caseflow.messaging import (
    Documented,
    at_least_once,
    set_aside_on_parked,
    set_aside_unreadable,
)
from caseflow.metrics import Families, gauge, scraped_from_store
from caseflow.service import ServiceRuntime
from caseflow.settings import Settings
from caseflow.uow import PostgresStore
from schemas.envelope import Contract, Envelope
from schemas.topics import Topic
from services.register import adapters
from services.register.adapters import RegisterUnitOfWork
from services.register.api import build_api
from services.register.config import (
    CONSUMER,
    DEFAULT_HTTP_PORT,
    MIGRATIONS,
    REGISTERED,
    SCHEMA,
)
from services.register.handlers import NotAnEvent, record
from services.register.retention import RetentionPolicy


@dataclass
class RegisterRuntime:
    """Migrations, pool and outbox relay; the retention policy; the HTTP API."""

    runtime: ServiceRuntime
    policy: RetentionPolicy
    http: HttpServer
    keys: KeyRing
    _unexpose: Callable[[], None] | None = field(default=None, repr=False)
    _held: AsyncExitStack = field(default_factory=AsyncExitStack, repr=False)

    @classmethod
    def from_settings(cls, settings: Settings) -> RegisterRuntime:
        """The runtime on the configured PostgreSQL, Kafka, keys and HTTP address."""
        return cls(
            ServiceRuntime.from_settings(settings, SCHEMA, MIGRATIONS),
            RetentionPolicy.load(settings.register_retention_file),
            HttpServer(
                "register",
                settings.register_http_host,
                settings.register_http_port,
                DEFAULT_HTTP_PORT,
                settings.state_dir / "run" / "register.url",
            ),
            key_ring(settings),
        )

    @property
    def pool(self) -> asyncpg.Pool:
        """The register's connection pool (after `start`)."""
        return self.runtime.pool

    def store(self) -> PostgresStore[RegisterUnitOfWork]:
        """Units of work on the register's schema."""
        return PostgresStore(self.runtime, RegisterUnitOfWork)

    async def start(self) -> None:
        """Start the platform runtime, expose the gauges, serve HTTP (a disabled account's token
        is refused)."""
        await self.runtime.start()
        self._unexpose = scraped_from_store("register", register_families(self))
        accounts = await self._held.enter_async_context(open_accounts(self.runtime.database_url))
        authentication = Authentication(self.keys, accounts)
        await self.http.start(build_api(self, self.store(), self.policy, authentication))

    async def stop(self) -> None:
        """Stop serving HTTP, then the platform runtime."""
        await self.http.stop()
        await self._held.aclose()
        if self._unexpose is not None:
            self._unexpose()
        await self.runtime.stop()


def register_families(process: RegisterRuntime) -> Families:
    """The register's gauges, read at each scrape."""

    async def families() -> Sequence[Metric]:
        async with process.pool.acquire() as connection:
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


def build_router(process: RegisterRuntime) -> KafkaRouter:
    """One subscriber (and consumer group) per topic whose events the register keeps."""
    router = KafkaRouter()
    store = process.store()
    for topic in REGISTERED:
        _register(router, topic, store)
    return router


def _register(router: KafkaRouter, topic: Topic, store: PostgresStore[RegisterUnitOfWork]) -> None:
    group = f"{CONSUMER}-{topic.name}"
    set_aside = set_aside_on_parked(router, group)

    @at_least_once(
        router,
        topic,
        group_id=group,
        title=f"on_{topic.name.rsplit('.', 1)[-1]}_registered",
        description=f"Keeps every case event of {topic.name} in the register of record, once.",
    )
    async def on_event(body: Documented[Envelope[Contract]], message: KafkaMessage) -> None:
        try:
            async with store.unit_of_work() as uow:
                await record(uow, message.body, topic.name)
        except NotAnEvent as error:
            await set_aside_unreadable(message, str(error), set_aside)


def create_app(settings: Settings) -> FastStream:
    """The register process: broker, router, runtime (pool, relay, HTTP API)."""
    process = RegisterRuntime.from_settings(settings)
    runtime = process.runtime
    broker = make_broker(runtime.kafka_bootstrap, "caseflow-register", runtime.kafka_security)
    broker.include_router(build_router(process))
    return FastStream(broker, on_startup=[process.start], after_shutdown=[process.stop])
