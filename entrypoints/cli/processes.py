"""`caseflow run NAME` and `caseflow services up | down | status`."""

from __future__ import annotations

import asyncio

import typer
from rich.console import Console
from rich.table import Table

from caseflow.consumer_health import ConsumerHealth, read_health
from caseflow.settings import Settings
from entrypoints.processes import (
    ALL_PROCESS_NAMES,
    main,
    processes_status,
    start_processes,
    stop_processes,
)
from entrypoints.stack import ProcessStatus, StackError, process_status
from entrypoints.stack.restarts import SUPERVISOR
from entrypoints.supervisor import start_supervisor

services = typer.Typer(
    help="caseflow's own processes under the state folder.", no_args_is_help=True
)
console = Console()


def run(name: str = typer.Argument(..., help=f"One of: {', '.join(ALL_PROCESS_NAMES)}.")) -> None:
    """Run one caseflow process in the foreground (as compose and the supervisor do)."""
    if name not in ALL_PROCESS_NAMES:
        raise typer.BadParameter(f"choose one of {', '.join(ALL_PROCESS_NAMES)}")
    main(name)


def supervise() -> None:
    """Restart what the stack started when it crashes (`stack up` and `services up` run this)."""
    from entrypoints.supervisor import main as supervise_main

    supervise_main()


@services.command()
def up() -> None:
    """Start every caseflow process (intake to the reviewer desk), wait until each is ready,
    and have the supervisor restart any that crashes."""
    settings = Settings()
    try:
        started = asyncio.run(start_processes(settings))
        asyncio.run(start_supervisor(settings))
        show(started, supervisor=process_status(settings.state_dir.resolve(), SUPERVISOR))
    except (StackError, RuntimeError) as error:
        console.print(f"[red]services up failed[/red]\n{error}", highlight=False)
        raise typer.Exit(1) from error


@services.command()
def down() -> None:
    """Stop caseflow's processes."""
    show(stop_processes(Settings()))


@services.command()
def status() -> None:
    """Show each caseflow process, its restarts by the supervisor, how its consumers fare, and
    its log file."""
    settings = Settings()
    statuses = processes_status(settings)
    show(
        statuses,
        {p.name: read_health(settings, p.name) for p in statuses if p.pid},
        supervisor=process_status(settings.state_dir.resolve(), SUPERVISOR),
    )


def show(
    statuses: list[ProcessStatus],
    health: dict[str, ConsumerHealth | None] | None = None,
    supervisor: ProcessStatus | None = None,
) -> None:
    """Print processes as a table (the supervisor last, when given); with `health`, their
    consumers' figures too."""
    table = Table("process", "state", "pid", "restarts", "last restart", "log")
    if health is not None:
        table.add_column("consumers (since start)")
    for process in [*statuses, *([supervisor] if supervisor else [])]:
        colour = {"running": "green", "exited": "red"}.get(process.state, "dim")
        last = process.last_restart_at
        row = [
            process.name,
            f"[{colour}]{process.state}[/{colour}]",
            str(process.pid or ""),
            str(process.restarts),
            f"{last:%Y-%m-%d %H:%M:%S}Z ({process.last_exit})" if last else "",
            str(process.log_file),
        ]
        if health is not None:
            row.append(_consumers(health.get(process.name)))
        table.add_row(*row)
    console.print(table)


def _consumers(health: ConsumerHealth | None) -> str:
    """Unreadable batches parked, stalled partitions and lag, alarming where not zero."""
    if health is None or not (health.partitions or health.unreadable_batches):
        return ""
    shown = [f"lag {health.lag}"]
    if health.stalled:
        shown.append(f"[bold red]{len(health.stalled)} stalled[/bold red]")
    if health.unreadable_batches:
        shown.append(f"[bold red]{health.unreadable_batches} unreadable parked[/bold red]")
    return ", ".join(shown)
