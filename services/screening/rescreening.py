"""Use case: after a list update, screen again the open cases its new or changed entries match."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import Protocol

from schemas.application import SubmitApplication
from schemas.envelope import Envelope, utcnow
from schemas.screening import ListUpdated, ScreeningCompleted
from services.screening.domain import Knowledge, Screening, ScreeningPolicy, screening_result
from services.screening.handlers import KnowledgeSource, knowledge_for, publish_result
from services.screening.matching import RestrictedPartyEntry, RestrictedPartyIndex
from services.screening.ports import Store, Transaction
from services.screening.rules.parties import list_update_matches


@dataclass(frozen=True)
class OpenCase:
    """A case screened and not decided yet, with its application as last screened."""

    case_id: str
    application: SubmitApplication


@dataclass(frozen=True)
class ListChange:
    """An entry a list version added or changed."""

    entry: RestrictedPartyEntry
    change: str  # "added" or "changed"


class RescreeningUnitOfWork(Transaction, KnowledgeSource, Protocol):
    """One transaction over the list changes, the open cases, the results and the outbox."""

    async def list_changes(self, name: str, version: int) -> list[ListChange]: ...
    async def open_cases(self) -> list[OpenCase]: ...
    async def find_result(self, request_id: str) -> ScreeningCompleted | None: ...
    async def add_result(self, result: ScreeningCompleted) -> None: ...


RescreeningStore = Store[RescreeningUnitOfWork]


async def rescreen_open_cases(
    update: Envelope[ListUpdated],
    store: RescreeningStore,
    policy: ScreeningPolicy,
    standing: Knowledge,
) -> list[str]:
    """Publish a new result for each open case a new or changed entry matches; their ids.

    `standing.screener` must index the update's version: results record the lists they used.
    """
    listed = update.data
    async with store.unit_of_work() as uow:
        if not await uow.first_delivery(update.id):
            return []
        cases = await uow.open_cases()
        changes = await uow.list_changes(listed.list_name, listed.number) if cases else []
        if not changes:
            return []
        # Only the update's entries are looked at first: every open case quickly. A first load
        # of a large list is a large index: built off the event loop.
        update_index = await asyncio.to_thread(
            RestrictedPartyIndex.build,
            [change.entry for change in changes],
            policy.match_policy(),
        )
        change_of = {change.entry.entry_id: change.change for change in changes}
        rescreened = []
        for case in cases:
            await asyncio.sleep(0)  # thousands of cases: let heartbeats and other messages run
            if not list_update_matches(case.application, update_index, change_of):
                continue
            # The workflow takes a re-screen whose id names the list versions the result records.
            request_id = f"{case.case_id}/rescreen/{standing.screener.list_version}"
            if await uow.find_result(request_id) is not None:
                continue
            knowledge = await knowledge_for(uow, case.application, standing)
            # A reviewer may have cleared the very pair the update matched.
            matched = list_update_matches(
                case.application, update_index, change_of, knowledge.clearances
            )
            if not matched:
                continue
            reason = f"list_update: {listed.list_name} {listed.number}: {'; '.join(matched)}"
            screening = Screening(request_id, case.case_id, case.application, reason)
            result = screening_result(screening, policy, knowledge, utcnow())
            await uow.add_result(result)
            await publish_result(uow, result, update.correlation_id, request_id)
            rescreened.append(case.case_id)
        return rescreened
