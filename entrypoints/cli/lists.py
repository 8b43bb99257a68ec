"""`caseflow lists load | show | clear | clearances`: restricted-party lists and cleared hits,
through the screening service's API with the user's signed token."""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator
from dataclasses import astuple
from functools import partial
from pathlib import Path

import typer
from pydantic import TypeAdapter
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from caseflow.service_api import ServiceClient, ServiceUnavailable
from entrypoints.cli.acting import act_on_service, call_service
from schemas.screening import HitCleared
from services.screening.api import ClearanceListed
from services.screening.list_storage import ListVersionRecord
from services.screening.list_uploads import LIST_NAME, ListVersionLoaded, LoadProgress
from services.screening.matching import ListFormatError, load_list

app = typer.Typer(help="Restricted-party lists screening matches against.", no_args_is_help=True)
console = Console()
MIB = 1024 * 1024
CHUNK = MIB


@app.command()
def load(
    file: Path = typer.Argument(..., exists=True, dir_okay=False, help="consolidated.json or CSV."),
    source: str = typer.Option(..., "--source", help="The list's name, e.g. `csl` or `eu-fsf`."),
) -> None:
    """Load a list as its next version through the screening service, as the signed-in
    operator; screening re-screens open cases its changes match."""
    if not re.match(LIST_NAME, source):
        wanted = "up to 100 letters, digits, '.', '_' or '-', starting with a letter or digit"
        raise typer.BadParameter(wanted, param_hint="--source")
    # Read here first, so a file that is not a list is refused before anything is sent.
    with console.status(f"reading {file.name} …"):
        try:
            read = len(load_list(file, source))
        except ListFormatError as error:
            raise typer.BadParameter(str(error), param_hint="FILE") from error
    console.print(f"read {read} entries from {file}")
    loaded = act_on_service("screening", partial(_send, file, source))
    if not loaded.published:
        console.print(f"{loaded.list_version}: unchanged, nothing published")
        return
    console.print(
        f"{loaded.list_version}: {loaded.summary()}, {loaded.entries} entries; "
        "ListUpdated published through the screening service's outbox"
    )


async def _send(file: Path, source: str, client: ServiceClient, token: str) -> ListVersionLoaded:
    """The outcome of sending `file` as list `source`, its progress shown as it goes: the bytes
    sent, then the entries screening stores."""
    size = await asyncio.to_thread(lambda: file.stat().st_size)
    columns = (TextColumn("{task.description}"), BarColumn(), TextColumn("{task.fields[done]}"))
    with Progress(*columns, TimeElapsedColumn(), console=console, transient=True) as progress:
        task = progress.add_task("sending to the screening service", total=size, done="")

        async def chunks() -> AsyncIterator[bytes]:
            sent = 0
            with file.open("rb") as opened:
                while chunk := opened.read(CHUNK):
                    yield chunk
                    sent += len(chunk)
                    progress.update(
                        task, completed=sent, done=f"{sent / MIB:.1f}/{size / MIB:.1f} MiB"
                    )
            progress.update(task, description="screening compares with the current version")
            progress.update(task, total=None, done="")

        answers: list[LoadProgress] = []

        def told(line: object) -> None:
            answer = LoadProgress.model_validate(line)
            answers.append(answer)
            if answer.stored is not None and answer.total is not None:
                progress.update(task, description="storing added and changed entries")
                done = f"{answer.stored}/{answer.total}"
                progress.update(task, completed=answer.stored, total=answer.total, done=done)

        wanted = {"format": "csv" if file.suffix.lower() == ".csv" else "json"}
        wanted["loaded_from"] = str(file)
        await client.upload(f"/lists/{source}/versions", token, chunks(), wanted, told)
    outcome = answers[-1] if answers else LoadProgress(failed="no answer")
    if outcome.loaded is None:
        raise ServiceUnavailable(f"the screening service did not store the list: {outcome.failed}")
    return outcome.loaded


@app.command()
def show() -> None:
    """Every list's versions: when loaded, from where, what each changed (as the signed-in
    reviewer or operator)."""
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
