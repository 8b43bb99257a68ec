"""`caseflow stakeholders list | show | add | update | conflict | disable | enable`: the registry
of who is consulted, changed by operators through the consultation service's API with their
signed token (CASEFLOW_TOKEN, or `caseflow login`); who, when and why are kept."""

from __future__ import annotations

from typing import Any, Literal
from urllib.parse import quote

import typer
from rich.console import Console
from rich.table import Table

from entrypoints.cli.acting import call_service
from services.consultation.registry_api import StakeholderRecord, StakeholderState

app = typer.Typer(help="The stakeholder registry: who is consulted.", no_args_is_help=True)
console = Console()

REASON = typer.Option(..., "--reason", help="Why (kept with the change).")
TECHNOLOGY = typer.Option(None, "--technology", help="Technology category known (repeatable).")
REGION = typer.Option(None, "--region", help="Destination known, ISO code (repeatable).")


@app.command("list")
def list_(
    every: bool = typer.Option(False, "--all", help="Disabled stakeholders too."),
) -> None:
    """The registry: kind, channel, expertise and declared conflicts of interest."""
    found = call_service("consultation", "GET", f"/stakeholders?all={str(every).lower()}")
    table = Table("stakeholder", "kind", "channel", "expertise", "conflicts of interest", "changed")
    for registered in (StakeholderState.model_validate(each) for each in found):
        entry = registered.entry
        table.add_row(
            f"{entry.id}\n{entry.name}"
            + (" [red](disabled)[/red]" if registered.disabled_at else ""),
            entry.kind.value + (f" ({entry.state})" if entry.state else ""),
            entry.channel,
            _expertise(registered),
            "\n".join(f"{c.kind} {c.value}: {c.note}" for c in entry.conflicts),
            _changed(registered),
        )
    console.print(table)


@app.command()
def show(stakeholder_id: str = typer.Argument(..., help="The stakeholder's id.")) -> None:
    """One stakeholder and every change made to it."""
    record = StakeholderRecord.model_validate(
        call_service("consultation", "GET", f"/stakeholders/{_id(stakeholder_id)}")
    )
    entry = record.entry
    console.print(f"[bold]{entry.id}[/bold] {entry.name}", highlight=False)
    console.print(f"kind: {entry.kind.value}" + (f" ({entry.state})" if entry.state else ""))
    console.print(f"channel: {entry.channel}\nexpertise: {_expertise(record)}", highlight=False)
    for conflict in entry.conflicts:
        console.print(f"conflict: {conflict.kind} {conflict.value}: {conflict.note}")
    if record.disabled_at is not None:
        console.print(f"[red]disabled at {record.disabled_at:%Y-%m-%d %H:%M}[/red]")
    table = Table("when", "what", "who", "why", title="changes")
    for change in record.changes:
        table.add_row(
            f"{change.changed_at:%Y-%m-%d %H:%M}", change.action, change.changed_by, change.reason
        )
    console.print(table if record.changes else "changes: none (as the seed file says)")


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
) -> None:
    """Register a stakeholder; it is referred from the next consultation on."""
    wanted = {
        "id": stakeholder_id,
        "name": name,
        "kind": kind,
        "channel": channel,
        "state": state,
        "technologies": technology or [],
        "regions": region or [],
        "reason": reason,
    }
    _changed_to(call_service("consultation", "POST", "/stakeholders", wanted), "added")


@app.command()
def update(
    stakeholder_id: str = typer.Argument(..., help="The stakeholder's id."),
    name: str | None = typer.Option(None, help="Its new name."),
    channel: str | None = typer.Option(None, help="Its new channel."),
    technology: list[str] | None = TECHNOLOGY,
    region: list[str] | None = REGION,
    reason: str = REASON,
) -> None:
    """Change a stakeholder's name, channel or expertise (a list given replaces the old one)."""
    edit = {
        "name": name,
        "channel": channel,
        "technologies": technology,
        "regions": region,
        "reason": reason,
    }
    _change(stakeholder_id, "PATCH", "", edit, "updated")


@app.command()
def conflict(
    stakeholder_id: str = typer.Argument(..., help="The stakeholder's id."),
    party: str | None = typer.Option(None, "--party", help="A case party it is tied to."),
    country: str | None = typer.Option(None, "--country", help="A destination it is tied to."),
    withdraw: bool = typer.Option(False, "--withdraw", help="Withdraw the declared conflict."),
    reason: str = REASON,
) -> None:
    """Declare a conflict of interest: never referred a case naming the party or destination
    (--withdraw: referred such cases again)."""
    if (party is None) == (country is None):
        console.print("[red]give exactly one of --party and --country[/red]")
        raise typer.Exit(2)
    kind: Literal["party", "country"] = "party" if party is not None else "country"
    declared = {"kind": kind, "value": party or country or "", "reason": reason}
    if withdraw:
        _change(stakeholder_id, "POST", "/conflicts/withdrawn", declared, "conflict-withdrawn")
    else:
        _change(stakeholder_id, "POST", "/conflicts", declared, "conflict")


@app.command()
def disable(
    stakeholder_id: str = typer.Argument(..., help="The stakeholder's id."),
    reason: str = REASON,
) -> None:
    """Stop referring cases to a stakeholder (its open referrals run their course)."""
    _change(stakeholder_id, "POST", "/disabled", {"reason": reason}, "disabled")


@app.command()
def enable(
    stakeholder_id: str = typer.Argument(..., help="The stakeholder's id."),
    reason: str = REASON,
) -> None:
    """Refer cases to a disabled stakeholder again, from the next consultation on."""
    _change(stakeholder_id, "POST", "/enabled", {"reason": reason}, "enabled")


def _change(stakeholder_id: str, method: str, path: str, body: dict[str, Any], done: str) -> None:
    """Ask consultation to make the change; print what it did, or its refusal."""
    answer = call_service(
        "consultation", method, f"/stakeholders/{_id(stakeholder_id)}{path}", body
    )
    _changed_to(answer, done)


def _changed_to(answer: Any, done: str) -> None:
    registered = StakeholderState.model_validate(answer)
    console.print(f"{done} {registered.entry.id} (by {registered.changed_by})", highlight=False)


def _id(stakeholder_id: str) -> str:
    return quote(stakeholder_id, safe="")


def _expertise(registered: StakeholderState) -> str:
    expertise = registered.entry.expertise
    knows = sorted(expertise.technology_categories) + sorted(expertise.regions)
    return ", ".join(knows) or "any case"


def _changed(registered: StakeholderState) -> str:
    if registered.changed_at is None:
        return "seed file"
    return f"{registered.changed_at:%Y-%m-%d} {registered.changed_by}"
