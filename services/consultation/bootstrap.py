"""Consultation's process resources: the platform runtime, the registry seed, the HTTP API."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field

import asyncpg
import structlog
import uvicorn

from caseflow.service import ServiceRuntime
from caseflow.settings import Settings
from caseflow.uow import PostgresStore
from services.consultation.adapters import PostgresConsultationUnitOfWork
from services.consultation.api import build_api
from services.consultation.config import MIGRATIONS, SCHEMA
from services.consultation.policy import RoutingPolicy, StakeholderRegistry

log = structlog.get_logger(__name__)


@dataclass
class ConsultationRuntime:
    """Migrations, pool and outbox relay; stakeholders seeded on first start; the HTTP API."""

    runtime: ServiceRuntime
    policy: RoutingPolicy
    http_host: str
    http_port: int
    _server: uvicorn.Server | None = field(default=None, repr=False)
    _serving: asyncio.Task[None] | None = field(default=None, repr=False)

    @classmethod
    def from_settings(cls, settings: Settings, policy: RoutingPolicy) -> ConsultationRuntime:
        """The runtime on the configured PostgreSQL, Kafka and HTTP address."""
        endpoints = settings.endpoints()
        runtime = ServiceRuntime(SCHEMA, MIGRATIONS, endpoints.database, endpoints.kafka)
        return cls(
            runtime, policy, settings.consultation_http_host, settings.consultation_http_port
        )

    @property
    def pool(self) -> asyncpg.Pool:
        """Consultation's connection pool (after `start`)."""
        return self.runtime.pool

    def store(self) -> PostgresStore[PostgresConsultationUnitOfWork]:
        """Units of work on consultation's schema."""
        return PostgresStore(self.runtime, PostgresConsultationUnitOfWork)

    async def start(self) -> None:
        """Start the platform runtime, seed the registry once, serve the HTTP API."""
        await self.runtime.start()
        async with self.store().unit_of_work() as uow:
            changed = await uow.seed_stakeholders(StakeholderRegistry.load())
        log.info("stakeholder registry ready", added_or_updated=changed)
        api = build_api(self, self.store(), self.policy)
        config = uvicorn.Config(
            api, host=self.http_host, port=self.http_port, log_level="warning", lifespan="off"
        )
        self._server = uvicorn.Server(config)
        self._serving = asyncio.create_task(self._server.serve(), name="consultation-http")
        while not self._server.started:
            if self._serving.done():
                self._serving.result()  # raises why it could not start
                raise RuntimeError(f"consultation API did not start on port {self.http_port}")
            await asyncio.sleep(0.05)
        log.info("consultation API listening", host=self.http_host, port=self.http_port)

    async def stop(self) -> None:
        """Stop serving HTTP, then the platform runtime."""
        if self._server is not None and self._serving is not None:
            self._server.should_exit = True
            await self._serving
        await self.runtime.stop()
