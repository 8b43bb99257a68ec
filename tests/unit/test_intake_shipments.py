"""Shipment reports at intake: one of the agency's own licences, or refused saying why."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date
from decimal import Decimal
from typing import Any

from entrypoints.samples import sample_applications, submission
from schemas.envelope import Envelope
from schemas.licences import ReportShipment, ShipmentLine
from schemas.topics import CASES, agency_topic
from services.intake.ports import Outcome
from tests.unit.fakes import FakeIntakeStore
from tests.unit.test_intake_registration import events, handle, raw

APPLICATION = sample_applications()[0]


def report(**changes: Any) -> ReportShipment:
    shipment = ReportShipment(
        submitting_agency=APPLICATION.submitting_agency,
        agency_reference=APPLICATION.agency_reference,
        licence_number="LIC-Z100001",
        shipment_reference="SHIP-7",
        shipped_on=date(2027, 1, 4),
        consignee="Kyoto University",
        destination_country="JP",
        lines=[
            ShipmentLine(
                control_code="EAR99", quantity=Decimal(3), value=Decimal(25_200), currency="EUR"
            )
        ],
    )
    return shipment.model_copy(update=changes)


def envelope(shipment: ReportShipment) -> bytes:
    return Envelope.wrap(
        shipment,
        source="agency-gateway",
        subject=f"{shipment.submitting_agency}:{shipment.agency_reference}",
        correlation_id="shipment-test",
    ).to_bytes()


async def decided_case(store: FakeIntakeStore, outcome: str | None) -> None:
    assert await handle(raw(submission(APPLICATION).to_bytes()), store) == Outcome.REGISTERED
    key = (APPLICATION.submitting_agency, APPLICATION.agency_reference)
    store.cases[key] = replace(store.cases[key], closed=outcome is not None, outcome=outcome)


async def test_a_shipment_against_the_agencys_approved_case_goes_to_its_licence() -> None:
    store = FakeIntakeStore()
    await decided_case(store, "approved")
    outcome = await handle(raw(envelope(report()), offset=1), store)
    assert outcome == Outcome.SHIPMENT_REPORTED
    [reported] = events(store, "ShipmentReported.v1", CASES.name)
    assert reported["data"]["control_number"] == "Z100001"
    assert reported["data"]["shipment"]["shipment_reference"] == "SHIP-7"
    assert reported["subject"] == reported["data"]["case_id"]


async def test_a_shipment_reported_twice_goes_to_the_licence_once() -> None:
    store = FakeIntakeStore()
    await decided_case(store, "approved_with_conditions")
    body = envelope(report())
    first = await handle(raw(body, offset=1), store)
    second = await handle(raw(body, offset=2), store)
    assert (first, second) == (Outcome.SHIPMENT_REPORTED, Outcome.ALREADY_PROCESSED)
    assert len(events(store, "ShipmentReported.v1", CASES.name)) == 1


async def test_a_shipment_against_a_case_without_a_licence_is_refused() -> None:
    for outcome, said in [(None, "not decided"), ("denied", "denied")]:
        store = FakeIntakeStore()
        await decided_case(store, outcome)
        assert await handle(raw(envelope(report()), offset=1), store) == Outcome.REJECTED
        [refusal] = events(store, "SubmissionRejected.v1", agency_topic("DE-BAFA").name)
        [deficiency] = refusal["data"]["deficiencies"]
        assert deficiency["code"] == "unknown_licence"
        assert deficiency["message"] == f"case Z100001 has no licence: it is {said}"


async def test_a_licence_number_not_of_the_case_is_refused_naming_the_right_one() -> None:
    store = FakeIntakeStore()
    await decided_case(store, "approved")
    await handle(raw(envelope(report(licence_number="LIC-Z999999")), offset=1), store)
    [refusal] = events(store, "SubmissionRejected.v1")
    [deficiency] = refusal["data"]["deficiencies"]
    assert deficiency["path"] == "$.data.licence_number"
    assert "is not the licence of case Z100001 (that is LIC-Z100001)" in deficiency["message"]


async def test_a_deficient_report_is_refused_with_every_deficiency() -> None:
    store = FakeIntakeStore()
    await decided_case(store, "approved")
    document = json.loads(envelope(report()))
    document["data"]["lines"] = [{"control_code": "5X", "quantity": -1, "currency": "EUR"}]
    del document["data"]["shipped_on"]
    await handle(raw(json.dumps(document).encode(), offset=1), store)
    [refusal] = events(store, "SubmissionRejected.v1")
    paths = {deficiency["path"] for deficiency in refusal["data"]["deficiencies"]}
    assert {
        "$.data.shipped_on",
        "$.data.lines[0].control_code",
        "$.data.lines[0].quantity",
        "$.data.lines[0].value",
    } <= paths
    assert events(store, "ShipmentReported.v1") == []


async def test_an_agency_cannot_report_a_shipment_under_another_agencys_licence() -> None:
    store = FakeIntakeStore()
    await decided_case(store, "approved")
    await handle(raw(envelope(report()), offset=1, agency="NL-CDIU"), store)
    [refusal] = events(store, "SubmissionRejected.v1")
    assert [d["code"] for d in refusal["data"]["deficiencies"]] == ["not_your_case"]
    assert events(store, "ShipmentReported.v1") == []
