"""What a service's HTTP API verifies callers with: the token keys and the accounts (so that a
disabled account's token is refused), open while the service runs; and such an API beside the
service's pool."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AsyncExitStack
from dataclasses import dataclass, field

import asyncpg
from fastapi import FastAPI

from caseflow.auth import Authentication, key_ring, open_accounts
from caseflow.auth.dependencies import install
from caseflow.http import HttpServer, refuse_invalid_requests
from caseflow.service_runtime import ServiceRuntime
from caseflow.settings import Settings
from caseflow.uow import PoolOwner


@dataclass
class ServiceAuthentication:
    """Opens the accounts on `start`, closes them on `stop`."""

    settings: Settings
    _opened: AsyncExitStack = field(default_factory=AsyncExitStack, repr=False)

    async def start(self) -> Authentication:
        """The key ring and the accounts, for `caseflow.auth.install`."""
        database = self.settings.endpoints().database
        accounts = await self._opened.enter_async_context(open_accounts(database))
        return Authentication(key_ring(self.settings), accounts)

    async def stop(self) -> None:
        """Close the accounts' pool."""
        await self._opened.aclose()


@dataclass
class AuthenticatedApi:
    """Beside a service's pool and relay: its HTTP API, built on the pool once the process has
    started, every call verified with the token keys and the accounts."""

    runtime: ServiceRuntime
    http: HttpServer
    authentication: ServiceAuthentication
    build: Callable[[PoolOwner, Authentication], FastAPI]

    @property
    def pool(self) -> asyncpg.Pool:
        """The service's connection pool (after the runtime starts)."""
        return self.runtime.pool

    async def start(self) -> None:
        """Serve HTTP."""
        await self.http.start(self.build(self, await self.authentication.start()))

    async def stop(self) -> None:
        """Stop serving HTTP."""
        await self.http.stop()
        await self.authentication.stop()


def token_checked_api(name: str, description: str, authentication: Authentication) -> FastAPI:
    """A service's API whose every call but /health needs a bearer token (401 without a valid
    one, 403 for a role that may not), and whose invalid requests are refused with 422."""
    api = FastAPI(
        title=f"caseflow {name}",
        version="1.0.0",
        description=f"{description} Every call but /health needs a bearer token (401 without a "
        "valid one, 403 for a role that may not).",
    )
    install(api, authentication)
    refuse_invalid_requests(api)

    @api.get("/health")
    async def health() -> dict[str, str]:
        """Liveness: the API answers."""
        return {"status": "ok"}

    return api
