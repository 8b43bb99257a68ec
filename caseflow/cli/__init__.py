"""The `caseflow` command line."""

from __future__ import annotations

import asyncio

import typer
from rich.console import Console

from caseflow.cli import agency, cases, consultation, contracts, lists, processes, review, stack

app = typer.Typer(
    no_args_is_help=True,
    help="caseflow: export-licence cases with human rights weighed at every step.",
)
app.add_typer(stack.app, name="stack")
app.add_typer(processes.services, name="services")
app.add_typer(contracts.app, name="schemas")
app.add_typer(lists.app, name="lists")
app.add_typer(consultation.app, name="consultation")
app.command("run")(processes.run)
app.command("submit")(cases.submit)
app.command("status")(agency.status)
app.command("cases")(cases.cases)
app.command("case")(cases.case)
app.command("claim")(review.claim)
app.command("release")(review.release)
app.command("decide")(review.decide)
app.command("countersign")(review.countersign)
app.command("hold")(review.hold)
app.command("refer")(review.refer)
app.command("resolve")(review.resolve)
app.command("waive-partner")(review.waive_partner)
app.command("appeal")(review.appeal)


@app.command()
def demo() -> None:
    """Bring the stack and services up, push sample cases through, print the Temporal UI."""
    from caseflow.demo import run_demo
    from caseflow.settings import EndpointsMissing, Settings
    from caseflow.stack import StackError

    console = Console()
    try:
        asyncio.run(run_demo(Settings(), console))
    except (StackError, EndpointsMissing, TimeoutError) as error:
        console.print(f"[red]caseflow could not finish the demo[/red]\n{error}", highlight=False)
        raise typer.Exit(1) from error


@app.command()
def down() -> None:
    """Stop caseflow's processes, then the embedded servers."""
    from caseflow.processes import stop_processes
    from caseflow.settings import Settings

    settings = Settings()
    processes.show(stop_processes(settings))
    stack.down()
