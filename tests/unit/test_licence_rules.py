"""The licence an approval grants, and the checks every reported shipment goes through."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from pydantic import ValidationError

from entrypoints.samples import sample_applications
from schemas.licences import LicenceStatus, LicensedItem, ReportShipment, ShipmentLine
from workflows.licence_policy import (
    DEFAULT_LICENCE_POLICY,
    LicencePolicy,
    load_licence_policy,
)
from workflows.licence_rules import (
    after_shipment,
    conditions_of,
    licensed_items,
    next_due,
    shipment_problems,
    valid_until,
)

ISSUED = datetime(2026, 12, 6, 10, 0, tzinfo=UTC)
POLICY = load_licence_policy()
ANALYSERS = LicensedItem(
    control_code="EAR99",
    description="Benchtop spectrum analyser",
    quantity=Decimal(12),
    value=Decimal(100_800),
    currency="EUR",
)


def shipment(*lines: ShipmentLine, shipped_on: date = date(2027, 1, 15)) -> ReportShipment:
    return ReportShipment(
        submitting_agency="DE-BAFA",
        agency_reference="BAFA-2026-0412",
        licence_number="LIC-Z100001",
        shipment_reference="SHIP-1",
        shipped_on=shipped_on,
        consignee="Kyoto University",
        destination_country="JP",
        lines=list(lines),
    )


def line(quantity: int, value: int, code: str = "EAR99", currency: str = "EUR") -> ShipmentLine:
    return ShipmentLine(
        control_code=code, quantity=Decimal(quantity), value=Decimal(value), currency=currency
    )


def problems(
    report: ReportShipment,
    status: LicenceStatus = LicenceStatus.VALID,
    remaining: list[LicensedItem] | None = None,
) -> list[str]:
    return shipment_problems(
        report,
        status=status,
        remaining=remaining or [ANALYSERS],
        destination_country="JP",
        valid_from=ISSUED,
        valid_until=valid_until(ISSUED, POLICY.validity.validity_years),
    )


def test_the_shipped_policy_issues_licences_for_four_years_under_15_cfr_750_7_g() -> None:
    stored = json.loads(DEFAULT_LICENCE_POLICY.read_text())
    assert POLICY.validity.validity_years == 4
    assert POLICY.validity.source == "15 CFR 750.7(g)"
    assert "15 CFR 750.7(g)" in stored["sources"]
    assert valid_until(ISSUED, 4) == datetime(2030, 12, 6, 10, 0, tzinfo=UTC)


def test_an_eu_individual_authorisation_is_valid_for_two_years(tmp_path: Path) -> None:
    stored = json.loads(DEFAULT_LICENCE_POLICY.read_text())
    stored["regime"] = "eu_individual"
    path = tmp_path / "policy.json"
    path.write_text(json.dumps(stored))
    policy = load_licence_policy(path)
    assert (policy.validity.validity_years, policy.validity.source) == (
        2,
        "EU 2021/821 Art. 12(2)",
    )


def test_a_policy_naming_an_unknown_regime_or_an_uncited_source_is_refused(
    tmp_path: Path,
) -> None:
    with pytest.raises(ValidationError, match="regime 'uk' is not one of the regimes"):
        LicencePolicy(regime="uk")
    stored = json.loads(DEFAULT_LICENCE_POLICY.read_text())
    del stored["sources"]["15 CFR 750.7(g)"]
    path = tmp_path / "policy.json"
    path.write_text(json.dumps(stored))
    with pytest.raises(ValidationError, match="not among the file's sources"):
        load_licence_policy(path)


def test_a_licence_issued_on_29_february_ends_on_28_february() -> None:
    leap = datetime(2028, 2, 29, tzinfo=UTC)
    assert valid_until(leap, 2) == datetime(2030, 2, 28, tzinfo=UTC)


def test_the_licensed_items_are_the_applications_lines_with_their_ceilings() -> None:
    application = sample_applications()[0]
    [item] = licensed_items(application)
    assert (item.control_code, item.quantity, item.value, item.currency) == (
        "EAR99",
        Decimal(12),
        Decimal(100_800),
        "EUR",
    )


def test_tracked_conditions_get_due_dates_and_others_do_not() -> None:
    conditions = conditions_of(
        [
            "End-use certificate signed by the end user",
            "No re-export",
            "Post-shipment verification",
        ],
        ISSUED,
        POLICY,
    )
    assert [(c.kind, c.due_at) for c in conditions] == [
        ("end_use_certificate", ISSUED + timedelta(days=90)),
        ("other", None),
        ("post_shipment_verification", ISSUED + timedelta(days=180)),
    ]
    assert next_due(conditions, POLICY.reminder_before) == ISSUED + timedelta(days=90 - 14)


def test_a_shipment_within_what_is_left_fits_and_reduces_it() -> None:
    report = shipment(line(5, 42_000))
    assert problems(report) == []
    [left] = after_shipment([ANALYSERS], report.lines)
    assert (left.quantity, left.value) == (Decimal(7), Decimal(58_800))


def test_a_shipment_over_the_quantity_left_is_refused_saying_how_much_is_left() -> None:
    assert problems(
        shipment(line(8, 60_000)), remaining=[after_shipment([ANALYSERS], [line(5, 1)])[0]]
    ) == ["EAR99: 8 units exceed the 7 left on the licence"]


def test_a_shipment_over_the_value_left_is_refused() -> None:
    assert problems(shipment(line(2, 200_000))) == [
        "EAR99: 200000 EUR exceed the 100800 EUR left on the licence"
    ]


def test_lines_are_added_up_before_they_are_compared_with_what_is_left() -> None:
    assert problems(shipment(line(7, 1_000), line(6, 1_000))) == [
        "EAR99: 13 units exceed the 12 left on the licence"
    ]


def test_every_reason_is_listed_item_not_licensed_after_expiry_destination_and_suspension() -> None:
    report = shipment(line(1, 1, code="5A001.j"), shipped_on=date(2031, 1, 1)).model_copy(
        update={"destination_country": "CN"}
    )
    assert problems(report, LicenceStatus.SUSPENDED) == [
        "the licence is suspended: no shipment may be made under it",
        "shipped on 2031-01-01, after the licence expired (2030-12-06)",
        "destination CN is not the licensed destination JP",
        "lines[0]: 5A001.j in EUR is not an item of the licence",
    ]


def test_a_shipment_before_issue_is_refused() -> None:
    assert problems(shipment(line(1, 1), shipped_on=date(2026, 12, 1))) == [
        "shipped on 2026-12-01, before the licence was issued"
    ]


def test_a_licence_under_review_still_takes_shipments_and_a_revoked_one_does_not() -> None:
    assert problems(shipment(line(1, 1)), LicenceStatus.UNDER_REVIEW) == []
    assert problems(shipment(line(1, 1)), LicenceStatus.REVOKED) == [
        "the licence is revoked: no shipment may be made under it"
    ]
