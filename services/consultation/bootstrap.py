"""Consultation's process resources: the platform runtime, the registry seed, the HTTP API."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import asyncpg
import structlog
import uvicorn

from caseflow.metrics import scraped_from_store
from caseflow.service import ServiceRuntime
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
    http_host: str
    http_port: int | None
    url_file: Path
    _server: uvicorn.Server | None = field(default=None, repr=False)
    _serving: asyncio.Task[None] | None = field(default=None, repr=False)
    _unexpose: Callable[[], None] | None = field(default=None, repr=False)

    @classmethod
    def from_settings(cls, settings: Settings, policy: RoutingPolicy) -> ConsultationRuntime:
        """The runtime on the configured PostgreSQL, Kafka and HTTP address."""
        endpoints = settings.endpoints()
        return cls(
            ServiceRuntime(SCHEMA, MIGRATIONS, endpoints.database, endpoints.kafka),
            policy,
            settings.consultation_http_host,
            settings.consultation_http_port,
            settings.state_dir / "run" / "consultation.url",
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
        listening = listening_socket(self.http_host, self.http_port)
        api = build_api(self, self.store(), self.policy)
        config = uvicorn.Config(api, log_level="warning", lifespan="off")
        self._server = uvicorn.Server(config)
        self._serving = asyncio.create_task(
            self._server.serve(sockets=[listening]), name="consultation-http"
        )
        while not self._server.started:
            if self._serving.done():
                self._serving.result()  # raises why it could not start
                raise RuntimeError("the consultation API stopped while starting")
            await asyncio.sleep(0.05)
        host, port = listening.getsockname()[:2]
        url = f"http://{host}:{port}"
        log.info("consultation API listening", url=url)
        try:
            self.url_file.parent.mkdir(parents=True, exist_ok=True)
            self.url_file.write_text(url)
        except OSError as error:  # a read-only container: the log line has said it
            log.warning("consultation API address not recorded", error=str(error))

    async def stop(self) -> None:
        """Stop serving HTTP, then the platform runtime."""
        if self._server is not None and self._serving is not None:
            self._server.should_exit = True
            await self._serving
        if self._unexpose is not None:
            self._unexpose()
        self.url_file.unlink(missing_ok=True)
        await self.runtime.stop()


def listening_socket(host: str, port: int | None) -> socket.socket:
    """A socket listening on `port`; unset, on 8300 or, while another process holds it, on any
    free port (embedded stacks side by side on one machine). A configured port must be free."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    listening = socket.socket(family, socket.SOCK_STREAM)
    listening.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        listening.bind((host, port or DEFAULT_HTTP_PORT))
    except OSError:
        if port is not None:
            listening.close()
            raise
        listening.bind((host, 0))
    listening.listen(128)
    listening.setblocking(False)
    return listening
