"""`caseflow parked replay --all`: every parked message published again, with its progress."""

from __future__ import annotations

import asyncio
from collections import Counter
from dataclasses import dataclass, field

from faststream.security import BaseSecurity
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TaskID, TextColumn
from rich.table import Table

from caseflow.bad_messages.parked_message import ParkedMessage, error_text
from caseflow.bad_messages.parked_topic import ParkedTopic, replay_with
from caseflow.kafka import start_producer

console = Console()


def choose(
    found: ParkedTopic, *, consumer: str | None, topic: str | None, again: bool
) -> tuple[list[ParkedMessage], int]:
    """The parked messages to replay, oldest first, and how many were left as replayed before."""
    matching = [
        p
        for p in found.parked
        if (consumer is None or p.consumer == consumer)
        and (topic is None or p.topic == topic)
        and not p.unreadable_batch  # bytes no consumer can read: only the producer can resend
    ]
    chosen = [p for p in matching if again or found.last_replay(p) is None]
    return chosen, len(matching) - len(chosen)


@dataclass
class Outcome:
    """The messages replayed, and the one whose replay failed (the run stops there)."""

    replayed: list[ParkedMessage] = field(default_factory=list)
    failed: tuple[ParkedMessage, str] | None = None


def replay_all(
    chosen: list[ParkedMessage], skipped: int, bootstrap: str, security: BaseSecurity | None
) -> int:
    """Replay each chosen message in order, showing progress, then a summary; the exit code."""
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn())
    with Progress(*columns, console=console, transient=True) as progress:
        task = progress.add_task("replaying", total=len(chosen))
        outcome = asyncio.run(_replay_each(chosen, bootstrap, security, progress, task))
    _summary(outcome, len(chosen), skipped)
    return 1 if outcome.failed else 0


async def _replay_each(
    chosen: list[ParkedMessage],
    bootstrap: str,
    security: BaseSecurity | None,
    progress: Progress,
    task: TaskID,
) -> Outcome:
    outcome = Outcome()
    producer = await start_producer(bootstrap, "caseflow-parked-replay", security)
    try:
        for parked in chosen:
            where = f"{parked.topic}/{parked.partition}/{parked.offset}"
            progress.update(task, description=f"{where} (case {parked.case_id})")
            try:
                await replay_with(producer, parked)
            except Exception as error:  # the broker left: stop; a second run resumes here
                outcome.failed = (parked, f"{type(error).__name__}: {error_text(error)}")
                break
            outcome.replayed.append(parked)
            progress.advance(task)
    finally:
        await producer.stop()
    return outcome


def _summary(outcome: Outcome, chosen: int, skipped: int) -> None:
    """What was replayed, by consumer and topic; what was left and why."""
    table = Table("consumer", "topic")
    table.add_column("replayed", justify="right")
    per = Counter((p.consumer, p.topic) for p in outcome.replayed)
    for (consumer, topic), count in sorted(per.items()):
        table.add_row(consumer, topic, str(count))
    if per:
        console.print(table)
    console.print(f"replayed {len(outcome.replayed)} of {chosen} parked message(s)")
    if skipped:
        console.print(f"{skipped} replayed before were left out (--again replays them too)")
    if outcome.failed:
        parked, problem = outcome.failed
        left = chosen - len(outcome.replayed)
        console.print(
            f"[red]stopped at {parked.parked_id}: {problem}; {left} not replayed, "
            "run the command again to replay them[/red]",
            highlight=False,
        )
