"""Intake's ports and records: the raw message, the registered case, what a batch writes."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Protocol

from schemas.appeals import AppealFiled
from schemas.application import SubmitApplication
from schemas.envelope import Publishable, derived_id
from schemas.intake import SubmissionRejected
from schemas.topics import Topic
from services.intake.progress import CaseProgress


@dataclass(frozen=True)
class RawSubmission:
    """A message as read from the submissions topic, before anything is trusted."""

    body: bytes
    topic: str
    partition: int
    offset: int
    agency_header: str | None = None

    @property
    def location(self) -> str:
        """Where the raw bytes lie on Kafka, for the agency and for operators."""
        return f"{self.topic}/{self.partition}/{self.offset}"

    @property
    def fallback_id(self) -> uuid.UUID:
        """An id for messages whose own id cannot be read: stable across redeliveries."""
        return derived_id("raw", self.location)


@dataclass(frozen=True)
class RegisteredCase:
    """What intake keeps of a registered case to recognise it and to amend it."""

    case_id: str
    control_number: str
    content_hash: str
    registered_at: datetime
    application: SubmitApplication
    correlation_id: str
    closed: bool = False
    outcome: str | None = None
    decided_at: datetime | None = None
    decided_by: str | None = None
    countersigned_by: str | None = None
    appeal_hash: str | None = None  # the content of the appeal filed, if one was


class Outcome(StrEnum):
    """What happened to one message."""

    REGISTERED = "registered"
    AMENDED = "amended"
    WITHDRAWN = "withdrawn"
    SHIPMENT_REPORTED = "shipment_reported"
    APPEALED = "appealed"
    REJECTED = "rejected"
    REDELIVERED = "redelivered"
    ALREADY_PROCESSED = "already_processed"


@dataclass
class Changes:
    """Everything one batch writes, in one transaction."""

    new_cases: list[RegisteredCase] = field(default_factory=list)
    amended_cases: list[RegisteredCase] = field(default_factory=list)
    closed_cases: list[RegisteredCase] = field(default_factory=list)
    appeals: list[tuple[AppealFiled, str]] = field(default_factory=list)
    rejections: list[tuple[uuid.UUID, SubmissionRejected]] = field(default_factory=list)
    events: list[tuple[Topic, Publishable]] = field(default_factory=list)


class IntakeUnitOfWork(Protocol):
    """One transaction over intake's records and outbox."""

    async def first_deliveries(self, message_ids: Sequence[uuid.UUID]) -> set[uuid.UUID]: ...
    async def find_cases(
        self, keys: Sequence[tuple[str, str]]
    ) -> dict[tuple[str, str], RegisteredCase]: ...
    async def next_control_numbers(self, count: int, prefix: str) -> list[str]: ...
    async def save(self, changes: Changes) -> None: ...


class CaseFollowingUnitOfWork(Protocol):
    """One transaction over a case's status and the agency's deliveries."""

    async def first_delivery(self, message_id: uuid.UUID) -> bool: ...
    async def record_progress(self, progress: CaseProgress) -> None: ...
    async def agency_of(self, case_id: str) -> str | None: ...
    async def publish(self, topic: Topic, envelope: Publishable) -> None: ...


class CaseFollowingStore(Protocol):
    """Where the case-following units of work come from."""

    def unit_of_work(self) -> AbstractAsyncContextManager[CaseFollowingUnitOfWork]: ...


class IntakeStore(Protocol):
    """Where intake's units of work come from."""

    def unit_of_work(self) -> AbstractAsyncContextManager[IntakeUnitOfWork]: ...


@dataclass(frozen=True)
class Handled:
    """What happened to each message of a batch, in order, and the refusals it drew."""

    outcomes: list[Outcome]
    rejections: list[SubmissionRejected]
