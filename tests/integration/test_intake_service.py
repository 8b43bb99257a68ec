"""Intake against the real broker and PostgreSQL: registration, duplicates, refusals."""

from __future__ import annotations

import json
import logging
import uuid
from collections.abc import AsyncIterator, Callable
from typing import Any

import asyncpg
import pytest

from caseflow.logging import quiet_libraries
from caseflow.settings import Endpoints, Settings
from entrypoints.agency_client import publish_submissions
from entrypoints.samples import sample_applications, submission
from schemas.application import AmendApplication, WithdrawApplication
from schemas.envelope import Contract, Envelope
from schemas.topics import CASES, REJECTIONS
from services.intake.bootstrap import bootstrap as intake_app
from tests.support import collect, intake_standing

pytestmark = pytest.mark.integration


@pytest.fixture
async def intake(stack_settings: Settings, stack_endpoints: Endpoints) -> AsyncIterator[None]:
    async with intake_app(stack_settings):
        yield


async def test_a_submission_delivered_twice_gives_one_case(
    intake: None, stack_endpoints: Endpoints
) -> None:
    application = sample_applications(f"-{uuid.uuid4().hex[:6]}")[0]
    envelope = submission(application)
    message = (envelope.subject, envelope.to_bytes())
    await publish_submissions(stack_endpoints.kafka, [message, message])

    def this_case(event: dict[str, object]) -> bool:
        data = event["data"]
        assert isinstance(data, dict)
        return event["type"] == "CaseReceived.v1" and (
            data["application"]["agency_reference"] == application.agency_reference
        )

    received = await collect(
        stack_endpoints.kafka, CASES.name, lambda seen: len(seen) >= 1, where=this_case, linger=3
    )
    assert len(received) == 1
    connection = await asyncpg.connect(stack_endpoints.database)
    try:
        count = await connection.fetchval(
            "SELECT count(*) FROM intake.applications WHERE agency_reference = $1",
            application.agency_reference,
        )
    finally:
        await connection.close()
    assert count == 1
    connection = await asyncpg.connect(stack_endpoints.database)
    try:
        stored = await connection.fetchval(
            "SELECT correlation_id FROM intake.applications WHERE agency_reference = $1",
            application.agency_reference,
        )
    finally:
        await connection.close()
    assert stored == envelope.correlation_id


async def test_a_malformed_submission_is_refused_listing_every_deficiency_and_intake_goes_on(
    intake: None, stack_endpoints: Endpoints
) -> None:
    reference = f"BROKEN-{uuid.uuid4().hex[:6]}"
    broken = (
        b'{"type": "SubmitApplication.v1", "data": {"submitting_agency": "DE-BAFA", '
        b'"agency_reference": "' + reference.encode() + b'", "destination_country": "XX"}}'
    )
    follow_up = submission(sample_applications(f"-{uuid.uuid4().hex[:6]}")[2])
    await publish_submissions(
        stack_endpoints.kafka,
        [
            ("garbage", b"\xff\xfe not json"),
            (reference, broken),
            (follow_up.subject, follow_up.to_bytes()),
        ],
    )
    [rejection] = await collect(
        stack_endpoints.kafka,
        REJECTIONS.name,
        lambda seen: len(seen) >= 1,
        where=lambda event: event["data"]["agency_reference"] == reference,
    )
    deficiencies = {(d["code"], d["path"]) for d in rejection["data"]["deficiencies"]}
    assert {
        ("missing_field", "$.id"),
        ("missing_field", "$.data.applicant"),
        ("missing_field", "$.data.items"),
        ("unknown_country", "$.data.destination_country"),
    } <= deficiencies
    await collect(
        stack_endpoints.kafka,
        CASES.name,
        lambda seen: len(seen) >= 1,
        where=lambda event: (
            event["type"] == "CaseReceived.v1"
            and event["data"]["application"]["agency_reference"] == follow_up.data.agency_reference
        ),
    )


def envelope_of(data: Contract) -> tuple[str, bytes]:
    subject = f"{data.submitting_agency}:{data.agency_reference}"  # type: ignore[attr-defined]
    envelope = Envelope.wrap(data, source="agency-gateway", subject=subject, correlation_id="c")
    return envelope.subject, envelope.to_bytes()


def about(reference: str, kind: str) -> Callable[[dict[str, Any]], bool]:
    def matches(event: dict[str, Any]) -> bool:
        return event["type"] == kind and reference in json.dumps(event["data"])

    return matches


async def test_an_agency_amends_then_withdraws_its_case_and_can_then_change_nothing(
    intake: None, stack_endpoints: Endpoints
) -> None:
    application = sample_applications(f"-{uuid.uuid4().hex[:6]}")[3]
    reference = application.agency_reference
    moved = application.model_copy(update={"destination_country": "AR"})
    amend = AmendApplication(
        submitting_agency=application.submitting_agency,
        agency_reference=reference,
        reason="Tender moved to Buenos Aires",
        application=moved,
    )
    withdraw = WithdrawApplication(
        submitting_agency=application.submitting_agency,
        agency_reference=reference,
        reason="Tender cancelled",
    )
    await publish_submissions(
        stack_endpoints.kafka,
        [
            envelope_of(application),
            envelope_of(amend),
            envelope_of(withdraw),
            envelope_of(withdraw),
        ],
    )
    [amended] = await collect(
        stack_endpoints.kafka,
        CASES.name,
        lambda seen: len(seen) >= 1,
        where=about(reference, "CaseAmended.v1"),
    )
    assert amended["data"]["changes"] == [
        {"path": "$.destination_country", "before": '"CL"', "after": '"AR"'}
    ]
    await collect(
        stack_endpoints.kafka,
        CASES.name,
        lambda seen: len(seen) >= 1,
        where=about(amended["data"]["case_id"], "CaseWithdrawn.v1"),
    )
    [refusal] = await collect(
        stack_endpoints.kafka,
        REJECTIONS.name,
        lambda seen: len(seen) >= 1,
        where=about(reference, "SubmissionRejected.v1"),
    )
    assert [d["code"] for d in refusal["data"]["deficiencies"]] == ["case_closed"]
    standing, refusals = await intake_standing(
        stack_endpoints.database, application.submitting_agency, reference
    )
    assert standing is not None
    # The LicenseCase workflow, when it runs, then ends the case as decided with that outcome.
    assert standing.outcome == "withdrawn"
    assert standing.status in {"withdrawn", "decided"}
    assert [r.codes for r in refusals] == [["case_closed"]]


async def test_intake_logs_no_personal_data(
    stack_settings: Settings,
    stack_endpoints: Endpoints,
    capsys: pytest.CaptureFixture[str],
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    quiet_libraries("DEBUG")  # as `caseflow run` configures logging, even at DEBUG
    application = sample_applications(f"-{uuid.uuid4().hex[:6]}")[2]
    async with intake_app(stack_settings):
        await publish_submissions(stack_endpoints.kafka, [envelope_of(application)])
        await collect(
            stack_endpoints.kafka,
            CASES.name,
            lambda seen: len(seen) >= 1,
            where=about(application.agency_reference, "CaseReceived.v1"),
        )
    captured = capsys.readouterr()
    logged = captured.out + captured.err + caplog.text
    assert "case_id" in logged or "Processed" in logged, "the logs were not captured"
    for _, party in application.parties():
        assert party.name not in logged
        assert party.address.street not in logged
