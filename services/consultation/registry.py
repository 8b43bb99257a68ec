"""The stakeholder registry as operators change it: each change validated, or refused saying why.
No I/O."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Literal

from pydantic import TypeAdapter, ValidationError

from schemas.consultation import StakeholderKind
from schemas.types import CountryCode
from services.consultation.policy import DeclaredConflict, StakeholderEntry


class RegistryRefused(Exception):
    """A change the registry does not take; the message says why."""


class UnknownStakeholder(RegistryRefused):
    """No stakeholder of that id is registered."""


class RegistryConflict(RegistryRefused):
    """A change at odds with the registry as it stands (taken id, already disabled, ...)."""


def new_entry(
    stakeholder_id: str,
    *,
    name: str,
    kind: str,
    channel: str,
    state: str | None = None,
    technologies: Sequence[str] = (),
    regions: Sequence[str] = (),
) -> StakeholderEntry:
    """A stakeholder to add, validated (kind, country codes, expertise, id)."""
    known = [k.value for k in StakeholderKind]
    if kind not in known:
        raise RegistryRefused(f"unknown kind '{kind}': one of {', '.join(known)}")
    return _entry(
        {
            "id": stakeholder_id,
            "name": name,
            "kind": kind,
            "channel": channel,
            "state": state.upper() if state else None,
            "expertise": {"technology_categories": technologies, "regions": _upper(regions)},
        }
    )


def updated(
    entry: StakeholderEntry,
    *,
    name: str | None = None,
    channel: str | None = None,
    technologies: Sequence[str] | None = None,
    regions: Sequence[str] | None = None,
) -> StakeholderEntry:
    """The entry with the given fields replaced (expertise lists replaced whole)."""
    fields = entry.model_dump(mode="json")
    if name is not None:
        fields["name"] = name
    if channel is not None:
        fields["channel"] = channel
    if technologies is not None:
        fields["expertise"]["technology_categories"] = list(technologies)
    if regions is not None:
        fields["expertise"]["regions"] = _upper(regions)
    changed = _entry(fields)
    if changed == entry:
        raise RegistryConflict(f"nothing to change: {entry.id} already reads so")
    return changed


def with_conflict(
    entry: StakeholderEntry, kind: Literal["party", "country"], value: str, note: str
) -> StakeholderEntry:
    """The entry with one more declared conflict of interest (a case party or a destination)."""
    value = value.strip().upper() if kind == "country" else value.strip()
    if kind == "country":
        _country(value)
    if any(c.kind == kind and c.value.casefold() == value.casefold() for c in entry.conflicts):
        raise RegistryConflict(f"{entry.id} has declared a conflict with {kind} {value} already")
    try:
        conflict = DeclaredConflict(kind=kind, value=value, note=note)
    except ValidationError as error:
        raise RegistryRefused(_explained(error)) from error
    return entry.model_copy(update={"conflicts": (*entry.conflicts, conflict)})


def without_conflict(
    entry: StakeholderEntry, kind: Literal["party", "country"], value: str
) -> StakeholderEntry:
    """The entry with a declared conflict of interest withdrawn; refused if none such."""
    named = value.strip().casefold()
    kept = tuple(c for c in entry.conflicts if (c.kind, c.value.casefold()) != (kind, named))
    if len(kept) == len(entry.conflicts):
        raise RegistryConflict(f"{entry.id} has declared no conflict with {kind} {value.strip()}")
    return entry.model_copy(update={"conflicts": kept})


def _entry(fields: dict[str, Any]) -> StakeholderEntry:
    if fields["kind"] == StakeholderKind.PARTNER_STATE and not fields.get("state"):
        raise RegistryRefused("a partner state needs --state, its ISO 3166-1 alpha-2 code")
    if fields["kind"] != StakeholderKind.PARTNER_STATE and fields.get("state"):
        raise RegistryRefused("only a partner state has a --state")
    try:
        return StakeholderEntry.model_validate(fields)
    except ValidationError as error:
        raise RegistryRefused(_explained(error)) from error


def _explained(error: ValidationError) -> str:
    """Each problem on a line, named by its field as the operator typed it."""
    return "\n".join(
        f"{'.'.join(str(part) for part in problem['loc'] if not isinstance(part, int))}: "
        f"{problem['msg']}"
        for problem in error.errors()
    )


def _country(code: str) -> None:
    try:
        TypeAdapter(CountryCode).validate_python(code)
    except ValidationError as error:
        raise RegistryRefused(f"country: {error.errors()[0]['msg']}") from error


def _upper(codes: Sequence[str]) -> list[str]:
    return [code.strip().upper() for code in codes]
