"""The unit of work every service's store builds on: one transaction, idempotency, outbox."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import ClassVar, Generic, Protocol, TypeVar

import asyncpg

from caseflow.db import Connection
from caseflow.idempotency import first_deliveries, first_delivery, processed
from caseflow.outbox import enqueue, enqueue_many
from schemas.envelope import Publishable
from schemas.topics import Topic


class PostgresUnitOfWork:
    """A service's records and outbox on one connection inside one transaction."""

    consumer: ClassVar[str]

    def __init__(self, connection: Connection) -> None:
        self.connection = connection

    async def first_delivery(self, message_id: uuid.UUID) -> bool:
        """True the first time this consumer sees the message."""
        return await first_delivery(self.connection, self.consumer, message_id)

    async def handled(self, message_id: uuid.UUID) -> bool:
        """True if this consumer has recorded the message as processed (nothing recorded)."""
        return await processed(self.connection, self.consumer, message_id)

    async def first_deliveries(self, message_ids: Sequence[uuid.UUID]) -> set[uuid.UUID]:
        """The ids this consumer sees for the first time."""
        return await first_deliveries(self.connection, self.consumer, message_ids)

    async def publish_many(self, events: Sequence[tuple[Topic, Publishable]]) -> None:
        """Queue events in the outbox, committed with the records."""
        await enqueue_many(self.connection, events)

    async def publish(self, topic: Topic, envelope: Publishable) -> None:
        """Queue the event in the outbox, committed with the records."""
        await enqueue(self.connection, topic, envelope)


UnitT = TypeVar("UnitT", bound=PostgresUnitOfWork)


class PoolOwner(Protocol):
    """Whatever holds the service's pool once the process has started."""

    @property
    def pool(self) -> asyncpg.Pool: ...


@dataclass
class HeldPool:
    """A pool opened by a command or process that is not a service runtime."""

    pool: asyncpg.Pool


class PostgresStore(Generic[UnitT]):
    """Hands out units of work of one kind on a service's schema."""

    def __init__(self, owner: PoolOwner, unit: type[UnitT]) -> None:
        self._owner = owner
        self._unit = unit

    @asynccontextmanager
    async def unit_of_work(self) -> AsyncIterator[UnitT]:
        """A transaction that commits when the block ends without error."""
        async with self._owner.pool.acquire() as connection, connection.transaction():
            yield self._unit(connection)
