"""In-memory stores implementing the services' ports, for unit tests of the handlers."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, field, replace

from schemas.envelope import Publishable
from schemas.intake import SubmissionRejected
from services.intake.ports import Changes, RegisteredCase


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
    """Collects one batch's changes and applies them to the store on commit."""

    def __init__(self, store: FakeIntakeStore) -> None:
        self._store = store
        self._processed: set[uuid.UUID] = set()
        self._changes = Changes()

    async def first_deliveries(self, message_ids: Sequence[uuid.UUID]) -> set[uuid.UUID]:
        fresh = set(message_ids) - self._store.processed
        self._processed |= fresh
        return fresh

    async def find_cases(
        self, keys: Sequence[tuple[str, str]]
    ) -> dict[tuple[str, str], RegisteredCase]:
        return {key: self._store.cases[key] for key in keys if key in self._store.cases}

    async def next_control_numbers(self, count: int, prefix: str) -> list[str]:
        start = self._store.numbers
        self._store.numbers += count
        return [f"{prefix}{number:06d}" for number in range(start + 1, start + count + 1)]

    async def save(self, changes: Changes) -> None:
        self._changes = changes

    def commit(self) -> None:
        changes = self._changes
        self._store.processed |= self._processed
        for case in changes.new_cases + changes.amended_cases + changes.closed_cases:
            application = case.application
            self._store.cases[(application.submitting_agency, application.agency_reference)] = case
        for filed, content_hash in changes.appeals:
            key = (filed.submitting_agency, filed.agency_reference)
            self._store.cases[key] = replace(self._store.cases[key], appeal_hash=content_hash)
        self._store.rejections.update(dict(changes.rejections))
        self._store.published += [(topic.name, envelope) for topic, envelope in changes.events]
