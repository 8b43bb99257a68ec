"""`caseflow stakeholders list | show | add | update | conflict | disable | enable`: the registry
of who is consulted, changed by operators with who, when and why kept."""

from __future__ import annotations

import asyncio
import getpass
from collections.abc import Awaitable, Callable
from typing import Literal, TypeVar

import typer
from rich.console import Console
from rich.table import Table

from caseflow.cli.consultation import consultation_schema
from schemas.envelope import utcnow
from services.consultation.adapters import PostgresConsultationUnitOfWork
from services.consultation.policy import StakeholderEntry, StakeholderRegistry
from services.consultation.registry import (
    RegistryRefused,
    new_entry,
    updated,
    with_conflict,
    without_conflict,
)
from services.consultation.registry_store import Action, Change, Registered, RegistryStore

app = typer.Typer(help="The stakeholder registry: who is consulted.", no_args_is_help=True)
console = Console()
T = TypeVar("T")

REASON = typer.Option(..., "--reason", help="Why (kept with the change).")
BY = typer.Option(
    None, "--by", envvar="CASEFLOW_OPERATOR", help="Who makes the change (default: your login)."
)
TECHNOLOGY = typer.Option(None, "--technology", help="Technology category known (repeatable).")
REGION = typer.Option(None, "--region", help="Destination known, ISO code (repeatable).")


@app.command("list")
def list_(
    every: bool = typer.Option(False, "--all", help="Disabled stakeholders too."),
) -> None:
    """The registry: kind, channel, expertise and declared conflicts of interest."""
    found = _run(lambda store: store.registered())
    table = Table("stakeholder", "kind", "channel", "expertise", "conflicts of interest", "changed")
    for registered in found:
        if registered.disabled_at is not None and not every:
            continue
        entry = registered.entry
        table.add_row(
            f"{entry.id}\n{entry.name}"
            + (" [red](disabled)[/red]" if registered.disabled_at else ""),
            entry.kind.value + (f" ({entry.state})" if entry.state else ""),
            entry.channel,
            _expertise(entry),
            "\n".join(f"{c.kind} {c.value}: {c.note}" for c in entry.conflicts),
            _changed(registered),
        )
    console.print(table)


@app.command()
def show(stakeholder_id: str = typer.Argument(..., help="The stakeholder's id.")) -> None:
    """One stakeholder and every change made to it."""

    async def read(store: RegistryStore) -> tuple[Registered, list[Change]]:
        return await store.find(stakeholder_id), await store.changes(stakeholder_id)

    registered, changes = _run(read)
    entry = registered.entry
    console.print(f"[bold]{entry.id}[/bold] {entry.name}", highlight=False)
    console.print(f"kind: {entry.kind.value}" + (f" ({entry.state})" if entry.state else ""))
    console.print(f"channel: {entry.channel}\nexpertise: {_expertise(entry)}", highlight=False)
    for conflict in entry.conflicts:
        console.print(f"conflict: {conflict.kind} {conflict.value}: {conflict.note}")
    if registered.disabled_at is not None:
        console.print(f"[red]disabled at {registered.disabled_at:%Y-%m-%d %H:%M}[/red]")
    table = Table("when", "what", "who", "why", title="changes")
    for change in changes:
        table.add_row(
            f"{change.changed_at:%Y-%m-%d %H:%M}", change.action, change.changed_by, change.reason
        )
    console.print(table if changes else "changes: none (as the seed file says)")


@app.command()
def add(
    stakeholder_id: str = typer.Argument(..., help="Its id: lower case, digits and dashes."),
    name: str = typer.Option(..., help="Its full name."),
    kind: str = typer.Option(
        ..., help="agency, partner_state, civil_society, academia or industry."
    ),
    channel: str = typer.Option(..., help="Where referrals go, e.g. gateway:NAME."),
    state: str | None = typer.Option(None, help="For a partner state: its ISO country code."),
    technology: list[str] | None = TECHNOLOGY,
    region: list[str] | None = REGION,
    reason: str = REASON,
    by: str | None = BY,
) -> None:
    """Register a stakeholder; it is referred from the next consultation on."""
    entry = _refusing(
        lambda: new_entry(
            stakeholder_id,
            name=name,
            kind=kind,
            channel=channel,
            state=state,
            technologies=technology or (),
            regions=region or (),
        )
    )
    _run(lambda store: store.add(entry, _operator(by), reason, utcnow()))
    console.print(f"added {entry.id}")


@app.command()
def update(
    stakeholder_id: str = typer.Argument(..., help="The stakeholder's id."),
    name: str | None = typer.Option(None, help="Its new name."),
    channel: str | None = typer.Option(None, help="Its new channel."),
    technology: list[str] | None = TECHNOLOGY,
    region: list[str] | None = REGION,
    reason: str = REASON,
    by: str | None = BY,
) -> None:
    """Change a stakeholder's name, channel or expertise (a list given replaces the old one)."""
    _change(
        stakeholder_id,
        "updated",
        lambda entry: updated(
            entry, name=name, channel=channel, technologies=technology, regions=region
        ),
        _operator(by),
        reason,
    )


@app.command()
def conflict(
    stakeholder_id: str = typer.Argument(..., help="The stakeholder's id."),
    party: str | None = typer.Option(None, "--party", help="A case party it is tied to."),
    country: str | None = typer.Option(None, "--country", help="A destination it is tied to."),
    withdraw: bool = typer.Option(False, "--withdraw", help="Withdraw the declared conflict."),
    reason: str = REASON,
    by: str | None = BY,
) -> None:
    """Declare a conflict of interest: never referred a case naming the party or destination
    (--withdraw: referred such cases again)."""
    if (party is None) == (country is None):
        console.print("[red]give exactly one of --party and --country[/red]")
        raise typer.Exit(2)
    kind: Literal["party", "country"] = "party" if party is not None else "country"
    value = party or country or ""
    _change(
        stakeholder_id,
        "conflict-withdrawn" if withdraw else "conflict",
        lambda entry: (
            without_conflict(entry, kind, value)
            if withdraw
            else with_conflict(entry, kind, value, reason)
        ),
        _operator(by),
        reason,
    )


@app.command()
def disable(
    stakeholder_id: str = typer.Argument(..., help="The stakeholder's id."),
    reason: str = REASON,
    by: str | None = BY,
) -> None:
    """Stop referring cases to a stakeholder (its open referrals run their course)."""
    _change(stakeholder_id, "disabled", lambda entry: entry, _operator(by), reason)


@app.command()
def enable(
    stakeholder_id: str = typer.Argument(..., help="The stakeholder's id."),
    reason: str = REASON,
    by: str | None = BY,
) -> None:
    """Refer cases to a disabled stakeholder again, from the next consultation on."""
    _change(stakeholder_id, "enabled", lambda entry: entry, _operator(by), reason)


def _change(
    stakeholder_id: str,
    action: Action,
    change: Callable[[StakeholderEntry], StakeholderEntry],
    by: str,
    reason: str,
) -> None:
    """Apply `change` to the stakeholder and record it, in one transaction."""

    async def apply(store: RegistryStore) -> None:
        registered = await store.find(stakeholder_id)
        disabled = registered.disabled_at is not None
        if disabled != (action == "enabled"):  # only a disabled one is enabled, and only that
            raise RegistryRefused(f"{stakeholder_id} is {'' if disabled else 'not '}disabled")
        await store.save(change(registered.entry), action, by, reason, utcnow())

    _run(apply)
    console.print(f"{action} {stakeholder_id}")


def _run(work: Callable[[RegistryStore], Awaitable[T]]) -> T:
    """Run `work` on the (seeded) registry in one transaction; a refusal ends the command with
    its reason."""

    async def transaction() -> T:
        async with consultation_schema() as connection, connection.transaction():
            # As the service does at its start: the registry it would see, not an empty one.
            await PostgresConsultationUnitOfWork(connection).seed_stakeholders(
                StakeholderRegistry.load()
            )
            return await work(RegistryStore(connection))

    return _refusing(lambda: asyncio.run(transaction()))


def _refusing(make: Callable[[], T]) -> T:
    try:
        return make()
    except RegistryRefused as refused:
        console.print(f"[red]refused:[/red] {refused}", highlight=False)
        raise typer.Exit(1) from refused


def _operator(by: str | None) -> str:
    return by or getpass.getuser()


def _expertise(entry: StakeholderEntry) -> str:
    knows = sorted(entry.expertise.technology_categories) + sorted(entry.expertise.regions)
    return ", ".join(knows) or "any case"


def _changed(registered: Registered) -> str:
    if registered.changed_at is None:
        return "seed file"
    return f"{registered.changed_at:%Y-%m-%d} {registered.changed_by}"
