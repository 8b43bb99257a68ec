"""In-memory stores implementing the services' ports, for unit tests of the handlers."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field

from schemas.application import SubmitApplication
from schemas.envelope import Publishable
from schemas.intake import SubmissionRejected
from schemas.topics import Topic
from services.intake.handlers import RegisteredCase


@dataclass
class FakeIntakeStore:
    """Intake's records in dictionaries; a unit of work commits only if its block succeeds."""

    processed: set[uuid.UUID] = field(default_factory=set)
    cases: dict[tuple[str, str], RegisteredCase] = field(default_factory=dict)
    rejections: dict[uuid.UUID, SubmissionRejected] = field(default_factory=dict)
    published: list[tuple[str, Publishable]] = field(default_factory=list)
    numbers: int = 100_000

    @asynccontextmanager
    async def unit_of_work(self) -> AsyncIterator[FakeIntakeUnitOfWork]:
        unit = FakeIntakeUnitOfWork(self)
        yield unit
        unit.commit()


class FakeIntakeUnitOfWork:
    """Collects changes and applies them to the store on commit."""

    def __init__(self, store: FakeIntakeStore) -> None:
        self._store = store
        self._processed: set[uuid.UUID] = set()
        self._cases: dict[tuple[str, str], RegisteredCase] = {}
        self._rejections: dict[uuid.UUID, SubmissionRejected] = {}
        self._published: list[tuple[str, Publishable]] = []

    async def first_delivery(self, message_id: uuid.UUID) -> bool:
        if message_id in self._store.processed | self._processed:
            return False
        self._processed.add(message_id)
        return True

    async def find_case(self, agency: str, reference: str) -> RegisteredCase | None:
        return self._store.cases.get((agency, reference)) or self._cases.get((agency, reference))

    async def next_control_number(self) -> str:
        self._store.numbers += 1
        return f"Z{self._store.numbers:06d}"

    async def add_case(
        self, case: RegisteredCase, application: SubmitApplication, correlation_id: str
    ) -> None:
        self._cases[(application.submitting_agency, application.agency_reference)] = case

    async def add_rejection(self, message_id: uuid.UUID, rejection: SubmissionRejected) -> None:
        self._rejections[message_id] = rejection

    async def publish(self, topic: Topic, envelope: Publishable) -> None:
        self._published.append((topic.name, envelope))

    def commit(self) -> None:
        self._store.processed |= self._processed
        self._store.cases.update(self._cases)
        self._store.rejections.update(self._rejections)
        self._store.published += self._published
