"""The point of contact wired: settings read once, here; beside the platform runtime, this
state's identity and first key, the HTTPS exchange and registry API, and the courier to
partners."""

from __future__ import annotations

import asyncio
import contextlib
import ssl
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import timedelta

import httpx
import structlog
from faststream import FastStream

from caseflow.adopted_policy import adopted_policy_dir
from caseflow.bad_messages.retries import RetryBudget
from caseflow.http import HttpServer
from caseflow.service_auth import ServiceAuthentication
from caseflow.service_runtime import ServiceRuntime
from caseflow.settings import Settings
from caseflow.uow import PostgresStore
from schemas.envelope import utcnow
from services.sharing.adapters import PostgresSharingUnitOfWork
from services.sharing.api import PointOfContact, build_api
from services.sharing.app import build_router
from services.sharing.bundles import PartSource, PolicyParts, materialise_adopted
from services.sharing.config import DEFAULT_HTTP_PORT, MIGRATIONS, SCHEMA, notices_group
from services.sharing.delivery import Courier
from services.sharing.handlers import StateIdentity, notice_table
from services.sharing.ports import SharingStore
from services.sharing.signing import ExchangeRules
from services.sharing.signing_keys import ensure_signing_key

log = structlog.get_logger(__name__)


class NoStateIdentity(RuntimeError):
    """The point of contact cannot speak for a state that is not configured."""


def state_identity(settings: Settings) -> StateIdentity:
    """This deployment's state (CASEFLOW_STATE_CODE, CASEFLOW_STATE_NAME)."""
    code = (settings.state_code or "").strip().upper()
    if len(code) != 2 or not code.isalpha():
        raise NoStateIdentity(
            "set CASEFLOW_STATE_CODE to this state's ISO 3166-1 code (e.g. DE) to run the point "
            f"of contact (now {settings.state_code!r})"
        )
    return StateIdentity(code, settings.state_name or code)


def exchange_rules(settings: Settings) -> ExchangeRules:
    """The exchange's time window, key grace period and body limit, as configured."""
    return ExchangeRules(
        window=timedelta(seconds=settings.sharing_window_seconds),
        grace=timedelta(seconds=settings.sharing_key_grace_seconds),
        max_body=settings.sharing_max_body_bytes,
    )


def bootstrap(settings: Settings, parts: Sequence[PartSource] = ()) -> FastStream:
    """The point-of-contact process: its router, runtime (pool, relay) and resources; `parts`
    are the policy parts it publishes and adopts (the composition root knows their owners)."""
    resources = SharingResources.from_settings(settings, parts)
    router = build_router(
        notice_table(resources.store(), resources.identity),
        RetryBudget.from_settings(settings),
        notices_group(resources.identity.code),
    )
    return resources.runtime.app(router, resources=resources)


@dataclass
class SharingResources:
    """Beside the pool and relay (the runtime's): this state's first key, the API, the courier
    delivering to partners."""

    runtime: ServiceRuntime
    identity: StateIdentity
    rules: ExchangeRules
    http: HttpServer
    authentication: ServiceAuthentication
    settings: Settings
    parts: PolicyParts
    _client: httpx.AsyncClient | None = field(default=None, repr=False)
    _courier: asyncio.Task[None] | None = field(default=None, repr=False)

    @classmethod
    def from_settings(
        cls, settings: Settings, parts: Sequence[PartSource] = ()
    ) -> SharingResources:
        """The runtime on the configured PostgreSQL and Kafka, for the configured state."""
        return cls(
            ServiceRuntime.from_settings(settings, SCHEMA, MIGRATIONS),
            state_identity(settings),
            exchange_rules(settings),
            HttpServer(
                "sharing",
                settings.sharing_http_host,
                settings.sharing_http_port,
                DEFAULT_HTTP_PORT,
                settings.state_dir / "run" / "sharing.url",
                tls_certfile=settings.sharing_tls_certfile,
                tls_keyfile=settings.sharing_tls_keyfile,
            ),
            ServiceAuthentication(settings),
            settings,
            PolicyParts(tuple(parts), adopted_policy_dir(settings)),
        )

    def store(self) -> SharingStore:
        """Units of work on the sharing schema."""
        return PostgresStore(self.runtime, PostgresSharingUnitOfWork)

    async def start(self) -> None:
        """Make the first key if none, serve the API, start delivering (the runtime has
        started)."""
        key_id = await ensure_signing_key(self.store(), self.identity, utcnow())
        log.info("point of contact", state=self.identity.code, key_id=key_id)
        adopted = await materialise_adopted(self.store(), self.parts)
        if adopted:
            log.info("adopted policy parts written", parts=[part.value for part in adopted])
        contact = PointOfContact(self.store(), self.identity, self.rules, self.parts)
        await self.http.start(build_api(contact, await self.authentication.start()))
        cafile = self.settings.sharing_tls_cafile
        self._client = httpx.AsyncClient(
            timeout=httpx.Timeout(10.0, connect=3.0),
            verify=ssl.create_default_context(cafile=str(cafile)) if cafile else True,
        )
        courier = Courier(
            self.store(), self.identity, self._client, self.settings.sharing_retry_max_seconds
        )
        self._courier = asyncio.create_task(courier.run(), name="sharing-courier")

    async def stop(self) -> None:
        """Stop delivering and serving (the runtime stops after)."""
        if self._courier is not None:
            self._courier.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._courier
        if self._client is not None:
            await self._client.aclose()
        await self.http.stop()
        await self.authentication.stop()
