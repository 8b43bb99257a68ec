"""Intake's use case: one raw submission in, a registered case or a listed refusal out."""

from __future__ import annotations

import hashlib
import uuid
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Protocol

from schemas.application import SubmitApplication
from schemas.cases import CaseReceived
from schemas.envelope import Envelope, Publishable, derived_id, utcnow
from schemas.intake import Deficiency, SubmissionRejected
from schemas.topics import CASES, REJECTIONS, Topic
from services.intake.domain import (
    Deficient,
    IntakePolicy,
    Registrable,
    examine_submission,
    normalise_names,
)

SOURCE = "caseflow/intake"


@dataclass(frozen=True)
class RawSubmission:
    """A message as read from the submissions topic, before anything is trusted."""

    body: bytes
    topic: str
    partition: int
    offset: int

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
    """What intake keeps of a registered case to recognise it again."""

    case_id: str
    control_number: str
    content_hash: str
    registered_at: datetime


class Outcome(StrEnum):
    """What happened to one submission."""

    REGISTERED = "registered"
    REJECTED = "rejected"
    REDELIVERED = "redelivered"
    ALREADY_PROCESSED = "already_processed"


class IntakeUnitOfWork(Protocol):
    """One transaction over intake's records and outbox."""

    async def first_delivery(self, message_id: uuid.UUID) -> bool: ...
    async def find_case(self, agency: str, reference: str) -> RegisteredCase | None: ...
    async def next_control_number(self) -> str: ...
    async def add_case(
        self, case: RegisteredCase, application: SubmitApplication, correlation_id: str
    ) -> None: ...
    async def add_rejection(self, message_id: uuid.UUID, rejection: SubmissionRejected) -> None: ...
    async def publish(self, topic: Topic, envelope: Publishable) -> None: ...


class IntakeStore(Protocol):
    """Where intake's units of work come from."""

    def unit_of_work(self) -> AbstractAsyncContextManager[IntakeUnitOfWork]: ...


async def register_submission(
    raw: RawSubmission, store: IntakeStore, policy: IntakePolicy
) -> Outcome:
    """Register a valid submission once, or refuse it listing every deficiency."""
    examined = examine_submission(raw.body, policy)
    message_id = _message_id(examined, raw)
    async with store.unit_of_work() as uow:
        if not await uow.first_delivery(message_id):
            return Outcome.ALREADY_PROCESSED
        if isinstance(examined, Deficient):
            await _refuse(uow, message_id, raw, examined)
            return Outcome.REJECTED
        return await _register(uow, message_id, raw, examined)


def _message_id(examined: Registrable | Deficient, raw: RawSubmission) -> uuid.UUID:
    header = examined.header
    return header.id if header is not None else raw.fallback_id


async def _register(
    uow: IntakeUnitOfWork, message_id: uuid.UUID, raw: RawSubmission, submission: Registrable
) -> Outcome:
    """A new reference becomes a case; a known one with the same content is a redelivery."""
    application = normalise_names(submission.application)
    content_hash = hashlib.sha256(application.model_dump_json().encode()).hexdigest()
    existing = await uow.find_case(application.submitting_agency, application.agency_reference)
    if existing is not None:
        if existing.content_hash == content_hash:
            return Outcome.REDELIVERED
        conflict = Deficient(
            [_conflict(application, existing)],
            application.submitting_agency,
            application.agency_reference,
            submission.header,
        )
        await _refuse(uow, message_id, raw, conflict)
        return Outcome.REJECTED
    case = RegisteredCase(
        case_id=str(uuid.uuid4()),
        control_number=await uow.next_control_number(),
        content_hash=content_hash,
        registered_at=utcnow(),
    )
    correlation_id = submission.header.correlation_id
    await uow.add_case(case, application, correlation_id)
    received = CaseReceived(
        case_id=case.case_id,
        control_number=case.control_number,
        registered_at=case.registered_at,
        application=application,
    )
    await uow.publish(
        CASES,
        Envelope.wrap(received, source=SOURCE, subject=case.case_id, correlation_id=correlation_id),
    )
    return Outcome.REGISTERED


def _conflict(application: SubmitApplication, existing: RegisteredCase) -> Deficiency:
    return Deficiency(
        code="reference_conflict",
        path="$.data.agency_reference",
        message=f"reference '{application.agency_reference}' is already registered as case "
        f"{existing.control_number} with different content; amend that case or use a new "
        "reference",
    )


async def _refuse(
    uow: IntakeUnitOfWork, message_id: uuid.UUID, raw: RawSubmission, deficient: Deficient
) -> None:
    """Record the refusal and tell the agency, in the same transaction."""
    rejection = SubmissionRejected(
        submitting_agency=deficient.agency,
        agency_reference=deficient.reference,
        rejected_at=utcnow(),
        deficiencies=deficient.deficiencies,
        raw_message=raw.location,
    )
    subject = f"{deficient.agency or 'unknown'}:{deficient.reference or raw.location}"
    correlation_id = deficient.header.correlation_id if deficient.header else str(message_id)
    await uow.add_rejection(message_id, rejection)
    await uow.publish(
        REJECTIONS,
        Envelope.wrap(
            rejection,
            source=SOURCE,
            subject=subject,
            correlation_id=correlation_id,
            event_id=derived_id("rejection", str(message_id)),
        ),
    )
