"""Reading restricted-party lists: consolidated.json, CSV and the shipped seed list."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from services.screening.matching import (
    ListFormatError,
    load_list,
    load_seed_list,
    parse_consolidated,
    parse_csv,
)

RECORD = {
    "id": "abc123",
    "source": "Entity List (EL) - Bureau of Industry and Security",
    "entity_number": None,
    "type": "Entity",
    "programs": [],
    "name": "Cytrox AD",
    "alt_names": None,
    "addresses": [
        {"address": None, "city": "Skopje", "state": None, "postal_code": None, "country": "MK"}
    ],
    "federal_register_notice": "FR Doc. 2023-15343",
    "start_date": "2023-07-18",
    "end_date": None,
    "license_requirement": "For all items subject to the EAR.",
    "license_policy": "Presumption of denial.",
    "remarks": None,
    "source_list_url": "https://www.federalregister.gov/d/2023-15343",
    "ids": [{"type": "Registration", "number": "123", "country": "MK"}],
}


def test_consolidated_json_results_are_read_with_countries_from_addresses() -> None:
    [entry] = parse_consolidated({"results": [RECORD]})
    assert entry.entry_id == "abc123"
    assert entry.name == "Cytrox AD"
    assert entry.alt_names == ()
    assert entry.countries == ("MK",)
    assert entry.addresses[0].city == "Skopje"
    assert entry.ids[0].number == "123"
    assert entry.federal_register_notice == "FR Doc. 2023-15343"


def test_a_bare_list_of_records_is_accepted() -> None:
    assert parse_consolidated([RECORD])[0].name == "Cytrox AD"


def test_a_record_without_a_name_is_rejected_with_its_position() -> None:
    with pytest.raises(ListFormatError, match="record 1"):
        parse_consolidated([RECORD, {"id": "x"}])


def test_csv_alt_names_and_countries_are_separated_by_semicolons() -> None:
    text = (
        "name,alt_names,country,source,id\n"
        "Candiru,Saito Tech Ltd.;Taveta Ltd.,Israel,Seed,c-1\n"
        "Cytrox AD,,MK,Seed,\n"
    )
    candiru, cytrox = parse_csv(text)
    assert candiru.alt_names == ("Saito Tech Ltd.", "Taveta Ltd.")
    assert candiru.countries == ("IL",)
    assert cytrox.entry_id.startswith("derived:")


def test_list_files_are_read_by_suffix(tmp_path: Path) -> None:
    json_file = tmp_path / "consolidated.json"
    json_file.write_text(json.dumps({"results": [RECORD]}))
    csv_file = tmp_path / "list.csv"
    csv_file.write_text("name,country\nIntellexa S.A.,GR\n")
    assert load_list(json_file)[0].name == "Cytrox AD"
    assert load_list(csv_file, source="Partner list")[0].source == "Partner list"


def test_every_seed_entry_cites_its_federal_register_rule() -> None:
    entries = load_seed_list()
    names = {entry.name for entry in entries}
    assert {"NSO Group", "Candiru", "Positive Technologies", "Intellexa S.A."} <= names
    for entry in entries:
        assert entry.federal_register_notice
        assert entry.start_date
        assert entry.source_list_url
        assert entry.countries
