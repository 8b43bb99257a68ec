"""`caseflow users add | list | disable | unblock | rotate-key | new-key`: accounts of the
desk, their sign-ins and their tokens."""

from __future__ import annotations

import asyncio
import json
from datetime import timedelta

import typer
from rich.console import Console
from rich.table import Table

from caseflow.auth import AccountRefused, Principal, Role, open_accounts, rotate_keys
from caseflow.auth.accounts import AccountRecord
from caseflow.auth.attempts import SignInAttempts, SignInPolicy
from caseflow.auth.tokens import issuer, new_key, publish, publish_disabled
from caseflow.settings import Settings

app = typer.Typer(
    help="Accounts: reviewers, stakeholders, operators, agencies.", no_args_is_help=True
)
console = Console()


@app.command()
def add(
    name: str = typer.Argument(..., help="Account name; reviewers act under it (officer-17)."),
    role: Role = typer.Option(..., help="What the account may see and do."),
    agency: str | None = typer.Option(None, help="For an agency account: its agency code."),
    stakeholder: str | None = typer.Option(
        None, help="For a stakeholder account: its stakeholder id in the registry."
    ),
    password: str = typer.Option(
        ..., prompt=True, hide_input=True, confirmation_prompt=True, envvar="CASEFLOW_PASSWORD"
    ),
) -> None:
    """Create an account; its password is stored as an argon2 hash only."""
    principal = Principal(name=name, role=role, agency=agency, stakeholder=stakeholder)
    try:
        asyncio.run(_add(principal, password))
    except AccountRefused as refusal:
        console.print(f"[red]refused:[/red] {refusal}", highlight=False)
        raise typer.Exit(1) from refusal
    console.print(f"account {name} ({role.value}) created")


async def _add(principal: Principal, password: str) -> None:
    async with open_accounts(Settings().endpoints().database) as accounts:
        await accounts.add(principal, password)


@app.command("list")
def listing() -> None:
    """Every account: role, whom it speaks for, whether it is disabled."""
    table = Table("name", "role", "agency / stakeholder", "created", "state")
    for record in asyncio.run(_listing()):
        table.add_row(
            record.name,
            record.role,
            record.speaks_for,
            f"{record.created_at:%Y-%m-%d %H:%M}",
            "[red]disabled[/red]" if record.disabled else "active",
        )
    console.print(table)


async def _listing() -> list[AccountRecord]:
    async with open_accounts(Settings().endpoints().database) as accounts:
        return await accounts.listing()


@app.command()
def disable(name: str = typer.Argument(..., help="The account to disable.")) -> None:
    """Disable an account: it can no longer sign in, and its tokens are refused (by workers once
    they re-read the published keys, within CASEFLOW_AUTH_KEYS_REFRESH_SECONDS)."""
    if not asyncio.run(_disable(name)):
        console.print(f"[red]no account named {name}[/red]", highlight=False)
        raise typer.Exit(1)
    console.print(f"account {name} disabled")


async def _disable(name: str) -> bool:
    settings = Settings()
    async with open_accounts(settings.endpoints().database) as accounts:
        disabled = await accounts.disable(name)
        publish_disabled(settings, await accounts.disabled_names())
        return disabled


@app.command()
def unblock(name: str = typer.Argument(..., help="The account name to let sign in again.")) -> None:
    """Clear an account name's failed sign-ins, and the refusal they caused (not its address's)."""
    asyncio.run(_unblock(name))
    console.print(f"failed sign-ins of {name} cleared")


async def _unblock(name: str) -> None:
    settings = Settings()
    async with open_accounts(settings.endpoints().database) as accounts:
        await SignInAttempts(accounts.pool, SignInPolicy.from_settings(settings)).clear(name)


@app.command("rotate-key")
def rotate_key() -> None:
    """Make a new token signing key (embedded default) and publish its public half; tokens of
    the previous keys stay valid."""
    settings = Settings()
    if settings.auth_keys:
        console.print("keys come from CASEFLOW_AUTH_KEYS: put a new key first there")
        raise typer.Exit(1)
    key = rotate_keys(settings.state_dir)
    console.print(
        f"new signing key {key.kid}: running desks and workers verify its tokens at once, and "
        f"desks sign with it within {settings.auth_keys_refresh_seconds:.0f} seconds (no restart "
        "needed)"
    )


@app.command("service-token")
def service_token(
    name: str = typer.Argument(..., help="The process it is for, e.g. caseflow-worker."),
    permission: list[str] = typer.Option(
        ..., help="What Temporal lets it do, e.g. caseflow:worker (repeatable)."
    ),
    days: int = typer.Option(30, help="How long it lasts."),
) -> None:
    """Print a token a process sends to Temporal when Temporal's own authorisation is on
    (CASEFLOW_TEMPORAL_TOKEN); it names no role, so it acts on no case."""
    token = issuer(Settings()).issue_service(name, permission, timedelta(days=days))
    print(token)


@app.command("publish-keys")
def publish_keys() -> None:
    """Publish the public halves of the signing keys (CASEFLOW_AUTH_KEYS, or the embedded
    default's) where verifiers read them, keeping the disabled accounts published before."""
    settings = Settings()
    ring = issuer(settings)
    if not settings.auth_keys:
        publish(settings.state_dir)
    console.print(f"published public keys {', '.join(ring.kids)}")


@app.command("new-key")
def new_signing_key() -> None:
    """Print a new ES256 signing key as CASEFLOW_AUTH_KEYS takes it (the desk's only: put it
    first in the list to rotate); its public half is published by the desk."""
    key = new_key()
    print(json.dumps([{"kid": key.kid, "private_key": key.private_key.get_secret_value()}]))
