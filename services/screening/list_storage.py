"""PostgreSQL storage of restricted-party lists: versions, current entries, changes."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime

import asyncpg

from caseflow.db import Connection
from schemas.screening import ListUpdated
from services.screening.list_diff import (
    ListChange,
    ListDelta,
    entry_from_json,
    entry_to_json,
    screened_on_older,
)
from services.screening.list_updates import Progress
from services.screening.matching import RestrictedPartyEntry

BATCH = 5_000


class PostgresListStorage:
    """The list half of screening's unit of work (mixed into it, on its connection)."""

    connection: Connection

    async def lock_list(self, name: str) -> int | None:
        """The list's current version (None if never loaded), locked until the transaction ends."""
        await self.connection.execute("SELECT pg_advisory_xact_lock(hashtext('list:' || $1))", name)
        version: int | None = await self.connection.fetchval(
            "SELECT current_version FROM lists WHERE name = $1", name
        )
        return version

    async def lists_moved_on(self, list_version: str) -> bool:
        """Whether PostgreSQL holds later list versions than those `list_version` names."""
        return screened_on_older(list_version, await list_versions(self.connection))

    async def entry_digests(self, name: str) -> dict[str, str]:
        """Entry id -> digest of the list's current entries."""
        rows = await self.connection.fetch(
            "SELECT entry_id, digest FROM list_entries WHERE name = $1", name
        )
        return {row["entry_id"]: row["digest"] for row in rows}

    async def add_list_version(
        self, update: ListUpdated, delta: ListDelta, progress: Progress
    ) -> None:
        """Record the version, replace the changed entries and remember what changed."""
        name, version = update.list_name, update.number
        await self.connection.execute(
            "INSERT INTO lists (name, current_version, updated_at) VALUES ($1, $2, $3)"
            " ON CONFLICT (name) DO UPDATE"
            " SET current_version = EXCLUDED.current_version, updated_at = EXCLUDED.updated_at",
            name,
            version,
            update.loaded_at,
        )
        await self.connection.execute(
            "INSERT INTO list_versions (name, version, loaded_from, loaded_at, entries,"
            " added, changed, removed) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
            name,
            version,
            update.loaded_from,
            update.loaded_at,
            update.entries,
            update.added,
            update.changed,
            update.removed,
        )
        gone = [*delta.removed, *(entry.entry_id for entry in delta.changed)]
        if gone:
            await self.connection.execute(
                "DELETE FROM list_entries WHERE name = $1 AND entry_id = ANY($2::text[])",
                name,
                gone,
            )
        written, storing = 0, [*delta.added, *delta.changed]
        progress(written, len(storing))
        for batch in _batches(storing):
            await self.connection.copy_records_to_table(
                "list_entries",
                records=[
                    (name, entry.entry_id, delta.digests[entry.entry_id], _json(entry))
                    for entry in batch
                ],
                columns=["name", "entry_id", "digest", "entry"],
            )
            written += len(batch)
            progress(written, len(storing))
        changes = [
            *((name, version, entry.entry_id, "added") for entry in delta.added),
            *((name, version, entry.entry_id, "changed") for entry in delta.changed),
            *((name, version, entry_id, "removed") for entry_id in delta.removed),
        ]
        await self.connection.copy_records_to_table(
            "list_changes", records=changes, columns=["name", "version", "entry_id", "change"]
        )

    async def list_changes(self, name: str, version: int) -> list[ListChange]:
        """What version `version` of the list added, changed (entries as they stand now) and
        removed."""
        rows = await self.connection.fetch(
            "SELECT c.entry_id, c.change, e.entry FROM list_changes c LEFT JOIN list_entries e"
            " ON e.name = c.name AND e.entry_id = c.entry_id"
            " WHERE c.name = $1 AND c.version = $2 ORDER BY c.entry_id",
            name,
            version,
        )
        return [
            ListChange(
                row["entry_id"],
                row["change"],
                None if row["entry"] is None else entry_from_json(json.loads(row["entry"])),
            )
            for row in rows
        ]

    async def version_history(self) -> list[ListVersionRecord]:
        """Every version of every list, oldest first."""
        rows = await self.connection.fetch(
            "SELECT name, version, loaded_at, loaded_from, entries, added, changed, removed"
            " FROM list_versions ORDER BY name, version"
        )
        return [ListVersionRecord(**dict(row)) for row in rows]


@dataclass(frozen=True)
class ListVersionRecord:
    """One loaded version of a list, as `caseflow lists show` prints it."""

    name: str
    version: int
    loaded_at: datetime
    loaded_from: str
    entries: int
    added: int
    changed: int
    removed: int


async def list_versions(database: asyncpg.Pool | Connection) -> dict[str, int]:
    """Each list's current version."""
    rows = await database.fetch("SELECT name, current_version FROM lists")
    return {row["name"]: row["current_version"] for row in rows}


async def current_entries(pool: asyncpg.Pool) -> tuple[dict[str, int], list[RestrictedPartyEntry]]:
    """Every list's current version and entries, read from one snapshot."""
    async with pool.acquire() as connection, connection.transaction(isolation="repeatable_read"):
        versions = await list_versions(connection)
        rows = await connection.fetch("SELECT entry FROM list_entries ORDER BY name, entry_id")
    # Reading a million entries takes seconds: off the event loop, like building their index.
    return versions, await asyncio.to_thread(_entries, [row["entry"] for row in rows])


@dataclass(frozen=True)
class ChangedEntries:
    """What the lists' versions since those indexed changed: entries as they stand now (added
    or changed), and the ids of entries removed."""

    versions: dict[str, int]
    current: list[RestrictedPartyEntry]
    removed: list[str]

    @property
    def entry_ids(self) -> int:
        """How many entry ids the versions since touched."""
        return len({entry.entry_id for entry in self.current}) + len(self.removed)


async def changes_since(pool: asyncpg.Pool, indexed: dict[str, int]) -> ChangedEntries | None:
    """The entries changed since the `indexed` versions, read from one snapshot; None when a
    list indexed is gone (nothing to diff against: read the lists whole). Every list's current
    entries with a touched id come back, since two lists may use the same id."""
    async with pool.acquire() as connection, connection.transaction(isolation="repeatable_read"):
        versions = await list_versions(connection)
        if any(name not in versions for name in indexed):
            return None
        touched: set[str] = set()
        for name, version in versions.items():
            if version != indexed.get(name):
                rows = await connection.fetch(
                    "SELECT entry_id FROM list_changes"
                    " WHERE name = $1 AND version > $2 AND version <= $3",
                    name,
                    indexed.get(name, 0),
                    version,
                )
                touched.update(row["entry_id"] for row in rows)
        rows = await connection.fetch(
            "SELECT entry FROM list_entries WHERE entry_id = ANY($1::text[])"
            " ORDER BY name, entry_id",
            sorted(touched),
        )
    current = _entries([row["entry"] for row in rows])
    removed = sorted(touched - {entry.entry_id for entry in current})
    return ChangedEntries(versions, current, removed)


def _entries(documents: list[str]) -> list[RestrictedPartyEntry]:
    return [entry_from_json(json.loads(document)) for document in documents]


def _json(entry: RestrictedPartyEntry) -> str:
    return json.dumps(entry_to_json(entry), ensure_ascii=False)


def _batches(entries: Sequence[RestrictedPartyEntry]) -> Iterator[Sequence[RestrictedPartyEntry]]:
    for start in range(0, len(entries), BATCH):
        yield entries[start : start + BATCH]
