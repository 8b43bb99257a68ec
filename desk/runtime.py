"""The desk process: Temporal, the accounts and the services' APIs it reads referrals and acts
through, served over HTTP."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import AsyncExitStack, asynccontextmanager
from datetime import timedelta

import structlog

from caseflow.auth import open_accounts
from caseflow.auth.attempts import SignInAttempts, SignInPolicy
from caseflow.auth.tokens import issuer, publish_disabled
from caseflow.http import HttpServer
from caseflow.settings import Settings
from desk import DEFAULT_HTTP_PORT
from desk.app import create_app
from desk.handlers import Desk
from desk.register_client import RegisterClient
from workflows.client import connect

log = structlog.get_logger(__name__)


@asynccontextmanager
async def open_desk(settings: Settings) -> AsyncIterator[Desk]:
    """The desk's ports on the configured servers, for as long as the block runs."""
    endpoints = settings.endpoints()
    async with AsyncExitStack() as stack:
        accounts = await stack.enter_async_context(open_accounts(endpoints.database))
        # The desk issues tokens; verifiers refuse those of the accounts it publishes disabled.
        keys = issuer(settings)
        publish_disabled(settings, await accounts.disabled_names())
        yield Desk(
            temporal=await connect(settings),
            accounts=accounts,
            attempts=SignInAttempts(accounts.pool, SignInPolicy.from_settings(settings)),
            keys=keys,
            token_lifetime=timedelta(minutes=settings.auth_token_minutes),
            settings=settings,
            register=RegisterClient.of(settings),
        )


def desk_server(settings: Settings) -> HttpServer:
    """Where the desk listens, and where it writes its address."""
    return HttpServer(
        "desk",
        settings.desk_http_host,
        settings.desk_http_port,
        DEFAULT_HTTP_PORT,
        settings.state_dir / "run" / "desk.url",
        trusted_proxies=settings.desk_trusted_proxies,
    )


async def run_desk(
    settings: Settings, on_ready: Callable[[], Awaitable[None]] | None = None
) -> None:
    """Serve the desk until cancelled; `on_ready` runs once it answers requests."""
    server = desk_server(settings)
    async with open_desk(settings) as desk:
        url = await server.start(create_app(desk))
        log.info("reviewer desk ready", url=url)
        try:
            if on_ready is not None:
                await on_ready()
            await asyncio.Event().wait()
        finally:
            await server.stop()
