"""`caseflow consultation referrals`: who is asked, who has not answered."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from pathlib import Path

import asyncpg
import typer
from rich.console import Console
from rich.table import Table

from caseflow.db import migrate
from caseflow.settings import Settings
from schemas.envelope import utcnow
from services.consultation.config import MIGRATIONS, SCHEMA
from services.consultation.queries import ReferralState, referral_states

app = typer.Typer(help="Consultation: referrals to stakeholders.", no_args_is_help=True)
console = Console()


@asynccontextmanager
async def schema_connection(schema: str, migrations: Path) -> AsyncIterator[asyncpg.Connection]:
    """A connection on a service's schema (migrated first, as the service would)."""
    database = Settings().endpoints().database
    await migrate(database, schema, migrations)
    connection = await asyncpg.connect(database, server_settings={"search_path": schema})
    try:
        yield connection
    finally:
        await connection.close()


def consultation_schema() -> AbstractAsyncContextManager[asyncpg.Connection]:
    """A connection on consultation's schema."""
    return schema_connection(SCHEMA, MIGRATIONS)


@app.command()
def referrals(
    stakeholder: str | None = typer.Option(None, help="Only this stakeholder's referrals."),
    overdue: bool = typer.Option(False, "--overdue", help="Only those past their deadline."),
) -> None:
    """Open referrals per stakeholder, soonest due first; overdue ones in red."""
    found = asyncio.run(_referrals(stakeholder, overdue))
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


async def _referrals(stakeholder: str | None, overdue: bool) -> list[ReferralState]:
    async with consultation_schema() as connection:
        return await referral_states(
            connection, utcnow(), stakeholder=stakeholder, overdue_only=overdue
        )
