"""The `caseflow` command line; each command's module is imported only when it runs."""

from __future__ import annotations

from typing import ClassVar

import typer

from entrypoints.cli.lazy import LazyCommands


class CaseflowCommands(LazyCommands):
    """Every `caseflow` command, by the module that implements it."""

    lazy: ClassVar[dict[str, str]] = {
        "stack": "entrypoints.cli.stack:app",
        "services": "entrypoints.cli.processes:services",
        "run": "entrypoints.cli.processes:run",
        "supervise": "entrypoints.cli.processes:supervise",
        "flow": "entrypoints.cli.flow:flow",
        "tasks": "entrypoints.cli.tasks:tasks",
        "cases": "entrypoints.cli.cases:app",
        "case": "entrypoints.cli.cases:case",
        "login": "entrypoints.cli.session:login",
        "logout": "entrypoints.cli.session:logout",
        "act": "entrypoints.cli.review:act",
        "claim": "entrypoints.cli.review:claim",
        "release": "entrypoints.cli.review:release",
        "decide": "entrypoints.cli.review:decide",
        "assessment": "entrypoints.cli.assessment:assessment",
        "countersign": "entrypoints.cli.review:countersign",
        "hold": "entrypoints.cli.review:hold",
        "refer": "entrypoints.cli.review:refer",
        "resolve": "entrypoints.cli.review:resolve",
        "appeal": "entrypoints.cli.review:appeal",
        "appeals": "entrypoints.cli.appeals:app",
        "report": "entrypoints.cli.report:report",
        "waive-partner": "entrypoints.cli.review:waive_partner",
        "submit": "entrypoints.cli.agency:submit",
        "status": "entrypoints.cli.agency:status",
        "follow": "entrypoints.cli.agency:follow",
        "licences": "entrypoints.cli.licences:licences",
        "licence": "entrypoints.cli.licences:licence",
        "lists": "entrypoints.cli.lists:app",
        "consultation": "entrypoints.cli.consultation:app",
        "stakeholders": "entrypoints.cli.stakeholders:app",
        "notices": "entrypoints.cli.notices:app",
        "partners": "entrypoints.cli.partners:app",
        "risk-notices": "entrypoints.cli.risk_notices:app",
        "bundles": "entrypoints.cli.bundles:app",
        "schemas": "entrypoints.cli.contracts:app",
        "users": "entrypoints.cli.users:app",
        "audit": "entrypoints.cli.audit:app",
        "register": "entrypoints.cli.register:app",
        "parked": "entrypoints.cli.parked:app",
    }


app = typer.Typer(
    cls=CaseflowCommands,
    no_args_is_help=True,
    help="caseflow: export-licence cases with human rights weighed at every step.",
)


@app.command()
def demo(
    states: int = typer.Option(
        1, "--states", min=1, max=4, help="Run this many subscribing states exchanging notices."
    ),
) -> None:
    """Bring the stack and services up, push sample cases through, print the Temporal UI; with
    --states N, N states' deployments sharing a denial through their points of contact."""
    import asyncio

    from rich.console import Console

    from caseflow.settings import EndpointsMissing, Settings
    from entrypoints.demo import run_demo
    from entrypoints.stack import StackError
    from entrypoints.states_demo import run_states_demo

    console = Console()
    try:
        if states > 1:
            asyncio.run(run_states_demo(Settings(), states, console))
            return
        asyncio.run(run_demo(Settings(), console))
    except (StackError, EndpointsMissing, TimeoutError) as error:
        console.print(f"[red]caseflow could not finish the demo[/red]\n{error}", highlight=False)
        raise typer.Exit(1) from error


@app.command()
def down() -> None:
    """Stop caseflow's processes, then the embedded servers."""
    from caseflow.settings import Settings
    from entrypoints.cli import processes, stack
    from entrypoints.processes import stop_processes

    processes.show(stop_processes(Settings()))
    stack.down()


def main() -> None:
    """The `caseflow` executable: runs the command, then leaves without interpreter teardown.

    Temporal's client keeps native threads that can still be running while Python finalises,
    which sometimes aborts a finished command ("PyGILState_Release … finalizing",
    temporalio/sdk-python#300); output and logs are flushed first, so nothing is lost.
    """
    import logging
    import os
    import sys

    try:
        app(prog_name="caseflow")  # `python -m entrypoints` is the same command, so named
        code = 0
    except SystemExit as finished:
        code = (
            finished.code if isinstance(finished.code, int) else (0 if finished.code is None else 1)
        )
        if isinstance(finished.code, str):
            print(finished.code, file=sys.stderr)
    logging.shutdown()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)
