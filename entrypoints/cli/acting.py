"""A CLI command acting through a service's HTTP API with the user's token: the answer, or the
refusal printed with its reason and a non-zero exit status."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Coroutine
from typing import Any, NoReturn

import typer
from rich.console import Console

from caseflow.service_api import Service, ServiceClient, ServiceRefused, ServiceUnavailable
from caseflow.settings import Settings
from entrypoints.cli.session import NotSignedIn, actor_token

console = Console()


def call_service(
    service: Service, method: str, path: str, body: dict[str, Any] | None = None
) -> Any:
    """The service's JSON answer to the call, made with the CLI user's token."""
    return act_on_service(service, lambda client, token: client.call(method, path, token, body))


def act_on_service(
    service: Service, calls: Callable[[ServiceClient, str], Coroutine[Any, Any, Any]]
) -> Any:
    """What `calls` makes of the service's client and the CLI user's token; a refusal or an
    unreachable service is printed with its reason, and the command exits 1."""
    return act_as_user(lambda settings, token: calls(ServiceClient.of(settings, service), token))


def act_as_user(calls: Callable[[Settings, str], Coroutine[Any, Any, Any]]) -> Any:
    """What `calls` makes of the settings and the CLI user's token, for calls to several
    services; refusals and unreachable services it lets through are printed as above."""
    try:
        settings = Settings()
        token = actor_token(settings)
        return asyncio.run(calls(settings, token))
    except NotSignedIn as error:
        _refused(f"{error}")
    except ServiceUnavailable as error:
        _refused(f"{error}", "not done")
    except ServiceRefused as refusal:
        if refusal.status == 401:
            _refused(f"{refusal} (sign in again with `caseflow login`)")
        _refused(f"{refusal}")


def _refused(message: str, label: str = "refused") -> NoReturn:
    console.print(f"[red]{label}:[/red] {message}", highlight=False, soft_wrap=True)
    raise typer.Exit(1)
