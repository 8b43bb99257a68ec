"""`caseflow flow`: the whole flow at a glance, for operators."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import datetime

import asyncpg
from rich.columns import Columns
from rich.table import Table

from caseflow.cli.cases import console, temporal_client
from caseflow.cli.consultation import consultation_schema
from caseflow.settings import Settings
from schemas.consultation import ReferralStatus
from schemas.envelope import utcnow
from services.consultation.queries import ReferralCounts, referral_counts
from services.intake.queries import IntakeSince, intake_since
from workflows.case_counts import CaseCounts, count_cases


@dataclass(frozen=True)
class Flow:
    """Everything the summary shows, read from where each figure lives."""

    cases: CaseCounts
    intake: IntakeSince | None
    referrals: ReferralCounts


def flow() -> None:
    """Cases per status, overdue, open tasks and referrals; submissions and refusals today."""
    now = utcnow()
    shown = asyncio.run(_read(now.replace(hour=0, minute=0, second=0, microsecond=0)))
    console.print(Columns([_cases_table(shown.cases), _waiting_table(shown), _today(shown)]))


async def _read(midnight: datetime) -> Flow:
    database = Settings().endpoints().database
    cases = await count_cases(await temporal_client())
    try:
        intake = await intake_since(database, midnight)
    except asyncpg.UndefinedTableError:
        intake = None  # intake has never run against this database
    async with consultation_schema() as connection:
        referrals = await referral_counts(connection, utcnow())
    return Flow(cases, intake, referrals)


def _cases_table(counts: CaseCounts) -> Table:
    table = Table("status", "cases", title="Cases")
    for status, count in counts.by_status.items():
        table.add_row(status.value, str(count), style="" if count else "dim")
    table.add_row("[bold]open[/bold]", f"[bold]{counts.open_cases}[/bold]")
    return table


def _waiting_table(shown: Flow) -> Table:
    table = Table("waiting", "now", title="Waiting")
    for task, count in shown.cases.open_tasks.items():
        table.add_row(f"task: {task}", str(count))
    table.add_row("overdue cases", _alarm(shown.cases.overdue))
    table.add_row("open referrals", str(shown.referrals.by_status[ReferralStatus.OPEN]))
    table.add_row("overdue referrals", _alarm(shown.referrals.overdue))
    return table


def _today(shown: Flow) -> Table:
    table = Table("intake", "today", title="Since 00:00 UTC")
    if shown.intake is None:
        table.add_row("intake has not run", "")
        return table
    table.add_row("submissions", str(shown.intake.submissions))
    table.add_row("registered", str(shown.intake.registered))
    table.add_row("refused", _alarm(shown.intake.refused_total))
    for reason, count in sorted(shown.intake.refused.items()):
        table.add_row(f"  {reason}", str(count))
    return table


def _alarm(count: int) -> str:
    return f"[bold red]{count}[/bold red]" if count else "0"
