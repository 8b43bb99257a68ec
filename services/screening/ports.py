"""What screening's use cases need of storage: transactions that dedupe and publish."""

from __future__ import annotations

import uuid
from contextlib import AbstractAsyncContextManager
from typing import Protocol, TypeVar

from schemas.envelope import Publishable
from schemas.topics import Topic

UnitT = TypeVar("UnitT", covariant=True)


class Transaction(Protocol):
    """One transaction: a message acted on once, events published with the change."""

    async def first_delivery(self, message_id: uuid.UUID) -> bool: ...
    async def publish(self, topic: Topic, envelope: Publishable) -> None: ...


class Store(Protocol[UnitT]):
    """Where a use case's units of work come from."""

    def unit_of_work(self) -> AbstractAsyncContextManager[UnitT]: ...
