"""Consultation's process resources: the platform runtime, the registry seed, the HTTP API."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import asyncpg
import structlog

from caseflow.http import HttpServer
from caseflow.metrics import scraped_from_store
from caseflow.service import ServiceRuntime
from caseflow.service_auth import ServiceAuthentication
from caseflow.settings import Settings
from caseflow.uow import PostgresStore
from services.consultation.adapters import PostgresConsultationUnitOfWork
from services.consultation.api import build_api
from services.consultation.config import MIGRATIONS, SCHEMA
from services.consultation.metrics import referral_families
from services.consultation.policy import RoutingPolicy, StakeholderRegistry

log = structlog.get_logger(__name__)
DEFAULT_HTTP_PORT = 8300


@dataclass
class ConsultationRuntime:
    """Migrations, pool and outbox relay; the stakeholder registry seeded; the HTTP API."""

    runtime: ServiceRuntime
    policy: RoutingPolicy
    http: HttpServer
    authentication: ServiceAuthentication
    _unexpose: Callable[[], None] | None = field(default=None, repr=False)

    @classmethod
    def from_settings(cls, settings: Settings, policy: RoutingPolicy) -> ConsultationRuntime:
        """The runtime on the configured PostgreSQL, Kafka and HTTP address."""
        return cls(
            ServiceRuntime.from_settings(settings, SCHEMA, MIGRATIONS),
            policy,
            HttpServer(
                "consultation",
                settings.consultation_http_host,
                settings.consultation_http_port,
                DEFAULT_HTTP_PORT,
                settings.state_dir / "run" / "consultation.url",
            ),
            ServiceAuthentication(settings),
        )

    @property
    def pool(self) -> asyncpg.Pool:
        """Consultation's connection pool (after `start`)."""
        return self.runtime.pool

    def store(self) -> PostgresStore[PostgresConsultationUnitOfWork]:
        """Units of work on consultation's schema."""
        return PostgresStore(self.runtime, PostgresConsultationUnitOfWork)

    async def start(self) -> None:
        """Start the platform runtime, bring the registry up to its seed file, serve HTTP."""
        await self.runtime.start()
        async with self.store().unit_of_work() as uow:
            changed = await uow.seed_stakeholders(StakeholderRegistry.load())
        log.info("stakeholder registry ready", added_or_updated=changed)
        self._unexpose = scraped_from_store("consultation", referral_families(self))
        authentication = await self.authentication.start()
        await self.http.start(build_api(self, self.store(), self.policy, authentication))

    async def stop(self) -> None:
        """Stop serving HTTP, then the platform runtime."""
        await self.http.stop()
        await self.authentication.stop()
        if self._unexpose is not None:
            self._unexpose()
        await self.runtime.stop()
