"""Restricted-party list entries and the hits screening reports against them."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Address:
    """One address of a list entry (Consolidated Screening List fields)."""

    address: str | None = None
    city: str | None = None
    state: str | None = None
    postal_code: str | None = None
    country: str | None = None  # ISO 3166-1 alpha-2


@dataclass(frozen=True, slots=True)
class Identifier:
    """An identifying document or registration number of a list entry."""

    type: str
    number: str
    country: str | None = None


@dataclass(frozen=True, slots=True)
class RestrictedPartyEntry:
    """One entry of a restricted-party list, as the Consolidated Screening List describes it."""

    source: str
    entry_id: str
    name: str
    alt_names: tuple[str, ...] = ()
    countries: tuple[str, ...] = ()  # ISO 3166-1 alpha-2, from the addresses and the entry
    addresses: tuple[Address, ...] = ()
    entity_number: str | None = None
    type: str | None = None
    programs: tuple[str, ...] = ()
    federal_register_notice: str | None = None
    start_date: str | None = None
    end_date: str | None = None
    license_requirement: str | None = None
    license_policy: str | None = None
    remarks: str | None = None
    source_list_url: str | None = None
    ids: tuple[Identifier, ...] = ()

    @property
    def names(self) -> tuple[str, ...]:
        """The primary name followed by the alternative names."""
        return (self.name, *self.alt_names)


@dataclass(frozen=True, slots=True)
class Hit:
    """A party matched a list entry: which one, through which name, how well and why."""

    list_source: str
    entry_id: str
    entry_name: str
    matched_name: str
    score: float
    explanation: str
