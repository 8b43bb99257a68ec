"""`caseflow flow`: the whole flow at a glance, for operators."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import urlencode

from rich.columns import Columns
from rich.table import Table

from caseflow.bad_messages.parked_topic import read_parked
from caseflow.consumer_health import ConsumerHealth, read_health
from caseflow.kafka import kafka_security
from caseflow.service_api import Service, ServiceClient, ServiceUnavailable
from caseflow.settings import Settings
from entrypoints.cli.acting import act_as_user
from entrypoints.cli.cases import console, temporal_client
from entrypoints.processes import PROCESS_NAMES
from schemas.consultation import ReferralStatus
from schemas.consultation_reads import ReferralCounts
from schemas.envelope import utcnow
from schemas.intake_reads import IntakeSince
from workflows.case_counts import CaseCounts, count_cases


@dataclass(frozen=True)
class Flow:
    """Everything the summary shows, read from where each figure lives."""

    cases: CaseCounts
    intake: IntakeSince | None  # None: intake's API does not answer
    referrals: ReferralCounts | None  # None: consultation's API does not answer
    consumers: dict[str, ConsumerHealth]
    unreadable_parked: int


def flow() -> None:
    """Cases per status, overdue, open tasks and referrals; submissions and refusals today;
    consumers: unreadable batches parked, lag and stalled partitions."""
    midnight = utcnow().replace(hour=0, minute=0, second=0, microsecond=0)
    shown: Flow = act_as_user(lambda settings, token: _read(settings, token, midnight))
    console.print(
        Columns(
            [
                _cases_table(shown.cases),
                _waiting_table(shown),
                _today(shown),
                _consumers_table(shown),
            ]
        )
    )


async def _read(settings: Settings, token: str, midnight: datetime) -> Flow:
    """Cases from Temporal; intake's and consultation's figures from their APIs, with the
    user's token (a service not running leaves its figures out; a refusal ends the command)."""
    cases = await count_cases(await temporal_client())
    since = urlencode({"since": midnight.isoformat()})
    intake = await _answer(settings, token, "intake", f"/received?{since}")
    referrals = await _answer(settings, token, "consultation", "/referral-counts")
    parked = await read_parked(settings.endpoints().kafka, kafka_security(settings))
    consumers = {
        name: health
        for name in PROCESS_NAMES
        if (health := await asyncio.to_thread(read_health, settings, name)) is not None
    }
    unreadable = sum(1 for p in parked if p.unreadable_batch)
    return Flow(
        cases,
        None if intake is None else IntakeSince.model_validate(intake),
        None if referrals is None else ReferralCounts.model_validate(referrals),
        consumers,
        unreadable,
    )


async def _answer(settings: Settings, token: str, service: Service, path: str) -> Any:
    """The service's answer to a GET, or None while it is not running or does not answer."""
    try:
        return await ServiceClient.of(settings, service).call("GET", path, token)
    except ServiceUnavailable:
        return None


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
    if shown.referrals is None:
        table.add_row("referrals: consultation does not answer", "")
        return table
    table.add_row("open referrals", str(shown.referrals.by_status[ReferralStatus.OPEN]))
    table.add_row("overdue referrals", _alarm(shown.referrals.overdue))
    return table


def _today(shown: Flow) -> Table:
    table = Table("intake", "today", title="Since 00:00 UTC")
    if shown.intake is None:
        table.add_row("intake does not answer", "")
        return table
    table.add_row("submissions", str(shown.intake.submissions))
    table.add_row("registered", str(shown.intake.registered))
    table.add_row("refused", _alarm(shown.intake.refused_total))
    for reason, count in sorted(shown.intake.refused.items()):
        table.add_row(f"  {reason}", str(count))
    return table


def _consumers_table(shown: Flow) -> Table:
    table = Table("consumers", "now", title="Consumers")
    table.add_row("unreadable batches parked", _alarm(shown.unreadable_parked))
    if not shown.consumers:
        table.add_row("no process serves /metrics", "")
        return table
    health = list(shown.consumers.values())
    table.add_row("  since processes started", str(sum(h.unreadable_batches for h in health)))
    table.add_row("lag (messages unread)", str(sum(h.lag for h in health)))
    stalled = [p for h in health for p in h.stalled]
    table.add_row("stalled partitions", _alarm(len(stalled)))
    for p in stalled:
        table.add_row(f"  {p.consumer} {p.topic}/{p.partition}", f"lag {p.lag}")
    return table


def _alarm(count: int) -> str:
    return f"[bold red]{count}[/bold red]" if count else "0"
