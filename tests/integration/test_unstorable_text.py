"""Every service API, built on the session's real PostgreSQL, answers a NUL in a path id or a
query value with 422 before any route runs: never a 500 from the database, which holds no NUL
in text. The routes are read from each app, so a route added later is covered too."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import AsyncExitStack, asynccontextmanager
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI
from fastapi.routing import APIRoute, iter_route_contexts

from caseflow.adopted_policy import adopted_policy_dir
from caseflow.auth import Authentication, Role, key_ring, open_accounts
from caseflow.db import create_pool, migrate
from caseflow.settings import Endpoints, Settings
from caseflow.uow import HeldPool, PostgresStore
from desk.app import create_app
from desk.runtime import open_desk
from services.consultation import api as consultation
from services.consultation import config as consultation_config
from services.consultation.adapters import PostgresConsultationUnitOfWork
from services.consultation.policy import RoutingPolicy
from services.register import api as register
from services.register import config as register_config
from services.register.adapters import RegisterUnitOfWork
from services.register.retention import RetentionPolicy
from services.screening import api as screening
from services.screening import config as screening_config
from services.screening.adapters import PostgresScreeningUnitOfWork
from services.sharing import api as sharing
from services.sharing import config as sharing_config
from services.sharing.adapters import PostgresSharingUnitOfWork
from services.sharing.bootstrap import exchange_rules
from services.sharing.bundles import PolicyParts
from services.sharing.handlers import StateIdentity
from tests.support import bearer, signed_token

NUL = "%00"
PATH_PARAMETER = re.compile(r"\{(\w+)(?::\w+)?\}")


async def _pool_on(
    stack: AsyncExitStack, settings: Settings, schema: str, migrations: Path
) -> HeldPool:
    database = settings.endpoints().database
    await migrate(database, schema, migrations)
    pool = await create_pool(database, schema, size=2)
    stack.push_async_callback(pool.close)
    return HeldPool(pool)


async def _register(stack: AsyncExitStack, settings: Settings, auth: Authentication) -> FastAPI:
    owner = await _pool_on(stack, settings, register_config.SCHEMA, register_config.MIGRATIONS)
    store = PostgresStore(owner, RegisterUnitOfWork)
    return register.build_api(owner, store, RetentionPolicy.load(), auth)


async def _screening(stack: AsyncExitStack, settings: Settings, auth: Authentication) -> FastAPI:
    owner = await _pool_on(stack, settings, screening_config.SCHEMA, screening_config.MIGRATIONS)
    return screening.build_api(PostgresStore(owner, PostgresScreeningUnitOfWork), auth)


async def _consultation(stack: AsyncExitStack, settings: Settings, auth: Authentication) -> FastAPI:
    schema, migrations = consultation_config.SCHEMA, consultation_config.MIGRATIONS
    owner = await _pool_on(stack, settings, schema, migrations)
    store = PostgresStore(owner, PostgresConsultationUnitOfWork)
    return consultation.build_api(owner, store, RoutingPolicy.load(), auth)


async def _sharing(stack: AsyncExitStack, settings: Settings, auth: Authentication) -> FastAPI:
    owner = await _pool_on(stack, settings, sharing_config.SCHEMA, sharing_config.MIGRATIONS)
    contact = sharing.PointOfContact(
        PostgresStore(owner, PostgresSharingUnitOfWork),
        StateIdentity("DE", "Germany"),
        exchange_rules(settings),
        PolicyParts((), adopted_policy_dir(settings)),
    )
    return sharing.build_api(contact, auth)


async def _desk(stack: AsyncExitStack, settings: Settings, auth: Authentication) -> FastAPI:
    return create_app(await stack.enter_async_context(open_desk(settings)))


# Each service's API on its own schema, verifying tokens as the service does.
APPS: dict[str, Callable[[AsyncExitStack, Settings, Authentication], Awaitable[FastAPI]]] = {
    "register": _register,
    "screening": _screening,
    "consultation": _consultation,
    "sharing": _sharing,
    "desk": _desk,
}


@asynccontextmanager
async def _served(
    settings: Settings, service: str
) -> AsyncIterator[tuple[FastAPI, httpx.AsyncClient]]:
    """The service's app, and a client of it over HTTP in process signing as an operator."""
    async with AsyncExitStack() as stack:
        accounts = await stack.enter_async_context(open_accounts(settings.endpoints().database))
        app = await APPS[service](stack, settings, Authentication(key_ring(settings), accounts))
        token = await signed_token(settings, Role.OPERATOR)
        transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
        yield (
            app,
            await stack.enter_async_context(
                httpx.AsyncClient(transport=transport, base_url="http://api", headers=bearer(token))
            ),
        )


def _calls(app: FastAPI, fill: Callable[[str, APIRoute], list[str]]) -> list[tuple[str, str]]:
    """(method, URL) of every route of the app (included routers' too) and URL `fill` gives
    for its full path."""
    return [
        (method, url)
        for context in iter_route_contexts(app.routes)
        if isinstance(context.original_route, APIRoute) and context.path
        for url in fill(context.path, context.original_route)
        for method in sorted(context.methods or ())
    ]


def _nul_in_path(path: str, route: APIRoute) -> list[str]:
    """Every path id holding a NUL (none for a route without one)."""
    return [PATH_PARAMETER.sub(NUL, path)] if PATH_PARAMETER.search(path) else []


def _nul_in_query(path: str, route: APIRoute) -> list[str]:
    """Each query parameter the route declares (or one it does not) holding a NUL, alone: a
    valid value elsewhere lets the route read it."""
    names, dependants = [], [route.dependant]
    while dependants:
        dependant = dependants.pop()
        names += [param.alias for param in dependant.query_params]
        dependants += dependant.dependencies
    return [f"{PATH_PARAMETER.sub('x', path)}?{name}=a{NUL}b" for name in names or ["q"]]


@pytest.mark.parametrize("service", list(APPS))
async def test_a_nul_in_a_path_id_or_query_value_is_refused_with_422_before_any_route(
    stack_settings: Settings, stack_endpoints: Endpoints, service: str
) -> None:
    async with _served(stack_settings, service) as (app, http):
        calls = _calls(app, _nul_in_path) + _calls(app, _nul_in_query)
        wrong = []
        for method, url in calls:
            reply = await http.request(method, url)
            kinds = {each.get("type") for each in _detail(reply)}
            if reply.status_code != 422 or kinds != {"unstorable_text"}:
                wrong.append((method, url, reply.status_code, reply.text[:200]))
    assert not wrong, "\n".join(" ".join(str(part) for part in each) for each in wrong)


def _detail(reply: httpx.Response) -> list[dict[str, object]]:
    try:
        answer = reply.json()
    except ValueError:
        return []
    detail = answer.get("detail") if isinstance(answer, dict) else None
    return detail if isinstance(detail, list) else []
