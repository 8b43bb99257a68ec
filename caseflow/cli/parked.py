"""`caseflow parked list | replay ID`: messages consumers gave up on, and their replay."""

from __future__ import annotations

import asyncio

import typer
from aiokafka import AIOKafkaConsumer, TopicPartition
from faststream.kafka.security import parse_security
from faststream.security import BaseSecurity
from pydantic import ValidationError
from rich.console import Console
from rich.table import Table

from caseflow.kafka import kafka_security, start_producer
from caseflow.parked import ParkedMessage
from caseflow.settings import Settings
from schemas.topics import PARKED

app = typer.Typer(help="Messages set aside after their handler kept failing; replay them.")
console = Console()
READ_WAIT_MS = 1000


async def read_parked(bootstrap: str, security: BaseSecurity | None = None) -> list[ParkedMessage]:
    """Every message on the parked topic, oldest first (read without a consumer group)."""
    consumer = AIOKafkaConsumer(
        bootstrap_servers=bootstrap, enable_auto_commit=False, **parse_security(security)
    )
    await consumer.start()
    try:
        partitions = [
            TopicPartition(PARKED.name, p)
            for p in sorted(consumer.partitions_for_topic(PARKED.name) or ())
        ]
        if not partitions:
            return []
        consumer.assign(partitions)
        await consumer.seek_to_beginning(*partitions)
        ends = await consumer.end_offsets(partitions)
        found: list[ParkedMessage] = []
        while [p for p in partitions if await consumer.position(p) < ends[p]]:
            batches = await consumer.getmany(*partitions, timeout_ms=READ_WAIT_MS)
            for records in batches.values():
                found += [parked for r in records if (parked := _parked(r.value)) is not None]
        return found
    finally:
        await consumer.stop()


def _parked(value: bytes | None) -> ParkedMessage | None:
    try:
        return ParkedMessage.model_validate_json(value or b"")
    except ValidationError:
        return None  # not written by caseflow: nothing to replay


async def replay(
    parked: ParkedMessage, bootstrap: str, security: BaseSecurity | None = None
) -> str:
    """Publish the parked message to its topic again, marked as a replay; where it now lies."""
    producer = await start_producer(bootstrap, "caseflow-parked-replay", security)
    try:
        sent = await producer.send_and_wait(
            parked.topic,
            parked.raw_body(),
            key=parked.key.encode() if parked.key is not None else None,
            headers=parked.replay_headers(),
        )
    finally:
        await producer.stop()
    return f"{sent.topic}/{sent.partition}/{sent.offset}"


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
) -> None:
    """Every parked message: when, where it lay, its case, the consumer and the last error."""
    parked = asyncio.run(read_parked(*_kafka(Settings())))
    shown = [p for p in parked if consumer is None or p.consumer == consumer]
    table = Table("id", "parked (UTC)", "topic/partition/offset", "case", "consumer", "error")
    table.add_column("attempts", justify="right")
    for p in shown:
        table.add_row(
            p.parked_id[:12],
            f"{p.parked_at:%Y-%m-%d %H:%M:%S}",
            f"{p.topic}/{p.partition}/{p.offset}",
            p.case_id or "",
            p.consumer,
            f"{p.error_type}: {p.error}",
            str(p.attempts),
        )
    console.print(table)
    console.print(f"{len(shown)} parked message(s); replay one with `caseflow parked replay ID`")


@app.command("replay")
def replay_parked(
    parked_id: str = typer.Argument(..., help="The parked message's id (or its first characters)."),
) -> None:
    """Publish a parked message to its original topic again, with its key and headers.

    The copy carries the `caseflow-replayed-from` header naming the parked message. Consumers
    are idempotent: a message that was handled after all changes nothing the second time.
    """
    bootstrap, security = _kafka(Settings())
    try:
        parked = find(asyncio.run(read_parked(bootstrap, security)), parked_id)
    except LookupError as error:
        console.print(f"[red]{error}[/red]", highlight=False)
        raise typer.Exit(1) from error
    at = asyncio.run(replay(parked, bootstrap, security))
    console.print(f"replayed {parked.parked_id} (case {parked.case_id}) to {at}", highlight=False)
