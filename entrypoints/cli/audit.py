"""`caseflow audit verify | show CASE`: the tamper-evident trail of every event and action."""

from __future__ import annotations

import asyncio
import json

import asyncpg
import typer
from rich.console import Console
from rich.table import Table

from caseflow.settings import Settings
from services.audit.adapters import every_row, rows_of_case
from services.audit.config import SCHEMA
from services.audit.domain import ChainBreak, ChainCheck, ChainedRow

app = typer.Typer(help="The audit trail: verify its hash chain, show a case's record.")
console = Console()


async def verify_trail(database_url: str) -> tuple[ChainCheck, list[ChainBreak]]:
    """The whole chain checked in one snapshot: what was read, and every break."""
    connection = await asyncpg.connect(database_url, server_settings={"search_path": SCHEMA})
    try:
        check, found = ChainCheck(), []
        async with connection.transaction(isolation="repeatable_read", readonly=True):
            async for row in every_row(connection):
                found += check.check(row)
        return check, found
    finally:
        await connection.close()


async def _rows_of(database_url: str, case: str) -> list[ChainedRow]:
    connection = await asyncpg.connect(database_url, server_settings={"search_path": SCHEMA})
    try:
        return await rows_of_case(connection, case)
    finally:
        await connection.close()


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
    check, found = asyncio.run(verify_trail(Settings().endpoints().database))
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
    rows = asyncio.run(_rows_of(Settings().endpoints().database, case))
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
