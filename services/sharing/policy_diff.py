"""How a partner's policy part differs from ours, key by key, and our part with chosen keys taken
from theirs; pure rules, no I/O.

A key is a top-level entry of the document, or one entry of a top-level mapping written
`mapping/entry` (`control_codes/4A005`, `destinations/AE`, `disclosure/civil_society`); lists
and plain values are compared whole. `version` and `_`-prefixed notes are not policy."""

from __future__ import annotations

import copy
from dataclasses import dataclass
from enum import StrEnum

from pydantic import JsonValue

Document = dict[str, JsonValue]
SEPARATOR = "/"


class Change(StrEnum):
    """How a key of theirs stands against ours."""

    ADDED = "added"  # theirs has it, we do not
    REMOVED = "removed"  # we have it, theirs does not
    CHANGED = "changed"  # both, with different values


@dataclass(frozen=True)
class KeyChange:
    """One key that differs, with both values (None where absent)."""

    key: str
    change: Change
    ours: JsonValue
    theirs: JsonValue


class AdoptionRefused(Exception):
    """An adoption not made; every problem is listed and nothing changed."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


def _is_policy(key: str) -> bool:
    return key != "version" and not key.startswith("_")


def flatten(document: Document) -> dict[str, JsonValue]:
    """The document's keys and values, one level of mapping deep."""
    flat: dict[str, JsonValue] = {}
    for key, value in document.items():
        if not _is_policy(key):
            continue
        if isinstance(value, dict) and value:
            for entry, inner in value.items():
                flat[f"{key}{SEPARATOR}{entry}"] = inner
        else:
            flat[key] = value
    return flat


def diff(ours: Document, theirs: Document) -> list[KeyChange]:
    """Every key whose value differs, in key order."""
    mine, other = flatten(ours), flatten(theirs)
    changes = []
    for key in sorted(mine.keys() | other.keys()):
        if key not in mine:
            changes.append(KeyChange(key, Change.ADDED, None, other[key]))
        elif key not in other:
            changes.append(KeyChange(key, Change.REMOVED, mine[key], None))
        elif mine[key] != other[key]:
            changes.append(KeyChange(key, Change.CHANGED, mine[key], other[key]))
    return changes


def adopt(ours: Document, theirs: Document, keys: list[str], version: str) -> Document:
    """Our document with each of `keys` set as theirs has it (or removed where theirs has
    none), under `version`; `AdoptionRefused` names every key that is not a difference."""
    differences = {change.key: change for change in diff(ours, theirs)}
    unknown = [key for key in keys if key not in differences]
    if unknown:
        raise AdoptionRefused(
            [f"{key!r} is not a key where the bundle differs from the policy in force"
             for key in unknown]
        )  # fmt: skip
    adopted = copy.deepcopy(ours)
    for key in keys:
        change = differences[key]
        top, _, entry = key.partition(SEPARATOR)
        if not entry:
            if change.change is Change.REMOVED:
                adopted.pop(top, None)
            else:
                adopted[top] = copy.deepcopy(change.theirs)
            continue
        mapping = adopted.get(top)
        if not isinstance(mapping, dict):
            mapping = adopted[top] = {}
        if change.change is Change.REMOVED:
            mapping.pop(entry, None)
        else:
            mapping[entry] = copy.deepcopy(change.theirs)
    adopted["version"] = version
    return adopted
