"""Consultation wired: settings and policy read once, here, and handed to what needs them."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import asyncpg
import structlog
from faststream import FastStream

from caseflow.adopted_policy import adopted_policy_dir, in_force
from caseflow.bad_messages.retries import RetryBudget
from caseflow.http import HttpServer
from caseflow.metrics import scraped_from_store
from caseflow.service_auth import ServiceAuthentication
from caseflow.service_runtime import ServiceRuntime
from caseflow.settings import Settings
from caseflow.uow import PostgresStore
from schemas.sharing import PolicyPart
from services.consultation.adapters import PostgresConsultationUnitOfWork
from services.consultation.api import build_api
from services.consultation.app import build_router
from services.consultation.config import MIGRATIONS, SCHEMA
from services.consultation.handlers import handler_table
from services.consultation.metrics import referral_families
from services.consultation.policy import ROUTING_POLICY, RoutingPolicy, StakeholderRegistry

log = structlog.get_logger(__name__)
DEFAULT_HTTP_PORT = 8300


def bootstrap(
    settings: Settings,
    *,
    policy: RoutingPolicy | None = None,
    registry: StakeholderRegistry | None = None,
) -> FastStream:
    """The consultation process: its router, runtime (pool, relay) and HTTP API; `policy` and
    `registry` replace the policy files."""
    runtime = ServiceRuntime.from_settings(settings, SCHEMA, MIGRATIONS)
    resources = ConsultationResources(
        runtime,
        policy or routing_policy_in_force(settings),
        registry or StakeholderRegistry.load(),
        HttpServer(
            "consultation",
            settings.consultation_http_host,
            settings.consultation_http_port,
            DEFAULT_HTTP_PORT,
            settings.state_dir / "run" / "consultation.url",
        ),
        ServiceAuthentication(settings),
    )
    store = resources.store()
    router = build_router(
        handler_table(store, resources.policy),
        RetryBudget.from_settings(settings),
    )
    return runtime.app(router, resources=resources)


def routing_policy_in_force(settings: Settings) -> RoutingPolicy:
    """The routing policy this process refers with: the shipped file, or the document adopted
    from partners' bundles (docs/sharing.md)."""
    directory = adopted_policy_dir(settings)
    return RoutingPolicy.load(in_force(directory, PolicyPart.ROUTING_POLICY, ROUTING_POLICY))


@dataclass
class ConsultationResources:
    """Beside the pool and relay: the stakeholder registry seeded, the gauges, the HTTP API."""

    runtime: ServiceRuntime
    policy: RoutingPolicy
    registry: StakeholderRegistry
    http: HttpServer
    authentication: ServiceAuthentication
    _unexpose: Callable[[], None] | None = field(default=None, repr=False)

    @property
    def pool(self) -> asyncpg.Pool:
        """Consultation's connection pool (after the runtime starts)."""
        return self.runtime.pool

    def store(self) -> PostgresStore[PostgresConsultationUnitOfWork]:
        """Units of work on consultation's schema."""
        return PostgresStore(self.runtime, PostgresConsultationUnitOfWork)

    async def start(self) -> None:
        """Bring the registry up to its seed file, expose the gauges, serve HTTP."""
        async with self.store().unit_of_work() as uow:
            changed = await uow.seed_stakeholders(self.registry)
        log.info("stakeholder registry ready", added_or_updated=changed)
        self._unexpose = scraped_from_store("consultation", referral_families(self))
        authentication = await self.authentication.start()
        await self.http.start(build_api(self, self.store(), self.policy, authentication))

    async def stop(self) -> None:
        """Stop serving HTTP and exposing the gauges."""
        await self.http.stop()
        await self.authentication.stop()
        if self._unexpose is not None:
            self._unexpose()
