"""`caseflow register cases | purge | export CASE`: the register of record, through its API."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from pathlib import Path

import typer
from rich.console import Console
from rich.table import Table

from caseflow.service_api import ServiceClient, ServiceRefused, ServiceUnavailable
from caseflow.settings import Settings
from desk.register_client import (
    NotInRegister,
    RegisterClient,
    RegisterUnavailable,
)
from entrypoints.cli.audit import rows_of_case, verify_trail
from entrypoints.cli.output_files import write_outputs
from entrypoints.cli.session import NotSignedIn, actor_token
from entrypoints.register_export import Bundle, check_against_trail, printable
from schemas.register import CaseLine, PurgeReport

app = typer.Typer(
    help="The register of record: closed cases, retention purge, case file export.",
    no_args_is_help=True,
)
console = Console()


def _refused(error: Exception, reference: str = "") -> typer.Exit:
    what = (
        f"no case {reference} in the register"
        if isinstance(error, NotInRegister)
        else "audit trail"
        if isinstance(error, ServiceRefused | ServiceUnavailable)
        else "register"
    )
    console.print(f"[red]{what}:[/red] {error}", highlight=False)
    return typer.Exit(1)


@app.command("cases")
def cases(
    agency: str | None = typer.Option(None, help="Only this agency's cases."),
    outcome: str | None = typer.Option(None, help="approved, denied, …"),
    destination: str | None = typer.Option(None, help="ISO alpha-2 destination."),
    q: str | None = typer.Option(None, help="A control number or agency reference."),
    limit: int = typer.Option(100, min=1, max=1000),
) -> None:
    """Closed cases in the register, latest decision first."""
    wanted = {"agency": agency, "outcome": outcome, "destination": destination, "q": q}
    filters: dict[str, str | int] = {k: v for k, v in wanted.items() if v is not None}
    try:
        found = asyncio.run(_closed({**filters, "limit": limit}))
    except (NotInRegister, RegisterUnavailable, NotSignedIn) as error:
        raise _refused(error) from error
    table = Table(
        "control no.", "outcome", "decided (UTC)", "by", "agency", "ref.", "dest.", "risk"
    )
    for line in found:
        table.add_row(
            line.control_number,
            line.outcome or "",
            f"{line.decided_at:%Y-%m-%d %H:%M}" if line.decided_at else "",
            "(pseudonymised)" if line.pseudonymised else line.decided_by or "",
            line.submitting_agency,
            line.agency_reference,
            line.destination_country,
            line.risk_level,
        )
    console.print(table)
    console.print(f"{len(found)} closed case(s)")


async def _closed(filters: dict[str, str | int]) -> list[CaseLine]:
    settings = Settings()
    return await RegisterClient.of(settings).closed_cases(actor_token(settings), filters)


@app.command()
def purge(
    dry_run: bool = typer.Option(
        False, "--dry-run", help="Show what would change; change nothing."
    ),
) -> None:
    """Pseudonymise the personal data of cases past retention; their decisions are kept."""
    try:
        report = asyncio.run(_purge(dry_run))
    except (NotInRegister, RegisterUnavailable, NotSignedIn) as error:
        raise _refused(error) from error
    verb = "would pseudonymise" if report.dry_run else "pseudonymised"
    console.print(
        f"Retention: {report.source}\nCases decided before {report.cutoff:%Y-%m-%d %H:%M} UTC are "
        f"past it; {verb} {len(report.cases)} case(s).",
        highlight=False,
    )
    for change in report.cases:
        console.print(
            f"- {change.control_number} (decided {change.decided_at:%Y-%m-%d}, kept until "
            f"{change.keep_until:%Y-%m-%d}): {len(change.fields)} field(s)",
            highlight=False,
        )
        for field in change.fields:
            console.print(f"    {field}", highlight=False, markup=False)


async def _purge(dry_run: bool) -> PurgeReport:
    settings = Settings()
    return await RegisterClient.of(settings).purge(actor_token(settings), dry_run)


@app.command()
def export(
    case: str = typer.Argument(..., help="Case id or control number."),
    out: Path = typer.Option(Path("."), help="The folder to write the bundle and page into."),
    pdf: bool = typer.Option(False, "--pdf", help="Write the printable page as PDF as well."),
) -> None:
    """Write the case file as one JSON bundle and a printable page, checked against the audit
    trail's hash chain (exit 1 if the trail does not vouch for it)."""
    try:
        bundle = asyncio.run(_bundle(case))
    except (
        NotInRegister,
        RegisterUnavailable,
        NotSignedIn,
        ServiceRefused,
        ServiceUnavailable,
    ) as error:
        raise _refused(error, case) from error
    html = printable(bundle)
    stem = out / f"case-{bundle.case.control_number or bundle.case.case_id}"
    texts = {".json": bundle.model_dump_json(indent=2), ".html": html}
    written = write_outputs(stem, texts, page=html, pdf=pdf)
    for path in written:
        console.print(f"wrote {path}", highlight=False)
    if not bundle.audit.holds:
        for problem in bundle.audit.problems:
            console.print(f"[red]{problem}[/red]", highlight=False, markup=False)
        console.print("[red]the audit trail does NOT vouch for this case file[/red]")
        raise typer.Exit(1)
    console.print(
        f"audit trail vouches for all {len(bundle.audit.events)} events "
        f"(chain intact, {bundle.audit.chain_rows} rows)"
    )


async def _bundle(reference: str) -> Bundle:
    """The case file from the register, checked against the audit trail's rows as the audit
    service serves them, the chain recomputed here as `caseflow audit verify` does."""
    settings = Settings()
    token = actor_token(settings)
    found = await RegisterClient.of(settings).case_file(reference, token)
    audit = ServiceClient.of(settings, "audit")
    check, breaks = await verify_trail(audit, token)
    rows = await rows_of_case(audit, token, found.case_id)
    audit_check = check_against_trail(
        found, rows, breaks, check.rows, check.last.hash if check.last else None
    )
    return Bundle(exported_at=datetime.now(UTC), case=found, audit=audit_check)
