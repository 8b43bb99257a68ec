"""The transactional outbox: events stored with the change they report, relayed to Kafka after."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Sequence

import asyncpg
import structlog
from aiokafka import AIOKafkaProducer
from aiokafka.errors import KafkaError

from caseflow.db import Connection
from caseflow.waiting import CappedPause, until_available
from schemas.envelope import Publishable
from schemas.topics import Topic

log = structlog.get_logger(__name__)
CLOSE_TIMEOUT = 5.0


async def enqueue_many(connection: Connection, events: Sequence[tuple[Topic, Publishable]]) -> None:
    """Store events for publishing once the surrounding transaction commits."""
    if not events:
        return
    await connection.executemany(
        "INSERT INTO outbox (event_id, topic, key, payload) VALUES ($1, $2, $3, $4)"
        " ON CONFLICT (event_id) DO NOTHING",
        [
            (envelope.id, topic.name, envelope.subject, envelope.to_bytes())
            for topic, envelope in events
        ],
    )
    await connection.execute("SELECT pg_notify('outbox_' || current_schema(), '')")


async def enqueue(connection: Connection, topic: Topic, envelope: Publishable) -> None:
    """Store one event for publishing once the surrounding transaction commits."""
    await enqueue_many(connection, [(topic, envelope)])


class OutboxRelay:
    """Publishes stored events in order, marking each published; one active relay per schema."""

    def __init__(
        self, database_url: str, schema: str, producer: AIOKafkaProducer, *, batch: int = 500
    ) -> None:
        self._database_url = database_url
        self._schema = schema
        self._producer = producer
        self._batch = batch
        self._wake = asyncio.Event()

    async def run(self, *, poll_seconds: float = 1.0) -> None:
        """Relay until cancelled; notifications wake it early, polling covers missed ones.

        While PostgreSQL is away the relay waits and connects again: the events stay in the
        table, and the relay goes on from the first one not yet marked published.
        """
        pause = CappedPause()
        await until_available(
            lambda: self._relay_while_connected(poll_seconds, pause),
            purpose=f"outbox relay {self._schema}",
            pause=pause,
        )

    async def _relay_while_connected(self, poll_seconds: float, pause: CappedPause) -> None:
        """Connect, take the schema's relay lock and relay until the connection is lost."""
        connection = await asyncpg.connect(self._database_url)
        try:
            await connection.execute(f"SET search_path TO {self._schema}, public")
            # Publishing in id order keeps each case's events in order; one relay holds the lock.
            await connection.execute("SELECT pg_advisory_lock(hashtext($1))", self._lock_name)
            await connection.add_listener(f"outbox_{self._schema}", self._notified)
            pause.reset()
            log.info("outbox relay connected", schema=self._schema)
            while True:
                await self._drain(connection)
                self._wake.clear()
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._wake.wait(), poll_seconds)
        finally:
            await _close(connection)

    async def _drain(self, connection: Connection) -> None:
        """Publish until nothing is pending; while the broker is away, wait and try again."""
        pause = CappedPause()
        while True:
            try:
                if not await self.relay_once(connection):
                    return
                pause.reset()
            except KafkaError as error:
                # The events stay pending in the table: nothing is lost while the broker is away.
                retry_in = pause.next()
                log.warning(
                    "outbox relay waiting for the broker",
                    schema=self._schema,
                    error=repr(error),
                    retry_in=retry_in,
                )
                await asyncio.sleep(retry_in)

    @property
    def _lock_name(self) -> str:
        return f"outbox-relay:{self._schema}"

    def _notified(self, *_: object) -> None:
        self._wake.set()

    async def relay_once(self, connection: Connection) -> int:
        """Publish one batch of pending events; return how many were published."""
        rows: Sequence[asyncpg.Record] = await connection.fetch(
            "SELECT id, topic, key, payload FROM outbox WHERE published_at IS NULL"
            " ORDER BY id LIMIT $1",
            self._batch,
        )
        if not rows:
            return 0
        sent = [
            await self._producer.send(row["topic"], row["payload"], key=row["key"].encode())
            for row in rows
        ]
        await asyncio.gather(*sent)
        await connection.execute(
            "UPDATE outbox SET published_at = now() WHERE id = ANY($1::bigint[])",
            [row["id"] for row in rows],
        )
        log.debug("outbox relayed", schema=self._schema, events=len(rows))
        return len(rows)


async def _close(connection: asyncpg.Connection) -> None:
    """Close a connection, or drop it at once when the server is gone already."""
    if connection.is_closed():
        return
    try:
        await asyncio.wait_for(connection.close(), CLOSE_TIMEOUT)
    except Exception:  # the server went away meanwhile: nothing left to tell it
        connection.terminate()
