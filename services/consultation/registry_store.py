"""The stakeholder registry in consultation's schema: entries, who changed them, and when."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

import asyncpg

from caseflow.db import Connection
from caseflow.outbox import enqueue
from schemas.envelope import Envelope, derived_id
from schemas.stakeholders import (
    RegisteredConflict,
    StakeholderConflictDeclared,
    StakeholderConflictWithdrawn,
    StakeholderDisabled,
    StakeholderEnabled,
    StakeholderFact,
    StakeholderRegistered,
    StakeholderUpdated,
)
from schemas.topics import CONSULTATION_RESPONSES
from services.consultation.config import SOURCE
from services.consultation.policy import StakeholderEntry
from services.consultation.registry import RegistryConflict, RegistryRefused, UnknownStakeholder

Action = Literal["added", "updated", "conflict", "conflict-withdrawn", "disabled", "enabled"]


@dataclass(frozen=True)
class Registered:
    """A stakeholder as registered: its entry, whether it is disabled, its last change."""

    entry: StakeholderEntry
    disabled_at: datetime | None
    changed_by: str | None  # None: as the seed file says
    changed_at: datetime | None


@dataclass(frozen=True)
class Change:
    """One change an operator made to a stakeholder."""

    action: Action
    changed_by: str
    changed_at: datetime
    reason: str


def entry_of(row: asyncpg.Record) -> StakeholderEntry:
    """A stakeholder's entry from its row."""
    return StakeholderEntry(
        id=row["stakeholder_id"],
        name=row["name"],
        kind=row["kind"],
        channel=row["channel"],
        state=row["state"],
        expertise=json.loads(row["expertise"]),
        conflicts=json.loads(row["conflicts"]),
    )


class RegistryStore:
    """Operators' changes to the registry, each kept with who made it, when and why."""

    def __init__(self, connection: Connection) -> None:
        self.connection = connection

    async def registered(self) -> list[Registered]:
        """Every stakeholder, disabled ones included."""
        rows = await self.connection.fetch("SELECT * FROM stakeholders ORDER BY stakeholder_id")
        return [_registered(row) for row in rows]

    async def find(self, stakeholder_id: str) -> Registered:
        """The stakeholder, locked until commit; refused if it is not registered."""
        row = await self.connection.fetchrow(
            "SELECT * FROM stakeholders WHERE stakeholder_id = $1 FOR UPDATE", stakeholder_id
        )
        if row is None:
            raise UnknownStakeholder(f"no stakeholder {stakeholder_id} in the registry")
        return _registered(row)

    async def changes(self, stakeholder_id: str) -> list[Change]:
        """The stakeholder's changes, oldest first."""
        rows = await self.connection.fetch(
            "SELECT action, changed_by, changed_at, reason FROM stakeholder_changes"
            " WHERE stakeholder_id = $1 ORDER BY id",
            stakeholder_id,
        )
        return [Change(**dict(row)) for row in rows]

    async def add(self, entry: StakeholderEntry, by: str, reason: str, at: datetime) -> None:
        """Register a new stakeholder; refused if its id is taken."""
        added = await self.connection.fetchval(
            "INSERT INTO stakeholders (stakeholder_id, name, kind, channel, state, expertise,"
            " conflicts, registry_version, changed_by, changed_at)"
            " VALUES ($1, $2, $3, $4, $5, $6::jsonb, $7::jsonb, 'operator', $8, $9)"
            " ON CONFLICT (stakeholder_id) DO NOTHING RETURNING stakeholder_id",
            *_columns(entry),
            by,
            at,
        )
        if added is None:
            raise RegistryConflict(f"a stakeholder {entry.id} is registered already")
        await self._record(entry, "added", by, reason, at)

    async def save(
        self, entry: StakeholderEntry, action: Action, by: str, reason: str, at: datetime
    ) -> None:
        """Store a registered stakeholder's new entry; from now on the seed file leaves it be."""
        await self.connection.execute(
            "UPDATE stakeholders SET name = $2, kind = $3, channel = $4, state = $5,"
            " expertise = $6::jsonb, conflicts = $7::jsonb, changed_by = $8, changed_at = $9,"
            " disabled_at = CASE $10 WHEN 'disabled' THEN $9 WHEN 'enabled' THEN NULL"
            " ELSE disabled_at END"
            " WHERE stakeholder_id = $1",
            *_columns(entry),
            by,
            at,
            action,
        )
        await self._record(entry, action, by, reason, at)

    async def _record(
        self, entry: StakeholderEntry, action: Action, by: str, reason: str, at: datetime
    ) -> None:
        """Keep the change, and tell it through the outbox (so the audit trail keeps it too)."""
        if not reason.strip():
            raise RegistryRefused("say why (--reason): the change is kept with it")
        change_id = await self.connection.fetchval(
            "INSERT INTO stakeholder_changes (stakeholder_id, action, changed_by, changed_at,"
            " reason, entry) VALUES ($1, $2, $3, $4, $5, $6::jsonb) RETURNING id",
            entry.id,
            action,
            by,
            at,
            reason,
            entry.model_dump_json(),
        )
        envelope = Envelope.wrap(
            fact(entry, action, by, reason),
            source=SOURCE,
            subject=f"stakeholder:{entry.id}",
            correlation_id=f"stakeholder:{entry.id}",
            event_id=derived_id("stakeholder-change", str(change_id)),
        )
        await enqueue(self.connection, CONSULTATION_RESPONSES, envelope)


FACTS: dict[Action, type[StakeholderFact]] = {
    "added": StakeholderRegistered,
    "updated": StakeholderUpdated,
    "conflict": StakeholderConflictDeclared,
    "conflict-withdrawn": StakeholderConflictWithdrawn,
    "disabled": StakeholderDisabled,
    "enabled": StakeholderEnabled,
}


def fact(entry: StakeholderEntry, action: Action, by: str, reason: str) -> StakeholderFact:
    """The event telling a change: the entry as it now reads, who changed it and why."""
    return FACTS[action](
        stakeholder_id=entry.id,
        name=entry.name,
        kind=entry.kind,
        channel=entry.channel,
        state=entry.state,
        technology_categories=sorted(entry.expertise.technology_categories),
        regions=sorted(entry.expertise.regions),
        conflicts=[RegisteredConflict(**c.model_dump()) for c in entry.conflicts],
        changed_by=by,
        reason=reason,
    )


def _columns(entry: StakeholderEntry) -> tuple[object, ...]:
    return (
        entry.id,
        entry.name,
        entry.kind.value,
        entry.channel,
        entry.state,
        entry.expertise.model_dump_json(),
        json.dumps([c.model_dump() for c in entry.conflicts]),
    )


def _registered(row: asyncpg.Record) -> Registered:
    return Registered(entry_of(row), row["disabled_at"], row["changed_by"], row["changed_at"])
