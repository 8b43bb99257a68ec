"""What every service does around its handlers: migrate, pool, outbox relay, clean shutdown."""

from __future__ import annotations

import asyncio
import contextlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

import asyncpg
import structlog
from aiokafka import AIOKafkaProducer
from faststream import FastStream
from faststream.kafka import KafkaRouter
from faststream.security import BaseSecurity

from caseflow.bad_messages.unreadable_batches import OnSkipped
from caseflow.db import create_pool, migrate
from caseflow.kafka import kafka_security, make_broker, start_producer
from caseflow.outbox import OutboxRelay
from caseflow.settings import Codec, Settings
from caseflow.waiting import until_available

log = structlog.get_logger(__name__)


class Resources(Protocol):
    """What a service holds beside its pool and relay (an HTTP API, lists kept current)."""

    async def start(self) -> None: ...
    async def stop(self) -> None: ...


@dataclass
class ServiceRuntime:
    """The resources of one service process: its schema's pool and its outbox relay."""

    schema: str
    migrations: Path
    database_url: str
    kafka_bootstrap: str
    kafka_security: BaseSecurity | None = field(default=None, repr=False)
    compression: Codec | None = None
    # CASEFLOW_CONSUMER_STALL_SECONDS; None: the consumers' lag and stalls go unreported.
    stall_after: float | None = None
    _pool: asyncpg.Pool | None = None
    _producer: AIOKafkaProducer | None = None
    _relay: asyncio.Task[None] | None = field(default=None, repr=False)

    @property
    def pool(self) -> asyncpg.Pool:
        """The service's connection pool (after `start`)."""
        assert self._pool is not None, "ServiceRuntime.start() has not run"
        return self._pool

    async def start(self) -> None:
        """Apply migrations, open the pool and start relaying the outbox; while PostgreSQL is
        away (a restart, a failover), wait for it rather than exit."""
        applied = await until_available(
            lambda: migrate(self.database_url, self.schema, self.migrations),
            purpose=f"migrating {self.schema}",
        )
        log.info("schema ready", schema=self.schema, migrations_applied=len(applied))
        self._pool = await until_available(
            lambda: create_pool(self.database_url, self.schema),
            purpose=f"connection pool {self.schema}",
        )
        self._producer = await start_producer(
            self.kafka_bootstrap,
            f"caseflow-{self.schema}",
            self.kafka_security,
            compression=self.compression,
        )
        relay = OutboxRelay(self.database_url, self.schema, self._producer)
        self._relay = asyncio.create_task(relay.run(), name=f"outbox-relay-{self.schema}")
        self._relay.add_done_callback(_fail_loudly)

    @classmethod
    def from_settings(cls, settings: Settings, schema: str, migrations: Path) -> ServiceRuntime:
        """The runtime of a service on the configured PostgreSQL and Kafka."""
        endpoints = settings.endpoints()
        return cls(
            schema,
            migrations,
            endpoints.database,
            endpoints.kafka,
            kafka_security(settings),
            settings.kafka_compression,
            settings.consumer_stall_seconds,
        )

    def app(
        self,
        router: KafkaRouter,
        on_skipped: OnSkipped | None = None,
        *,
        resources: Resources | None = None,
    ) -> FastStream:
        """The service's process: its router on a broker, this runtime started first.

        `on_skipped` hears of each record batch its consumers could not read and parked. The
        service's own `resources` start once this runtime has, and stop before it does.
        """
        broker = make_broker(
            self.kafka_bootstrap,
            f"caseflow-{self.schema}",
            self.kafka_security,
            on_skipped=on_skipped,
            compression=self.compression,
            stall_after=self.stall_after,
        )
        broker.include_router(router)
        if resources is None:
            return FastStream(broker, on_startup=[self.start], after_shutdown=[self.stop])
        return FastStream(
            broker,
            on_startup=[self.start, resources.start],
            after_shutdown=[resources.stop, self.stop],
        )

    async def stop(self) -> None:
        """Stop the relay, then close the producer and the pool."""
        if self._relay is not None:
            self._relay.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._relay
        if self._producer is not None:
            await self._producer.stop()
        if self._pool is not None:
            await self._pool.close()


def _fail_loudly(task: asyncio.Task[None]) -> None:
    """A relay that fails for any reason but an outage (which it waits out) would leave events
    unpublished: log it and stop the process."""
    if task.cancelled():
        return
    error = task.exception()
    if error is not None:
        log.critical("outbox relay failed; stopping", error=repr(error))
        asyncio.get_running_loop().stop()
