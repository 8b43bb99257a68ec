"""`caseflow risk-notices write | countersign | list`: this state's risk notices to partner
states, written by an officer and shared once a second, senior officer countersigns (with
their signed tokens, through the point of contact's API)."""

from __future__ import annotations

import typer
from rich.console import Console
from rich.table import Table

from entrypoints.cli.acting import call_service

app = typer.Typer(help="Risk notices to partner states: write, countersign, list.")
console = Console()


def _party(text: str) -> dict[str, str | None]:
    name, _, country = text.rpartition(":")
    if not name or len(country) != 2:
        raise typer.BadParameter(f"give an end user as NAME:CC, not {text!r}")
    return {"role": "end_user", "name": name, "country": country.upper()}


@app.command()
def write(
    technology: list[str] = typer.Option(..., help="Technology category (repeatable)."),
    destination: list[str] = typer.Option(..., help="Destination, ISO code (repeatable)."),
    end_user: list[str] = typer.Option(..., help="End user as NAME:CC (repeatable)."),
    risk: str = typer.Option(..., help="The risk seen."),
    source: list[str] = typer.Option(..., help="Where it is known from (repeatable)."),
    control_code: list[str] | None = typer.Option(None, help="Control code (repeatable)."),
) -> None:
    """Write a risk notice; it waits for a senior officer's countersignature."""
    body = {
        "technology_categories": technology,
        "destinations": [d.upper() for d in destination],
        "end_users": [_party(each) for each in end_user],
        "risk": risk,
        "sources": source,
        "control_codes": control_code or [],
    }
    written = call_service("sharing", "POST", "/risk-notices", body)
    console.print(
        f"risk notice {written['number']} written by {written['written_by']}; "
        "a second, senior officer countersigns it before it is shared"
    )


@app.command()
def countersign(number: int = typer.Argument(..., help="The risk notice's number.")) -> None:
    """Countersign a risk notice (senior officer, not its writer): it is shared."""
    shared = call_service("sharing", "POST", f"/risk-notices/{number}/countersignature")
    console.print(f"risk notice {number} countersigned and shared: {', '.join(shared['shared'])}")


@app.command("list")
def list_(limit: int = typer.Option(50, help="How many, newest first.")) -> None:
    """Risk notices: waiting for a countersignature, or shared."""
    rows = call_service("sharing", "GET", f"/risk-notices?limit={limit}")
    table = Table("no.", "written", "countersigned", "destinations", "end users", "risk")
    for row in rows:
        draft = row["draft"]
        table.add_row(
            str(row["id"]),
            f"{str(row['written_at'])[:16]} {row['written_by']}",
            f"{str(row['countersigned_at'])[:16]} {row['countersigned_by']}"
            if row["countersigned_by"]
            else "[yellow]waiting[/yellow]",
            ", ".join(draft["destinations"]),
            "\n".join(p["name"] for p in draft["end_users"]),
            draft["risk"][:200],
        )
    console.print(table if rows else "no risk notices")
