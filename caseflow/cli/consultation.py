"""`caseflow consultation referrals`: open and overdue referrals per stakeholder."""

from __future__ import annotations

import asyncio

import typer
from rich.console import Console
from rich.table import Table

from caseflow.db import create_pool, migrate
from caseflow.settings import Settings
from schemas.envelope import utcnow
from services.consultation.config import MIGRATIONS, SCHEMA
from services.consultation.queries import ReferralState, referral_states

app = typer.Typer(help="Consultation: referrals to stakeholders.", no_args_is_help=True)
console = Console()


@app.command()
def referrals(
    stakeholder: str | None = typer.Option(None, help="Only this stakeholder's referrals."),
    overdue: bool = typer.Option(False, "--overdue", help="Only those past their deadline."),
) -> None:
    """Open referrals per stakeholder, soonest due first; overdue ones in red."""
    now = utcnow()
    found = asyncio.run(_referrals(stakeholder, overdue))
    table = Table("stakeholder", "kind", "case", "referral", "opened", "due", "extended")
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
        )
    console.print(table)
    late = sum(referral.due_at < now for referral in found)
    console.print(f"{len(found)} open referral(s), {late} overdue")


async def _referrals(stakeholder: str | None, overdue: bool) -> list[ReferralState]:
    database = Settings().endpoints().database
    await migrate(database, SCHEMA, MIGRATIONS)
    pool = await create_pool(database, SCHEMA, size=1)
    try:
        async with pool.acquire() as connection:
            return await referral_states(
                connection, utcnow(), stakeholder=stakeholder, overdue_only=overdue
            )
    finally:
        await pool.close()
