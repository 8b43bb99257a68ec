"""Read restricted-party lists: the Consolidated Screening List JSON export and a simple CSV."""

from __future__ import annotations

import csv
import hashlib
import io
import json
from collections.abc import Iterable, Mapping
from pathlib import Path

import pycountry

from services.screening.matching.model import Address, Identifier, RestrictedPartyEntry

SEED_LIST = Path(__file__).parent.parent / "data" / "entity_list_human_rights.json"


class ListFormatError(ValueError):
    """A list file or record that cannot be read as a restricted-party list."""


def load_seed_list() -> list[RestrictedPartyEntry]:
    """The shipped seed: human-rights designations on the US Entity List (2021-2023)."""
    return load_list(SEED_LIST)


def load_list(path: Path, source: str | None = None) -> list[RestrictedPartyEntry]:
    """Read a `.json` (consolidated.json) or `.csv` list; `source` fills records without one."""
    text = path.read_text(encoding="utf-8-sig")
    if path.suffix.lower() == ".csv":
        return parse_csv(text, source)
    try:
        return parse_consolidated(json.loads(text), source)
    except json.JSONDecodeError as error:
        raise ListFormatError(f"{path}: not JSON ({error})") from error


def parse_consolidated(data: object, source: str | None = None) -> list[RestrictedPartyEntry]:
    """Entries from a consolidated.json document: {"results": [...]} or a bare list."""
    records = data.get("results") if isinstance(data, Mapping) else data
    if not isinstance(records, list):
        raise ListFormatError("expected a list of records or an object with 'results'")
    return [
        _consolidated_entry(record, position, source) for position, record in enumerate(records)
    ]


def parse_csv(text: str, source: str | None = None) -> list[RestrictedPartyEntry]:
    """Entries from a CSV with a header: name, alt_names (';'), country (';'), source, id, ..."""
    reader = csv.DictReader(io.StringIO(text))
    entries = []
    for line, row in enumerate(reader, start=2):
        record = {(key or "").strip().lower(): (value or "").strip() for key, value in row.items()}
        if not record.get("name"):
            raise ListFormatError(f"CSV line {line}: no name")
        countries = _countries(_split(record.get("country", "")))
        entries.append(
            RestrictedPartyEntry(
                source=record.get("source") or source or "unknown list",
                entry_id=record.get("id") or _derived_id(record["name"], countries),
                name=record["name"],
                alt_names=tuple(_split(record.get("alt_names", ""))),
                countries=tuple(countries),
                entity_number=record.get("entity_number") or None,
                type=record.get("type") or None,
                programs=tuple(_split(record.get("programs", ""))),
                federal_register_notice=record.get("federal_register_notice") or None,
                start_date=record.get("start_date") or None,
                remarks=record.get("remarks") or None,
                source_list_url=record.get("source_list_url") or None,
            )
        )
    return entries


def _consolidated_entry(record: object, position: int, source: str | None) -> RestrictedPartyEntry:
    where = f"record {position}"
    if not isinstance(record, Mapping) or not isinstance(record.get("name"), str):
        raise ListFormatError(f"{where}: not an object with a name")
    addresses = tuple(_address(item, where) for item in record.get("addresses") or ())
    countries = list(dict.fromkeys(a.country for a in addresses if a.country))
    name = record["name"].strip()
    return RestrictedPartyEntry(
        source=_text(record.get("source")) or source or "unknown list",
        entry_id=_text(record.get("id")) or _derived_id(name, countries),
        name=name,
        alt_names=tuple(n.strip() for n in record.get("alt_names") or () if isinstance(n, str)),
        countries=tuple(countries),
        addresses=addresses,
        entity_number=_text(record.get("entity_number")),
        type=_text(record.get("type")),
        programs=tuple(p for p in record.get("programs") or () if isinstance(p, str)),
        federal_register_notice=_text(record.get("federal_register_notice")),
        start_date=_text(record.get("start_date")),
        end_date=_text(record.get("end_date")),
        license_requirement=_text(record.get("license_requirement")),
        license_policy=_text(record.get("license_policy")),
        remarks=_text(record.get("remarks")),
        source_list_url=_text(record.get("source_list_url")),
        ids=tuple(
            _identifier(item) for item in record.get("ids") or () if isinstance(item, Mapping)
        ),
    )


def _address(item: object, where: str) -> Address:
    if not isinstance(item, Mapping):
        raise ListFormatError(f"{where}: an address is not an object")
    return Address(
        address=_text(item.get("address")),
        city=_text(item.get("city")),
        state=_text(item.get("state")),
        postal_code=_text(item.get("postal_code")),
        country=_country(_text(item.get("country"))),
    )


def _identifier(item: Mapping[str, object]) -> Identifier:
    return Identifier(
        type=_text(item.get("type")) or "",
        number=_text(item.get("number")) or "",
        country=_text(item.get("country")),
    )


def _countries(values: Iterable[str | None]) -> list[str]:
    return list(dict.fromkeys(code for value in values if (code := _country(value))))


def _country(value: str | None) -> str | None:
    """ISO alpha-2 from a code or a country name ("IL", "Israel", "ISR"); unknown names: None."""
    if not value or not value.strip():
        return None
    value = value.strip()
    if len(value) == 2 and value.isalpha():
        return value.upper()  # lists use codes outside ISO too (XK for Kosovo)
    try:
        return str(pycountry.countries.lookup(value).alpha_2)
    except LookupError:
        return None


def _text(value: object) -> str | None:
    if value is None or value == "":
        return None
    return str(value).strip()


def _split(value: str) -> list[str]:
    return [part.strip() for part in value.split(";") if part.strip()]


def _derived_id(name: str, countries: Iterable[str]) -> str:
    """A stable id for records that carry none: a digest of name and countries."""
    digest = hashlib.sha256("|".join([name, *countries]).encode()).hexdigest()
    return f"derived:{digest[:20]}"
