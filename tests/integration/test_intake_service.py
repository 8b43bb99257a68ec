"""Intake against the real broker and PostgreSQL: registration, duplicates, refusals."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator

import asyncpg
import pytest

from caseflow.agency import publish_submissions
from caseflow.samples import sample_applications, submission
from caseflow.settings import Endpoints, Settings
from schemas.topics import CASES, REJECTIONS
from services.intake.app import create_app
from tests.support import collect

pytestmark = pytest.mark.integration


@pytest.fixture
async def intake(stack_settings: Settings, stack_endpoints: Endpoints) -> AsyncIterator[None]:
    async with create_app(stack_settings):
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
