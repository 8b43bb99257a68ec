"""`caseflow run NAME` and `caseflow services up | down | status`."""

from __future__ import annotations

import asyncio

import typer
from rich.console import Console
from rich.table import Table

from caseflow.processes import (
    PROCESS_NAMES,
    main,
    processes_status,
    start_processes,
    stop_processes,
)
from caseflow.settings import Settings
from caseflow.stack import ProcessStatus, StackError

services = typer.Typer(
    help="caseflow's own processes under the state folder.", no_args_is_help=True
)
console = Console()


def run(name: str = typer.Argument(..., help=f"One of: {', '.join(PROCESS_NAMES)}.")) -> None:
    """Run one caseflow process in the foreground (as compose and the supervisor do)."""
    if name not in PROCESS_NAMES:
        raise typer.BadParameter(f"choose one of {', '.join(PROCESS_NAMES)}")
    main(name)


@services.command()
def up() -> None:
    """Start every caseflow process (intake to the reviewer desk); wait until each is ready."""
    try:
        show(asyncio.run(start_processes(Settings())))
    except (StackError, RuntimeError) as error:
        console.print(f"[red]services up failed[/red]\n{error}", highlight=False)
        raise typer.Exit(1) from error


@services.command()
def down() -> None:
    """Stop caseflow's processes."""
    show(stop_processes(Settings()))


@services.command()
def status() -> None:
    """Show each caseflow process and its log file."""
    show(processes_status(Settings()))


def show(statuses: list[ProcessStatus]) -> None:
    """Print processes as a table."""
    table = Table("process", "state", "pid", "log")
    for process in statuses:
        colour = {"running": "green", "exited": "red"}.get(process.state, "dim")
        table.add_row(
            process.name,
            f"[{colour}]{process.state}[/{colour}]",
            str(process.pid or ""),
            str(process.log_file),
        )
    console.print(table)
