"""Restricted-party list versions: what a reload adds, changes and removes (pure, no I/O)."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, fields
from typing import Any

from services.screening.matching import Address, Identifier, RestrictedPartyEntry

JsonObject = dict[str, object]
ENTRY_FIELDS = fields(RestrictedPartyEntry)
NO_LISTS = "no lists"  # the label of a screener of PostgreSQL's lists before any was loaded


def entry_to_json(entry: RestrictedPartyEntry) -> JsonObject:
    """The entry as a JSON object (every Consolidated Screening List field)."""
    # Field by field rather than `asdict`, whose deep copies dominate loading a large list.
    data: JsonObject = {field.name: getattr(entry, field.name) for field in ENTRY_FIELDS}
    data["addresses"] = [asdict(address) for address in entry.addresses]
    data["ids"] = [asdict(identifier) for identifier in entry.ids]
    return data


def entry_from_json(data: Mapping[str, object]) -> RestrictedPartyEntry:
    """The entry back from `entry_to_json`."""
    values = dict(data)
    for name in ("alt_names", "countries", "programs"):
        values[name] = tuple(_list(values.get(name)))
    values["addresses"] = tuple(Address(**item) for item in _objects(values.get("addresses")))
    values["ids"] = tuple(Identifier(**item) for item in _objects(values.get("ids")))
    return RestrictedPartyEntry(**values)  # type: ignore[arg-type]


def _list(value: object) -> list[object]:
    return list(value) if isinstance(value, list | tuple) else []


def _objects(value: object) -> list[dict[str, Any]]:
    return [item for item in _list(value) if isinstance(item, dict)]


def entry_digest(entry: RestrictedPartyEntry) -> str:
    """A fingerprint of everything the entry says: equal digests, unchanged entry."""
    canonical = json.dumps(entry_to_json(entry), sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()


def list_label(name: str, version: int) -> str:
    """How results name a list version: `<list name>@<version>`."""
    return f"{name}@{version}"


def combined_label(versions: Mapping[str, int]) -> str:
    """The version of everything a screener matched against, list by list."""
    return "+".join(list_label(name, versions[name]) for name in sorted(versions)) or NO_LISTS


def screened_on_older(label: str, held: Mapping[str, int]) -> bool:
    """Whether a result whose lists are `label` was screened on older versions than those
    PostgreSQL now holds (`held`). Only a screener of the stored lists follows their versions
    (its label is their `combined_label`); the digest of a seed or a file's index names none."""
    follows_stored = label == NO_LISTS or "@" in label
    return bool(held) and follows_stored and label != combined_label(held)


@dataclass(frozen=True)
class ListChange:
    """One entry a list version added, changed or removed (a removed one has no entry left)."""

    entry_id: str
    change: str  # "added", "changed" or "removed"
    entry: RestrictedPartyEntry | None = None


@dataclass(frozen=True)
class ListDelta:
    """What a new version of a list changes against the current one."""

    added: tuple[RestrictedPartyEntry, ...]
    changed: tuple[RestrictedPartyEntry, ...]
    removed: tuple[str, ...]
    digests: Mapping[str, str]  # entry id -> digest, for every added or changed entry
    entries: int  # entries in the new version

    @property
    def is_empty(self) -> bool:
        """True when the new version says nothing the current one does not."""
        return not (self.added or self.changed or self.removed)

    def changes(self) -> list[ListChange]:
        """Entry by entry, what the new version adds, changes and removes."""
        return [
            *(ListChange(entry.entry_id, "added", entry) for entry in self.added),
            *(ListChange(entry.entry_id, "changed", entry) for entry in self.changed),
            *(ListChange(entry_id, "removed") for entry_id in self.removed),
        ]

    def summary(self) -> str:
        """`3 added, 1 changed, 0 removed`."""
        return f"{len(self.added)} added, {len(self.changed)} changed, {len(self.removed)} removed"


def compute_delta(current: Mapping[str, str], entries: Iterable[RestrictedPartyEntry]) -> ListDelta:
    """Compare new entries with the current digests by entry id (a repeated id: the last wins)."""
    latest = {entry.entry_id: entry for entry in entries}
    added: list[RestrictedPartyEntry] = []
    changed: list[RestrictedPartyEntry] = []
    digests: dict[str, str] = {}
    for entry_id, entry in latest.items():
        digest = entry_digest(entry)
        before = current.get(entry_id)
        if before == digest:
            continue
        (added if before is None else changed).append(entry)
        digests[entry_id] = digest
    removed = tuple(entry_id for entry_id in current if entry_id not in latest)
    return ListDelta(tuple(added), tuple(changed), removed, digests, len(latest))
