"""`caseflow login | logout`: the CLI signs in at the desk, and every acting command sends the
token it got (or CASEFLOW_TOKEN, for scripts); the workflow verifies it and takes who acts from
it."""

from __future__ import annotations

import json
import os
import urllib.error
import urllib.request
from datetime import UTC, datetime

import jwt
import typer
from pydantic import BaseModel
from rich.console import Console

from caseflow.auth.model import Principal
from caseflow.settings import Settings

console = Console()
SIGN_IN_TIMEOUT = 30.0


class Issued(BaseModel):
    """The desk's answer to a sign-in (`POST /api/auth/token`)."""

    access_token: str
    expires_at: datetime
    principal: Principal


class NotSignedIn(Exception):
    """No token the CLI can act with; the message says what to do."""


def actor_token(settings: Settings) -> str:
    """The token acting commands send: CASEFLOW_TOKEN, else the one `caseflow login` stored;
    `NotSignedIn` without one, or when it has expired (the workflow checks the rest)."""
    if settings.token is not None and settings.token.get_secret_value().strip():
        token, where = settings.token.get_secret_value().strip(), "CASEFLOW_TOKEN"
    elif settings.token_file.exists():
        token, where = settings.token_file.read_text().strip(), str(settings.token_file)
    else:
        raise NotSignedIn("not signed in: run `caseflow login NAME` (or set CASEFLOW_TOKEN)")
    try:
        claims = jwt.decode(token, options={"verify_signature": False})
    except jwt.PyJWTError as error:
        raise NotSignedIn(f"the token in {where} is unreadable ({error}): sign in again") from error
    expires = datetime.fromtimestamp(float(claims.get("exp", 0)), UTC)
    if expires <= datetime.now(UTC):
        raise NotSignedIn(
            f"the token in {where} expired at {expires:%Y-%m-%d %H:%M} UTC: "
            "run `caseflow login NAME` again"
        )
    return token


def login(
    name: str = typer.Argument(..., help="Your account name (e.g. officer-17)."),
    password: str = typer.Option(
        ..., prompt=True, hide_input=True, envvar="CASEFLOW_PASSWORD", help="Your password."
    ),
    desk: str | None = typer.Option(
        None, envvar="CASEFLOW_DESK_URL", help="The desk to sign in at (default: the embedded one)."
    ),
) -> None:
    """Sign in at the desk: the token is kept in a file only you can read, and every acting
    command (claim, decide, countersign…) sends it."""
    settings = Settings()
    try:
        issued = _sign_in(desk or _desk_url(settings), name, password)
    except NotSignedIn as refusal:
        console.print(f"[red]sign-in refused:[/red] {refusal}", highlight=False)
        raise typer.Exit(1) from refusal
    _store(settings, issued.access_token)
    console.print(
        f"signed in as {issued.principal.name} ({issued.principal.role.value}) until "
        f"{issued.expires_at:%Y-%m-%d %H:%M} UTC; token kept in {settings.token_file}",
        highlight=False,
    )


def logout() -> None:
    """Forget the stored token: acting commands refuse until you sign in again."""
    settings = Settings()
    if settings.token_file.exists():
        settings.token_file.unlink()
        console.print(f"signed out: {settings.token_file} removed")
    else:
        console.print("not signed in")


def _desk_url(settings: Settings) -> str:
    if settings.desk_url:
        return settings.desk_url
    url_file = settings.state_dir / "run" / "desk.url"
    if not url_file.exists():
        raise NotSignedIn(f"no desk to sign in at: start it, or give --desk (no {url_file})")
    return url_file.read_text().strip()


def _sign_in(desk: str, name: str, password: str) -> Issued:
    """POST /api/auth/token on the desk; its answer, or `NotSignedIn` with the desk's reason."""
    body = json.dumps({"name": name, "password": password}).encode()
    request = urllib.request.Request(  # noqa: S310 - the configured desk, http or https
        f"{desk.rstrip('/')}/api/auth/token",
        data=body,
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=SIGN_IN_TIMEOUT) as answer:  # noqa: S310
            return Issued.model_validate_json(answer.read())
    except urllib.error.HTTPError as error:
        detail = json.loads(error.read() or b"{}").get("detail", error.reason)
        raise NotSignedIn(f"{detail} (HTTP {error.code})") from error
    except (urllib.error.URLError, TimeoutError) as error:
        raise NotSignedIn(f"the desk at {desk} cannot be reached: {error}") from error


def _store(settings: Settings, token: str) -> None:
    """Write the token readable by its owner only, replacing any earlier one."""
    path = settings.token_file
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    temporary = path.with_suffix(".tmp")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w") as file:
        file.write(token)
    os.chmod(temporary, 0o600)
    temporary.replace(path)
