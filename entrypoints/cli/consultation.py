"""`caseflow consultation referrals`: who is asked, who has not answered (consultation's API,
with the user's token)."""

from __future__ import annotations

from urllib.parse import urlencode

import typer
from pydantic import TypeAdapter
from rich.console import Console
from rich.table import Table

from entrypoints.cli.acting import call_service
from schemas.consultation_reads import ReferralState

app = typer.Typer(help="Consultation: referrals to stakeholders.", no_args_is_help=True)
console = Console()


@app.command()
def referrals(
    stakeholder: str | None = typer.Option(None, help="Only this stakeholder's referrals."),
    overdue: bool = typer.Option(False, "--overdue", help="Only those past their deadline."),
) -> None:
    """Open referrals per stakeholder, soonest due first; overdue ones in red."""
    query = {"overdue": "true"} if overdue else {}
    if stakeholder is not None:
        query["stakeholder"] = stakeholder
    answer = call_service("consultation", "GET", f"/referrals?{urlencode(query)}")
    found = TypeAdapter(list[ReferralState]).validate_python(answer)
    table = Table(
        "stakeholder", "kind", "case", "referral", "opened", "due", "extended", "reminded"
    )
    for referral in found:
        due = f"{referral.due_at:%Y-%m-%d %H:%M}"
        table.add_row(
            referral.stakeholder_id,
            referral.stakeholder_kind.value,
            referral.case_id,
            referral.referral_id,
            f"{referral.opened_at:%Y-%m-%d}",
            f"[red]{due} overdue[/red]" if referral.overdue else due,
            "yes" if referral.extended else "",
            f"{referral.reminded_at:%Y-%m-%d %H:%M}" if referral.reminded_at else "",
        )
    console.print(table)
    late = sum(referral.overdue for referral in found)
    reminded = sum(referral.reminded_at is not None for referral in found)
    console.print(f"{len(found)} open referral(s), {late} overdue, {reminded} reminded")
