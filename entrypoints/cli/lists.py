"""`caseflow lists load | show | clear | clearances`: restricted-party lists and cleared hits
(all but `load` go through the screening service's API, with the user's signed token)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import astuple
from pathlib import Path

import typer
from pydantic import TypeAdapter
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from caseflow.db import create_pool, migrate
from caseflow.settings import Settings
from caseflow.uow import HeldPool, PostgresStore
from entrypoints.cli.acting import call_service
from schemas.screening import HitCleared
from services.screening.adapters import PostgresScreeningUnitOfWork
from services.screening.api import ClearanceListed
from services.screening.config import MIGRATIONS, SCHEMA
from services.screening.list_storage import ListVersionRecord
from services.screening.list_updates import ListLoaded, load_list_version
from services.screening.matching import ListFormatError, RestrictedPartyEntry, load_list

app = typer.Typer(help="Restricted-party lists screening matches against.", no_args_is_help=True)
console = Console()


@asynccontextmanager
async def screening_store() -> AsyncIterator[PostgresStore[PostgresScreeningUnitOfWork]]:
    """Units of work on screening's schema (migrated first, as the service would)."""
    database = Settings().endpoints().database
    await migrate(database, SCHEMA, MIGRATIONS)
    pool = await create_pool(database, SCHEMA, size=2)
    try:
        yield PostgresStore(HeldPool(pool), PostgresScreeningUnitOfWork)
    finally:
        await pool.close()


@app.command()
def load(
    file: Path = typer.Argument(..., exists=True, dir_okay=False, help="consolidated.json or CSV."),
    source: str = typer.Option(..., "--source", help="The list's name, e.g. `csl` or `eu-fsf`."),
) -> None:
    """Load a list as its next version; screening re-screens open cases its changes match."""
    with console.status(f"reading {file.name} …"):
        try:
            entries = load_list(file, source)
        except ListFormatError as error:
            raise typer.BadParameter(str(error), param_hint="FILE") from error
    console.print(f"read {len(entries)} entries from {file}")
    loaded = asyncio.run(_store_version(source, entries, str(file)))
    if loaded.update is None:
        console.print(f"{loaded.list_version}: unchanged, nothing published")
        return
    console.print(
        f"{loaded.list_version}: {loaded.delta.summary()}, {loaded.delta.entries} entries; "
        "ListUpdated published through the outbox"
    )


async def _store_version(
    source: str, entries: list[RestrictedPartyEntry], origin: str
) -> ListLoaded:
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn())
    with Progress(*columns, TimeElapsedColumn(), console=console, transient=True) as progress:
        task = progress.add_task("comparing with the current version", total=None)

        def advance(written: int, total: int) -> None:
            progress.update(task, description="storing added and changed entries")
            progress.update(task, completed=written, total=total)

        async with screening_store() as store:
            return await load_list_version(source, entries, origin, store, advance)


@app.command()
def show() -> None:
    """Every list's versions: when loaded, from where, what each changed (from the screening
    service, as the signed-in reviewer or operator)."""
    found = call_service("screening", "GET", "/lists")
    table = Table("list", "version", "loaded", "from", "entries", "added", "changed", "removed")
    for each in TypeAdapter(list[ListVersionRecord]).validate_python(found):
        table.add_row(*(str(value) for value in astuple(each)))
    console.print(table)


@app.command()
def clear(
    entry: str = typer.Argument(..., help="The list entry id the hit names (its `reference`)."),
    party: str = typer.Option(..., help="The party's name, as in the application."),
    country: str = typer.Option(..., help="The party's country (ISO 3166-1 alpha-2)."),
    reason: str = typer.Option(..., help="Why the party is not the listed entry."),
    case: str | None = typer.Option(None, "--case", help="The case the hit was found in."),
) -> None:
    """Clear a false-positive hit through the screening service, as the signed-in reviewer
    (CASEFLOW_TOKEN, or `caseflow login`): later screenings report this party and entry as
    cleared, and the audit trail keeps who cleared it."""
    wanted = {
        "party": party,
        "country": country.upper(),
        "entry": entry,
        "reason": reason,
        "case_id": case,
    }
    cleared = HitCleared.model_validate(call_service("screening", "POST", "/clearances", wanted))
    console.print(
        f"cleared '{cleared.party_name}' ({cleared.country}) against entry {cleared.entry_id} by "
        f"{cleared.cleared_by} at {cleared.cleared_at:%Y-%m-%d %H:%M} UTC: {cleared.reason}",
        highlight=False,
    )


@app.command()
def clearances() -> None:
    """Every cleared hit: when, by whom, which party and entry, and why (from the screening
    service, as the signed-in reviewer or operator)."""
    found = call_service("screening", "GET", "/clearances")
    table = Table("cleared at", "by", "party", "entry", "reason")
    for each in (ClearanceListed.model_validate(row) for row in found):
        table.add_row(
            str(each.cleared_at), each.cleared_by, each.party_name, each.entry_id, each.reason
        )
    console.print(table)
