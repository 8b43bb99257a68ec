"""Intake wired: settings and the agency registry read once, here, and handed to what needs them."""

from __future__ import annotations

from faststream import FastStream

from caseflow.bad_messages.retries import RetryBudget
from caseflow.http import HttpServer
from caseflow.service_auth import AuthenticatedApi, ServiceAuthentication
from caseflow.service_runtime import ServiceRuntime
from caseflow.settings import Settings
from caseflow.uow import PostgresStore
from services.intake.adapters import PostgresIntakeUnitOfWork
from services.intake.api import build_api
from services.intake.app import build_router
from services.intake.config import MIGRATIONS, SCHEMA, load_policy
from services.intake.handlers import case_table
from services.intake.policy import IntakePolicy
from services.intake.unreadable import remember_unreadable

DEFAULT_HTTP_PORT = 8320


def bootstrap(settings: Settings, *, policy: IntakePolicy | None = None) -> FastStream:
    """The intake process: its router on the runtime that owns the pool and relay, and its HTTP
    API; `policy` replaces the agency registry file."""
    runtime = ServiceRuntime.from_settings(settings, SCHEMA, MIGRATIONS)
    store = PostgresStore(runtime, PostgresIntakeUnitOfWork)
    router = build_router(
        store,
        policy or load_policy(),
        case_table(store),
        RetryBudget.from_settings(settings),
    )
    resources = AuthenticatedApi(
        runtime,
        HttpServer(
            "intake",
            settings.intake_http_host,
            settings.intake_http_port,
            DEFAULT_HTTP_PORT,
            settings.state_dir / "run" / "intake.url",
        ),
        ServiceAuthentication(settings),
        build_api,
    )
    return runtime.app(router, on_skipped=remember_unreadable(runtime), resources=resources)
