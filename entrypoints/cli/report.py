"""`caseflow report --year 2026`: the annual report, from the register's API (never Temporal)."""

from __future__ import annotations

import asyncio
from pathlib import Path

import typer
from rich.console import Console
from rich.table import Table

from caseflow.annual_report import to_csv, to_html
from caseflow.settings import Settings
from desk.register_client import NotInRegister, RegisterClient, RegisterUnavailable
from entrypoints.cli.output_files import write_outputs
from entrypoints.cli.session import NotSignedIn, actor_token
from schemas.report import AnnualReport

console = Console()


def report(
    year: int = typer.Option(..., min=2000, max=2100, help="The calendar year (UTC)."),
    out: Path = typer.Option(Path("."), help="The folder to write the report into."),
    pdf: bool = typer.Option(False, "--pdf", help="Write the page as PDF as well."),
) -> None:
    """The year's report: JSON and CSV for partners, an HTML page with charts (PDF on request),
    and a summary here."""
    try:
        with console.status(f"the register computes {year} …"):
            found = asyncio.run(_report(year))
    except (NotInRegister, RegisterUnavailable, NotSignedIn) as error:
        console.print(f"[red]no report:[/red] {error}", highlight=False)
        raise typer.Exit(1) from error
    with console.status("drawing the charts …"):
        html = to_html(found)
    texts = {".json": found.model_dump_json(indent=2), ".csv": to_csv(found), ".html": html}
    written = write_outputs(out / f"annual-report-{year}", texts, page=html, pdf=pdf)
    _summary(found)
    for path in written:
        console.print(f"wrote {path}", highlight=False)


async def _report(year: int) -> AnnualReport:
    settings = Settings()
    return await RegisterClient.of(settings).annual_report(actor_token(settings), year)


def _summary(found: AnnualReport) -> None:
    table = Table(f"{found.year}", "figure", title="Annual report (from the register)")
    table.add_row("applications registered", str(found.applications))
    table.add_row("cases decided", str(found.decisions))
    for outcome, count in found.by_outcome.items():
        table.add_row(f"  {outcome.replace('_', ' ')}", str(count))
    table.add_row("human-rights denials", str(found.human_rights_denials))
    table.add_row("consultations concluded", str(found.consultations))
    processing = found.processing
    table.add_row("median days to decision", _days(processing.median_days))
    table.add_row("p90 days to decision", _days(processing.p90_days))
    table.add_row("deadline breaches", str(processing.deadline_breaches))
    table.add_row(
        "notices shared / received",
        f"{sum(found.notices_shared.values())} / {sum(found.notices_received.values())}",
    )
    table.add_row("appeals filed", str(found.appeals_filed))
    for result, count in found.appeals_decided.items():
        table.add_row(f"  {result}", str(count))
    console.print(table)


def _days(value: float | None) -> str:
    return "-" if value is None else f"{value:.1f}"
