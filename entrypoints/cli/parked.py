"""`caseflow parked list | replay ID | replay --all`: messages consumers gave up on, replayed."""

from __future__ import annotations

import asyncio
from typing import NoReturn

import typer
from faststream.security import BaseSecurity
from rich.table import Table

from caseflow.bad_messages.parked_message import ParkedMessage
from caseflow.bad_messages.parked_topic import read_parked, read_parked_topic, replay
from caseflow.kafka import kafka_security
from caseflow.settings import Settings
from entrypoints.cli.parked_replay_all import choose, console, replay_all

app = typer.Typer(
    help="Bad messages, set aside because their handler kept failing or they could not be "
    "read; replay them."
)


def find(parked: list[ParkedMessage], wanted: str) -> ParkedMessage:
    """The one parked message whose id is or starts with `wanted`."""
    matches = {p.parked_id: p for p in parked if p.parked_id.startswith(wanted.lower())}
    if len(matches) != 1:
        problem = "no parked message" if not matches else f"{len(matches)} parked messages"
        raise LookupError(f"{problem} with id {wanted}")
    return next(iter(matches.values()))


def _kafka(settings: Settings) -> tuple[str, BaseSecurity | None]:
    return settings.endpoints().kafka, kafka_security(settings)


@app.command("list")
def list_parked(
    consumer: str | None = typer.Option(None, help="Only this consumer group's."),
    pending: bool = typer.Option(False, "--pending", help="Only those not replayed yet."),
) -> None:
    """Every parked message: when, where it lay, its case, the consumer, the last error, and
    when it was replayed (recorded on the parked topic by `caseflow parked replay`)."""
    found = asyncio.run(read_parked_topic(*_kafka(Settings())))
    shown = [
        p
        for p in found.parked
        if (consumer is None or p.consumer == consumer) and not (pending and found.last_replay(p))
    ]
    table = Table("id", "parked (UTC)", "topic/partition/offset", "case", "consumer", "error")
    table.add_column("attempts", justify="right")
    table.add_column("replayed (UTC) → to")
    for p in shown:
        done = found.last_replay(p)
        table.add_row(
            p.parked_id[:12],
            f"{p.parked_at:%Y-%m-%d %H:%M:%S}",
            f"{p.topic}/{p.partition}/{p.offset}"
            + (f"-{p.last_offset} (batch)" if p.unreadable_batch else ""),
            p.case_id or "",
            p.consumer,
            f"{p.error_type}: {p.error}",
            str(p.attempts),
            f"{done.replayed_at:%Y-%m-%d %H:%M:%S} → {done.to}" if done else "",
        )
    console.print(table)
    replayed = sum(1 for p in shown if found.last_replay(p))
    console.print(
        f"{len(shown)} parked message(s), {replayed} replayed; replay one with "
        "`caseflow parked replay ID`, all the others with `caseflow parked replay --all`"
    )


@app.command("replay")
def replay_parked(
    parked_id: str | None = typer.Argument(
        None, help="The parked message's id (or its first characters)."
    ),
    every: bool = typer.Option(False, "--all", help="Every parked message not replayed yet."),
    consumer: str | None = typer.Option(None, help="With --all: only this consumer group's."),
    topic: str | None = typer.Option(None, help="With --all: only those parked from this topic."),
    again: bool = typer.Option(False, "--again", help="With --all: also those replayed before."),
) -> None:
    """Publish parked messages to their original topics again, with their keys and headers.

    Each copy carries the `caseflow-replayed-from` header naming the parked message, and the
    replay is recorded on the parked topic (`parked list` shows it). Consumers are idempotent:
    a message that was handled after all changes nothing the second time.
    """
    if every == (parked_id is not None):
        _fail("name one parked message, or --all", code=2)
    bootstrap, security = _kafka(Settings())
    if every:
        found = asyncio.run(read_parked_topic(bootstrap, security))
        chosen, skipped = choose(found, consumer=consumer, topic=topic, again=again)
        raise typer.Exit(replay_all(chosen, skipped, bootstrap, security))
    assert parked_id is not None
    try:
        parked = find(asyncio.run(read_parked(bootstrap, security)), parked_id)
    except LookupError as error:
        _fail(str(error))
    if parked.unreadable_batch:
        _fail(
            f"{parked.parked_id} is a record batch no consumer could read; its producer must "
            "send it again"
        )
    at = asyncio.run(replay(parked, bootstrap, security))
    console.print(f"replayed {parked.parked_id} (case {parked.case_id}) to {at}", highlight=False)


def _fail(problem: str, code: int = 1) -> NoReturn:
    console.print(f"[red]{problem}[/red]", highlight=False)
    raise typer.Exit(code)
