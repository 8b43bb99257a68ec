"""`caseflow appeals [list | show | decide | countersign]`: the applicant's appeals.

Deciding and countersigning are Temporal Updates of the case's Appeal workflow, sent with the
token of `caseflow login` (or CASEFLOW_TOKEN): the workflow verifies who acts, refuses an
officer involved in the decision appealed, and needs a second, senior officer to countersign.
(`caseflow appeal` records an escalation appeal within a case; this is the applicant's.)
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import TypeVar

import typer
from rich.console import Console
from rich.table import Table
from temporalio.client import Client

from caseflow.settings import Settings
from entrypoints.cli.session import NotSignedIn, actor_token
from schemas.appeals import AppealResult
from workflows import appeal_desk
from workflows.appeal_rules import AppealCountersignature, AppealRuling, AppealView
from workflows.case_client import ActionRefused, CaseNotFound, InvalidQuery
from workflows.client import connect

console = Console()
app = typer.Typer(
    help="The applicant's appeals of denials and returns without action (15 CFR Part 756).",
    invoke_without_command=True,
)
CASE = typer.Argument(..., help="Case id or control number of the appealed case.")
T = TypeVar("T")


@app.callback()
def appeals(
    context: typer.Context,
    open_only: bool = typer.Option(False, "--open", help="Only appeals not decided yet."),
) -> None:
    """Every appeal, newest first (or a sub-command)."""
    if context.invoked_subcommand is None:
        list_appeals(open_only)


@app.command("list")
def list_appeals(
    open_only: bool = typer.Option(False, "--open", help="Only appeals not decided yet."),
) -> None:
    """Every appeal, newest first: status, ruling officer, when the ruling is due."""
    query = "ExecutionStatus = 'Running'" if open_only else ""
    lines = _run(lambda client: appeal_desk.find_appeals(client, query))
    table = Table("control no.", "agency", "status", "ruling officer", "due (UTC)")
    for line in lines:
        table.add_row(
            line.control_number,
            line.agency,
            line.status.replace("_", " "),
            line.ruling_officer,
            f"{line.due_at:%Y-%m-%d}" if line.due_at and line.open else "",
        )
    console.print(table)
    console.print(f"{len(lines)} appeal(s)")


@app.command()
def show(reference: str = CASE) -> None:
    """One appeal: the decision appealed, the grounds, the ruling and its history."""
    view = _run(lambda client: _resolved(client, reference, appeal_desk.appeal_view))
    _print(view)


@app.command()
def decide(
    reference: str = CASE,
    result: AppealResult = typer.Option(..., help="upheld (the decision stands) or overturned."),
    rationale: str = typer.Option(..., help="Why."),
    condition: list[str] = typer.Option([], help="A licence condition (overturned; repeatable)."),
    conclusion: str = typer.Option(
        "", help="The human-rights conclusion of the approval (needed to overturn)."
    ),
) -> None:
    """Rule on the appeal (an officer not involved in the decision); a senior officer then
    countersigns."""
    ruling = AppealRuling(
        result=result, rationale=rationale, conditions=condition, assessment_conclusion=conclusion
    )
    signed = ruling.model_copy(update={"token": _token()})
    view = _run(
        lambda client: _resolved(
            client, reference, lambda c, case_id: appeal_desk.rule(c, case_id, signed)
        ),
        signed.token,
    )
    _print(view)


@app.command()
def countersign(
    reference: str = CASE,
    send_back: bool = typer.Option(False, "--send-back", help="Disagree: a new ruling is due."),
    note: str = typer.Option("", help="Why (required when sending back)."),
) -> None:
    """Countersign the ruling (a senior officer other than the one who ruled)."""
    signature = AppealCountersignature(agree=not send_back, note=note, token=_token())
    view = _run(
        lambda client: _resolved(
            client, reference, lambda c, case_id: appeal_desk.countersign(c, case_id, signature)
        ),
        signature.token,
    )
    _print(view)


def _token() -> str:
    try:
        return actor_token(Settings())
    except NotSignedIn as error:
        console.print(f"[red]refused:[/red] {error}", highlight=False)
        raise typer.Exit(1) from error


async def _resolved(
    client: Client, reference: str, then: Callable[[Client, str], Awaitable[T]]
) -> T:
    return await then(client, await appeal_desk.resolve_appeal(client, reference))


def _run(call: Callable[[Client], Awaitable[T]], token: str | None = None) -> T:
    async def connected() -> T:
        return await call(await connect(Settings(), token=token))

    try:
        return asyncio.run(connected())
    except (ActionRefused, CaseNotFound, InvalidQuery) as error:
        console.print(f"[red]refused:[/red] {error}", highlight=False)
        raise typer.Exit(1) from error


def _print(view: AppealView) -> None:
    console.print(
        f"appeal of {view.control_number} ({view.submitting_agency} {view.agency_reference}): "
        f"[bold]{view.status.value.replace('_', ' ')}[/bold]",
        highlight=False,
    )
    countersigned = (
        f", countersigned by {view.appealed_countersigned_by}"
        if view.appealed_countersigned_by
        else ""
    )
    console.print(
        f"appealed: {view.appealed_outcome.value.replace('_', ' ')} by "
        f"{view.appealed_decided_by}{countersigned}; filed {view.filed_at:%Y-%m-%d}, "
        f"ruling due {view.due_at:%Y-%m-%d}",
        highlight=False,
    )
    console.print(f"grounds: {view.grounds}", highlight=False, markup=False)
    for line in view.history:
        console.print(f"  {line}", highlight=False, markup=False)
