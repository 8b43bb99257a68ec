"""The audit service wired: settings read once, here, and handed to what needs them."""

from __future__ import annotations

from functools import partial

from faststream import FastStream

from caseflow.bad_messages.retries import RetryBudget
from caseflow.http import HttpServer
from caseflow.service_auth import AuthenticatedApi, ServiceAuthentication
from caseflow.service_runtime import ServiceRuntime
from caseflow.settings import Settings
from caseflow.uow import PostgresStore
from services.audit.adapters import AuditUnitOfWork
from services.audit.api import build_api
from services.audit.app import build_router
from services.audit.config import DEFAULT_HTTP_PORT, MIGRATIONS, SCHEMA
from services.audit.handlers import audit


def bootstrap(settings: Settings) -> FastStream:
    """The audit process: its router on the runtime that owns the pool, and its HTTP API."""
    runtime = ServiceRuntime.from_settings(settings, SCHEMA, MIGRATIONS)
    store = PostgresStore(runtime, AuditUnitOfWork)
    router = build_router(partial(audit, store), RetryBudget.from_settings(settings))
    resources = AuthenticatedApi(
        runtime,
        HttpServer(
            "audit",
            settings.audit_http_host,
            settings.audit_http_port,
            DEFAULT_HTTP_PORT,
            settings.state_dir / "run" / "audit.url",
        ),
        ServiceAuthentication(settings),
        build_api,
    )
    return runtime.app(router, resources=resources)
