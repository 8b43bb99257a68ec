"""`caseflow licences | licence NUMBER | licence suspend|revoke|confirm|inform|fulfil NUMBER`:
licences issued on approval, read and acted on (Temporal Updates the licence's workflow checks,
with the token of `caseflow login`)."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import ClassVar, TypeVar

import typer
from rich.console import Console
from rich.table import Table
from temporalio.client import Client
from typer import _click as click
from typer.core import TyperGroup

from caseflow.settings import Settings
from entrypoints.cli.session import NotSignedIn, actor_token
from schemas.licences import LicenceStatus
from workflows.case_client import ActionRefused, InvalidQuery
from workflows.client import connect
from workflows.licence_desk import (
    LicenceNotFound,
    decide_review,
    find_licences,
    fulfil_condition,
    licence_view,
    record_information,
)
from workflows.licence_model import (
    ConditionFulfilled,
    LicenceActionRecorded,
    LicenceInformation,
    LicenceReviewDecision,
    LicenceView,
    ReviewAction,
)

console = Console()
TaskT = TypeVar("TaskT", LicenceReviewDecision, LicenceInformation, ConditionFulfilled)
R = TypeVar("R")
LICENCE = typer.Argument(..., help="Licence number (e.g. LIC-Z100001) or case id.")
GROUNDS = typer.Option(..., help="Why, for the agency and the record.")


def licences(
    status: LicenceStatus | None = typer.Option(None, help="Only licences in this status."),
    limit: int = typer.Option(100, help="At most this many licences."),
) -> None:
    """List licences with their status and what falls due next (newest first)."""
    query = f"LicenceStatus = '{status.value}'" if status else ""
    try:
        found = asyncio.run(_with_client(lambda client: find_licences(client, query, limit)))
    except InvalidQuery as error:
        console.print(f"[red]query refused:[/red] {error}", highlight=False)
        raise typer.Exit(1) from error
    table = Table("licence", "status", "agency", "destination", "control codes", "next due")
    for line in found:
        due = f"{line.due_for} {line.due_at:%Y-%m-%d}" if line.due_at else ""
        table.add_row(
            line.licence_number,
            line.status,
            line.agency,
            line.destination,
            ", ".join(line.control_codes),
            due,
        )
    console.print(table)
    console.print(f"{len(found)} licence(s)")


class LicenceCommands(TyperGroup):
    """`caseflow licence NUMBER` shows the licence; `caseflow licence ACTION NUMBER` acts on it."""

    actions: ClassVar[set[str]] = {"show", "suspend", "revoke", "confirm", "inform", "fulfil"}

    def resolve_command(
        self, ctx: click.Context, args: list[str]
    ) -> tuple[str | None, click.Command | None, list[str]]:
        """A first word that names no action is a licence to show."""
        if args and args[0] not in self.actions and not args[0].startswith("-"):
            args = ["show", *args]
        return super().resolve_command(ctx, args)


licence = typer.Typer(
    cls=LicenceCommands,
    no_args_is_help=True,
    help="One licence: show it, or suspend, revoke or confirm it under review (a senior "
    "officer), record new information or a condition met (an officer).",
)


@licence.command()
def show(reference: str = LICENCE) -> None:
    """Show the licence: parts, what is left, conditions, shipments, review and timeline."""
    try:
        view = asyncio.run(_with_client(lambda client: licence_view(client, reference)))
    except LicenceNotFound as error:
        console.print(f"[red]not found:[/red] {error}", highlight=False)
        raise typer.Exit(1) from error
    _print_licence(view)


@licence.command()
def suspend(reference: str = LICENCE, grounds: str = GROUNDS) -> None:
    """Suspend a licence under review (15 CFR 750.8): shipments against it are refused."""
    _decide(reference, ReviewAction.SUSPEND, grounds)


@licence.command()
def revoke(reference: str = LICENCE, grounds: str = GROUNDS) -> None:
    """Revoke a licence under review or suspended: it ends."""
    _decide(reference, ReviewAction.REVOKE, grounds)


@licence.command()
def confirm(reference: str = LICENCE, grounds: str = GROUNDS) -> None:
    """Confirm a licence under review or suspended: it is valid again."""
    _decide(reference, ReviewAction.CONFIRM, grounds)


@licence.command()
def inform(
    reference: str = LICENCE,
    information: str = typer.Option(..., help="The new human-rights information."),
) -> None:
    """Record new human-rights information: the licence goes under review."""
    task = LicenceInformation(information=information)
    _act(
        reference, lambda client, token: record_information(client, reference, _signed(task, token))
    )


@licence.command()
def fulfil(
    reference: str = LICENCE,
    condition: int = typer.Option(..., help="The condition's position, from 1."),
    evidence: str = typer.Option("", help="What shows it was met."),
) -> None:
    """Record a condition of the licence as met: no more reminders for it."""
    task = ConditionFulfilled(condition=condition, evidence=evidence)
    _act(reference, lambda client, token: fulfil_condition(client, reference, _signed(task, token)))


def _decide(reference: str, action: ReviewAction, grounds: str) -> None:
    decision = LicenceReviewDecision(action=action, grounds=grounds)
    _act(
        reference, lambda client, token: decide_review(client, reference, _signed(decision, token))
    )


def _signed(task: TaskT, token: str) -> TaskT:
    return task.model_copy(update={"token": token})


def _act(reference: str, send: Callable[[Client, str], Awaitable[LicenceActionRecorded]]) -> None:
    """Send the action with the CLI user's token; print where the licence stands, or why not."""
    settings = Settings()
    try:
        token = actor_token(settings)

        async def run() -> LicenceActionRecorded:
            return await send(await connect(settings, token=token), token)

        recorded = asyncio.run(run())
    except (NotSignedIn, ActionRefused, LicenceNotFound) as refusal:
        console.print(f"[red]refused:[/red] {refusal}", highlight=False, soft_wrap=True)
        raise typer.Exit(1) from refusal
    console.print(
        f"licence {recorded.licence_number}: [bold]{recorded.status.value}[/bold] "
        f"({recorded.note})",
        highlight=False,
        soft_wrap=True,
    )


async def _with_client(use: Callable[[Client], Awaitable[R]]) -> R:
    return await use(await connect(Settings()))


def _print_licence(view: LicenceView) -> None:
    issued = view.licence
    console.print(
        f"[bold]{issued.licence_number}[/bold] · [bold]{view.status.value}[/bold] · case "
        f"{issued.control_number} ({issued.submitting_agency} {issued.agency_reference})\n"
        f"holder {issued.holder} → {issued.destination_country}; end users: "
        f"{', '.join(issued.end_users)}\n"
        f"valid {issued.valid_from:%Y-%m-%d} to {issued.valid_until:%Y-%m-%d} "
        f"({issued.validity_basis})",
        highlight=False,
    )
    items = Table("control code", "licensed", "left", "value licensed", "value left")
    for licensed, left in zip(issued.items, view.remaining, strict=True):
        items.add_row(
            licensed.control_code,
            f"{licensed.quantity} {licensed.unit}",
            f"{left.quantity} {left.unit}",
            f"{licensed.value} {licensed.currency}",
            f"{left.value} {left.currency}",
        )
    console.print(items)
    for number, condition in enumerate(view.conditions, start=1):
        due = f" due {condition.due_at:%Y-%m-%d}" if condition.due_at else ""
        state = "met" if condition.fulfilled_at else "breached" if condition.breached else "open"
        console.print(f"condition {number}: {condition.text}{due} ({state})", highlight=False)
    shipments = Table("shipment", "shipped", "outcome")
    for shipment in view.shipments:
        outcome = "recorded" if shipment.recorded else "refused: " + "; ".join(shipment.reasons)
        shipments.add_row(shipment.shipment_reference, shipment.shipped_on, outcome)
    console.print(shipments)
    if view.review is not None:
        console.print(
            f"under review since {view.review.opened_at:%Y-%m-%d} ({view.review.trigger}): "
            + "; ".join(view.review.information),
            highlight=False,
            soft_wrap=True,
        )
    for entry in view.timeline:
        console.print(f"{entry.at:%Y-%m-%d %H:%M} {entry.note}", highlight=False, soft_wrap=True)
