"""`caseflow stack up | down | status`: the embedded servers from the command line."""

from __future__ import annotations

import asyncio
import time

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from caseflow.settings import Settings
from entrypoints.stack import StackError, StackStatus, stack_status, start_stack, stop_stack
from entrypoints.stack.stack import START_TIMEOUT
from entrypoints.supervisor import start_supervisor

app = typer.Typer(
    help="Run PostgreSQL, a Kafka-protocol broker and Temporal from wheels, no Docker needed.",
    no_args_is_help=True,
)
console = Console()
errors = Console(stderr=True)

_STATE_STYLES = {"running": "green", "external": "cyan", "stopped": "dim", "exited": "red"}


@app.command()
def up(
    ready_within: float = typer.Option(
        START_TIMEOUT, help="Seconds each server may take to answer before `up` fails."
    ),
) -> None:
    """Start every server that has no configured address (running ones are reused), and the
    supervisor that restarts any that crashes."""
    settings = Settings()
    began = time.monotonic()
    try:
        asyncio.run(start_stack(settings, ready_within=ready_within))
        asyncio.run(start_supervisor(settings))
    except StackError as error:
        errors.print(f"[red]stack up failed[/red]\n{escape(str(error))}", highlight=False)
        raise typer.Exit(1) from error
    _show(stack_status(settings))
    console.print(f"up in {time.monotonic() - began:.1f}s; endpoints in {settings.stack_file}")


@app.command()
def down() -> None:
    """Stop the servers this stack started; configured external servers are left alone."""
    settings = Settings()
    _show(stop_stack(settings))


@app.command()
def status(
    json: bool = typer.Option(False, "--json", help="Print the status as JSON."),
) -> None:
    """Show each server, its address and process state, and the Temporal UI."""
    current = stack_status(Settings())
    if json:
        typer.echo(current.model_dump_json(indent=2))
        return
    _show(current)


def _show(current: StackStatus) -> None:
    """Print the stack as a table, then where to look next."""
    table = Table("component", "state", "pid", "restarts", "address")
    table.columns[4].overflow = "fold"
    for component in current.components:
        style = _STATE_STYLES.get(component.state, "")
        table.add_row(
            component.name,
            f"[{style}]{component.state}[/{style}]",
            str(component.pid or ""),
            str(component.restarts) if component.state != "external" else "",
            component.address or "",
        )
    console.print(table)
    console.print(f"Temporal UI: {current.temporal_ui_url or 'not configured'}", highlight=False)
    logs = sorted({str(c.log_file.parent) for c in current.components if c.log_file})
    if logs:
        console.print(f"logs: {', '.join(logs)}", highlight=False)
