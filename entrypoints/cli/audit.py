"""`caseflow audit verify | show CASE`: the tamper-evident trail of every event and action, read
row by row from the audit service and checked here, so a service that altered its answer is
caught as surely as an altered table."""

from __future__ import annotations

import json
from contextlib import aclosing
from urllib.parse import quote

import typer
from rich.console import Console
from rich.table import Table

from caseflow.service_api import ServiceClient, pages
from entrypoints.cli.acting import act_on_service
from schemas.audit_trail import TrailPage, TrailRow
from services.audit.domain import ChainBreak, ChainCheck, ChainedRow

app = typer.Typer(help="The audit trail: verify its hash chain, show a case's record.")
console = Console()
PAGE = 1000


async def verify_trail(audit: ServiceClient, token: str) -> tuple[ChainCheck, list[ChainBreak]]:
    """The whole chain, read page by page, recomputed: what was read, and every break."""
    check, found = ChainCheck(), []
    # Closed at once should a row not read: the pages hold a connection to the audit service.
    async with aclosing(pages(audit, token, "/trail", {"limit": PAGE}, TrailPage)) as trail:
        async for page in trail:
            for row in page.rows:
                found += check.check(ChainedRow.of_stored(row))
    return check, found


async def rows_of_case(audit: ServiceClient, token: str, case: str) -> list[ChainedRow]:
    """The trail's rows of one case (by case id or control number), in order."""
    answer = await audit.call("GET", f"/trail/cases/{quote(case, safe='')}", token)
    return [ChainedRow.of_stored(TrailRow.model_validate(row)) for row in answer]


def _actor(row: ChainedRow) -> str:
    """The reviewer of a reviewer action or a clearance, the operator of a registry change; else
    nobody."""
    data = json.loads(row.entry.content).get("data", {})
    return str(
        data.get("reviewer_id")
        or data.get("decided_by")
        or data.get("changed_by")
        or data.get("cleared_by")
        or ""
    )


@app.command()
def verify(
    at_least: int = typer.Option(
        0, help="Rows the trail held at an earlier check: fewer now means rows were cut off."
    ),
) -> None:
    """Recompute the hash chain; name every changed or deleted row (exit 1 if any)."""
    check, found = act_on_service("audit", verify_trail)
    count, last = check.rows, check.last
    if count < at_least:
        found.append(ChainBreak(count + 1, f"deleted: the trail held {at_least} rows before"))
    for problem in found:
        console.print(f"[red]{problem}[/red]", highlight=False)
    head = f"row {last.seq}, hash {last.hash}" if last else "empty"
    if found:
        console.print(f"audit trail TAMPERED: {len(found)} problem(s) in {count} rows ({head})")
        raise typer.Exit(1)
    console.print(f"audit trail intact: {count} rows, last {head}", highlight=False)


@app.command()
def show(case: str = typer.Argument(..., help="Case id or control number.")) -> None:
    """Every recorded event and reviewer action of one case, in order."""
    rows: list[ChainedRow] = act_on_service(
        "audit", lambda audit, token: rows_of_case(audit, token, case)
    )
    table = Table("row", "occurred (UTC)", "event", "by", "source", "hash")
    for row in rows:
        table.add_row(
            str(row.seq),
            f"{row.entry.occurred_at:%Y-%m-%d %H:%M:%S}",
            row.entry.event_type,
            _actor(row),
            row.entry.source,
            row.hash[:12],
        )
    console.print(table)
    if not rows:
        console.print(f"nothing recorded for {case}")
        raise typer.Exit(1)
