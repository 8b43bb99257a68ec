"""Use case: a reviewer clears a false-positive hit, for this party and entry from now on."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from pydantic import ValidationError

from caseflow.messaging import reasons
from schemas.envelope import Envelope
from schemas.screening import HitCleared
from schemas.topics import SCREENING_RESULTS
from services.screening.ports import Store, Transaction
from services.screening.rules.parties import Clearance, party_key

SOURCE = "caseflow/screening"


class ClearanceRefused(ValueError):
    """A clearance that cannot be recorded, with the reason."""

    reason = "invalid_clearance"


class UnknownEntry(ClearanceRefused):
    """The hit names an entry no current list has."""

    reason = "unknown_entry"


class ClearanceUnitOfWork(Transaction, Protocol):
    """One transaction over the list entries and the clearances, published through the outbox."""

    async def entry_exists(self, entry_id: str) -> bool: ...
    async def add_clearance(self, clearance: Clearance, party_name: str) -> None: ...


@dataclass(frozen=True)
class ClearHit:
    """Command: clear a hit, by a reviewer whose name and role a verified token gave."""

    party_name: str
    country: str
    entry_id: str
    reason: str
    reviewer: str
    reviewer_role: str
    case_id: str | None = None


async def clear_hit(
    command: ClearHit, *, at: datetime, store: Store[ClearanceUnitOfWork]
) -> HitCleared:
    """Record who cleared which party against which entry, when and why; tell it as an event."""
    problems = []
    if not command.reviewer.strip():
        problems.append("a clearance needs the reviewer")
    if not command.party_name.strip():
        problems.append("a clearance needs the party's name")
    if len(command.reason.split()) < 3:
        problems.append("a clearance needs a reason of a few words")
    if problems:
        raise ClearanceRefused("; ".join(problems))
    country = command.country.strip().upper()
    clearance = Clearance(
        party_key(command.party_name, country),
        command.entry_id,
        command.reviewer,
        at,
        command.reason.strip(),
    )
    try:
        cleared = HitCleared(
            party_name=command.party_name,
            country=country,
            entry_id=command.entry_id,
            reason=clearance.reason,
            cleared_by=command.reviewer,
            cleared_by_role=command.reviewer_role,
            cleared_at=at,
            case_id=command.case_id,
        )
    except ValidationError as error:
        raise ClearanceRefused(reasons(error)) from error
    async with store.unit_of_work() as uow:
        if not await uow.entry_exists(command.entry_id):
            raise UnknownEntry(f"no current list has an entry '{command.entry_id}'")
        await uow.add_clearance(clearance, command.party_name)
        subject = command.case_id or f"clearance:{command.entry_id}"
        envelope = Envelope.wrap(cleared, source=SOURCE, subject=subject, correlation_id=subject)
        await uow.publish(SCREENING_RESULTS, envelope)
    return cleared
