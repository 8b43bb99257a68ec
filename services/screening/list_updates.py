"""Use case: load a restricted-party list as a new version and announce what changed."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Protocol

from schemas.envelope import Envelope, derived_id, utcnow
from schemas.screening import ListUpdated
from schemas.topics import SCREENING_REQUESTS
from services.screening.config import SEED_LIST, SEED_LIST_NAME
from services.screening.list_diff import ListDelta, compute_delta, list_label
from services.screening.matching import RestrictedPartyEntry, load_list
from services.screening.ports import Store, Transaction

SOURCE = "caseflow/screening"
# Screening's own inbox: every screening process is subscribed to it already, and the platform's
# topic list (schemas/topics.py, compose) has no list-updates topic yet.
LIST_UPDATES = SCREENING_REQUESTS

Progress = Callable[[int, int], None]  # (entries stored, entries to store)


class ListUnitOfWork(Transaction, Protocol):
    """One transaction over the lists, their versions and the outbox."""

    async def lock_list(self, name: str) -> int | None: ...
    async def entry_digests(self, name: str) -> dict[str, str]: ...
    async def add_list_version(
        self, update: ListUpdated, delta: ListDelta, progress: Progress
    ) -> None: ...


ListStore = Store[ListUnitOfWork]


@dataclass(frozen=True)
class ListLoaded:
    """The outcome of a load: the list's version now, and what the load changed."""

    list_version: str
    delta: ListDelta
    update: ListUpdated | None  # None when the file said nothing new


async def load_list_version(
    name: str,
    entries: Iterable[RestrictedPartyEntry],
    loaded_from: str,
    store: ListStore,
    progress: Progress | None = None,
) -> ListLoaded:
    """Store `entries` as the next version of list `name` and publish `ListUpdated`.

    An identical reload keeps the current version and publishes nothing.
    """
    async with store.unit_of_work() as uow:
        current = await uow.lock_list(name)
        digests = await uow.entry_digests(name) if current is not None else {}
        # Digesting a million entries takes seconds: off the service's event loop.
        delta = await asyncio.to_thread(compute_delta, digests, entries)
        if current is not None and delta.is_empty:
            return ListLoaded(list_label(name, current), delta, None)
        version = (current or 0) + 1
        update = ListUpdated(
            list_name=name,
            number=version,
            list_version=list_label(name, version),
            loaded_from=loaded_from,
            entries=delta.entries,
            added=len(delta.added),
            changed=len(delta.changed),
            removed=len(delta.removed),
            loaded_at=utcnow(),
        )
        await uow.add_list_version(update, delta, progress or _silent)
        await uow.publish(
            LIST_UPDATES,
            Envelope.wrap(
                update,
                source=SOURCE,
                subject=f"list:{name}",
                correlation_id=f"list:{update.list_version}",
                event_id=derived_id("list-updated", update.list_version),
            ),
        )
        return ListLoaded(update.list_version, delta, update)


async def ensure_seed_list(store: ListStore) -> ListLoaded | None:
    """Load the shipped seed list the first time screening starts, so it screens against it."""
    async with store.unit_of_work() as uow:
        if await uow.lock_list(SEED_LIST_NAME) is not None:
            return None
    entries = load_list(SEED_LIST)
    return await load_list_version(SEED_LIST_NAME, entries, f"seed: {SEED_LIST.name}", store)


def _silent(_: int, __: int) -> None:
    """No progress to show."""
