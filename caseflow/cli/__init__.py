"""The `caseflow` command line; each command's module is imported only when it runs."""

from __future__ import annotations

from typing import ClassVar

import typer

from caseflow.cli.lazy import LazyCommands


class CaseflowCommands(LazyCommands):
    """Every `caseflow` command, by the module that implements it."""

    lazy: ClassVar[dict[str, str]] = {
        "stack": "caseflow.cli.stack:app",
        "services": "caseflow.cli.processes:services",
        "run": "caseflow.cli.processes:run",
        "supervise": "caseflow.cli.processes:supervise",
        "flow": "caseflow.cli.flow:flow",
        "tasks": "caseflow.cli.tasks:tasks",
        "cases": "caseflow.cli.cases:app",
        "case": "caseflow.cli.cases:case",
        "login": "caseflow.cli.session:login",
        "logout": "caseflow.cli.session:logout",
        "act": "caseflow.cli.review:act",
        "claim": "caseflow.cli.review:claim",
        "release": "caseflow.cli.review:release",
        "decide": "caseflow.cli.review:decide",
        "assessment": "caseflow.cli.assessment:assessment",
        "countersign": "caseflow.cli.review:countersign",
        "hold": "caseflow.cli.review:hold",
        "refer": "caseflow.cli.review:refer",
        "resolve": "caseflow.cli.review:resolve",
        "appeal": "caseflow.cli.review:appeal",
        "appeals": "caseflow.cli.appeals:app",
        "report": "caseflow.cli.report:report",
        "waive-partner": "caseflow.cli.review:waive_partner",
        "submit": "caseflow.cli.agency:submit",
        "status": "caseflow.cli.agency:status",
        "follow": "caseflow.cli.agency:follow",
        "licences": "caseflow.cli.licences:licences",
        "licence": "caseflow.cli.licences:licence",
        "lists": "caseflow.cli.lists:app",
        "consultation": "caseflow.cli.consultation:app",
        "stakeholders": "caseflow.cli.stakeholders:app",
        "notices": "caseflow.cli.notices:app",
        "partners": "caseflow.cli.partners:app",
        "risk-notices": "caseflow.cli.risk_notices:app",
        "schemas": "caseflow.cli.contracts:app",
        "users": "caseflow.cli.users:app",
        "audit": "caseflow.cli.audit:app",
        "register": "caseflow.cli.register:app",
        "parked": "caseflow.cli.parked:app",
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

    from caseflow.demo import run_demo
    from caseflow.settings import EndpointsMissing, Settings
    from caseflow.stack import StackError
    from caseflow.states_demo import run_states_demo

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
    from caseflow.cli import processes, stack
    from caseflow.processes import stop_processes
    from caseflow.settings import Settings

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
        app()
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
