"""`caseflow tasks`: the reviewers' inbox, soonest deadline first."""

from __future__ import annotations

import asyncio

import typer

from entrypoints.cli.cases import console, show_cases, temporal_client
from schemas.cases import CaseStatus
from schemas.screening import RiskLevel
from workflows.case_client import CaseListing
from workflows.inbox import TASKS, InboxFilter, open_tasks


def tasks(
    status: CaseStatus | None = typer.Option(
        None, help="under_review (review), signed_off (countersign) or escalated (resolve)."
    ),
    risk: RiskLevel | None = typer.Option(None, help="Only cases screened at this risk."),
    destination: str | None = typer.Option(None, help="Only cases to this country (ISO alpha-2)."),
    reviewer: str | None = typer.Option(None, help="Only cases claimed by this reviewer."),
    limit: int = typer.Option(500, help="Look at most at this many cases."),
) -> None:
    """Cases waiting on a reviewer (review, countersign, resolve), soonest deadline first."""
    if status is not None and status not in TASKS:
        raise typer.BadParameter(f"no reviewer task in status {status}; one of {', '.join(TASKS)}")
    wanted = InboxFilter(
        status=status,
        risk=risk,
        destination=destination.upper() if destination else None,
        reviewer=reviewer,
    )
    try:
        wanted.query()
    except ValueError as error:
        raise typer.BadParameter(str(error)) from error
    found = asyncio.run(_open_tasks(wanted, limit))
    show_cases(found, tasks=True)
    overdue = sum(summary.overdue for summary in found)
    if overdue:
        console.print(f"[bold red]{overdue} overdue[/bold red]")


async def _open_tasks(wanted: InboxFilter, limit: int) -> list[CaseListing]:
    return await open_tasks(await temporal_client(), wanted, limit)
