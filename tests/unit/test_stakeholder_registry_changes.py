"""Operators' changes to the stakeholder registry are validated, or refused saying why."""

from __future__ import annotations

import pytest

from schemas.consultation import StakeholderKind
from services.consultation.registry import (
    RegistryRefused,
    new_entry,
    updated,
    with_conflict,
    without_conflict,
)
from services.consultation.registry_store import FACTS, fact


def test_a_valid_stakeholder_is_registered_with_its_codes_upper_cased() -> None:
    entry = new_entry(
        "de-bafa", name="BAFA", kind="partner_state", channel="gateway:bafa", state="de"
    )

    assert entry.kind is StakeholderKind.PARTNER_STATE
    assert entry.state == "DE"
    assert new_entry(
        "ind-x", name="X", kind="industry", channel="c", regions=["ae"]
    ).expertise.regions == {"AE"}


def test_an_unknown_kind_is_refused_naming_the_kinds_there_are() -> None:
    with pytest.raises(RegistryRefused, match="unknown kind 'ngo': one of agency, partner_state"):
        new_entry("x", name="X", kind="ngo", channel="c")


@pytest.mark.parametrize(
    ("state", "regions", "complaint"),
    [
        ("XX", [], "'XX' is not an ISO 3166-1 alpha-2 country code"),
        (None, [], "a partner state needs --state"),
        ("DE", ["ZZ"], "'ZZ' is not an ISO 3166-1 alpha-2 country code"),
    ],
)
def test_a_bad_or_missing_country_code_is_refused(
    state: str | None, regions: list[str], complaint: str
) -> None:
    with pytest.raises(RegistryRefused, match=complaint):
        new_entry("x", name="X", kind="partner_state", channel="c", state=state, regions=regions)


def test_only_a_partner_state_has_a_state() -> None:
    with pytest.raises(RegistryRefused, match="only a partner state has a --state"):
        new_entry("x", name="X", kind="agency", channel="c", state="DE")


@pytest.mark.parametrize("bad", ["Has Spaces", "UPPER", "-leading-dash", ""])
def test_an_id_other_than_lower_case_digits_and_dashes_is_refused(bad: str) -> None:
    with pytest.raises(RegistryRefused, match=r"^id: "):
        new_entry(bad, name="X", kind="agency", channel="c")


def test_an_unknown_technology_category_is_refused() -> None:
    with pytest.raises(RegistryRefused, match=r"expertise\.technology_categories"):
        new_entry("x", name="X", kind="industry", channel="c", technologies=["rayguns"])


def test_an_update_replaces_what_it_names_and_an_empty_one_is_refused() -> None:
    entry = new_entry("x", name="X", kind="industry", channel="c", regions=["AE"])

    changed = updated(entry, channel="gateway:new", technologies=["spyware"])

    assert changed.channel == "gateway:new"
    assert changed.expertise.technology_categories == {"spyware"}
    assert changed.expertise.regions == {"AE"}
    with pytest.raises(RegistryRefused, match="nothing to change"):
        updated(changed, channel="gateway:new")


def test_a_conflict_is_declared_once_and_a_country_must_be_a_real_one() -> None:
    entry = new_entry("x", name="X", kind="industry", channel="c")

    declared = with_conflict(entry, "party", "Cascade Biometrics Inc", "board seat")
    again = with_conflict(declared, "country", "ae", "office there")

    assert [(c.kind, c.value) for c in again.conflicts] == [
        ("party", "Cascade Biometrics Inc"),
        ("country", "AE"),
    ]
    with pytest.raises(RegistryRefused, match="already"):
        with_conflict(again, "party", "cascade biometrics inc", "again")
    with pytest.raises(RegistryRefused, match="'QQ' is not an ISO"):
        with_conflict(entry, "country", "QQ", "nowhere")


def test_a_declared_conflict_is_withdrawn_by_kind_and_value_and_an_unknown_one_refused() -> None:
    entry = with_conflict(
        with_conflict(new_entry("x", name="X", kind="industry", channel="c"), "country", "AE", "n"),
        "party",
        "Cascade Biometrics Inc",
        "board seat",
    )

    withdrawn = without_conflict(entry, "party", " cascade biometrics inc ")

    assert [(c.kind, c.value) for c in withdrawn.conflicts] == [("country", "AE")]
    assert [(c.kind, c.value) for c in without_conflict(entry, "country", "ae").conflicts] == [
        ("party", "Cascade Biometrics Inc")
    ]
    with pytest.raises(RegistryRefused, match="x has declared no conflict with party Cascade"):
        without_conflict(withdrawn, "party", "Cascade Biometrics Inc")
    with pytest.raises(RegistryRefused, match="no conflict with party AE"):
        without_conflict(entry, "party", "AE")


def test_each_change_is_told_by_its_own_event_with_the_entry_as_it_now_reads() -> None:
    entry = with_conflict(
        new_entry("x", name="X", kind="industry", channel="c", regions=["AE", "NP"]),
        "party",
        "Cascade Biometrics Inc",
        "board seat",
    )

    told = {action: fact(entry, action, "registrar-1", "why") for action in FACTS}

    assert {action: type(event).__name__ for action, event in told.items()} == {
        "added": "StakeholderRegistered",
        "updated": "StakeholderUpdated",
        "conflict": "StakeholderConflictDeclared",
        "conflict-withdrawn": "StakeholderConflictWithdrawn",
        "disabled": "StakeholderDisabled",
        "enabled": "StakeholderEnabled",
    }
    assert told["added"].regions == ["AE", "NP"]
    assert [c.value for c in told["conflict"].conflicts] == ["Cascade Biometrics Inc"]
