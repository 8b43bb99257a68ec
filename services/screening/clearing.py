"""Use case: a reviewer clears a false-positive hit, for this party and entry from now on."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

from services.screening.ports import Store
from services.screening.rules.parties import Clearance, party_key


class ClearanceRefused(ValueError):
    """A clearance that cannot be recorded, with the reason."""


class ClearanceUnitOfWork(Protocol):
    """One transaction over the list entries and the clearances."""

    async def entry_exists(self, entry_id: str) -> bool: ...
    async def add_clearance(self, clearance: Clearance, party_name: str) -> None: ...


async def clear_hit(
    party_name: str,
    country: str,
    entry_id: str,
    *,
    reviewer: str,
    reason: str,
    at: datetime,
    store: Store[ClearanceUnitOfWork],
) -> Clearance:
    """Record who cleared which party against which entry, when and why."""
    if not reviewer.strip() or len(reason.split()) < 3:
        raise ClearanceRefused("a clearance needs the reviewer and a reason of a few words")
    clearance = Clearance(party_key(party_name, country), entry_id, reviewer, at, reason.strip())
    async with store.unit_of_work() as uow:
        if not await uow.entry_exists(entry_id):
            raise ClearanceRefused(f"no current list has an entry '{entry_id}'")
        await uow.add_clearance(clearance, party_name)
    return clearance
