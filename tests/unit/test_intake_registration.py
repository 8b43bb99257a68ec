"""Registration as a use case: once per reference, refusals told, redeliveries silent."""

from __future__ import annotations

import json

from caseflow.samples import sample_applications, submission
from schemas.topics import CASES, REJECTIONS
from services.intake.config import load_policy
from services.intake.handlers import Outcome, RawSubmission, register_submission
from tests.unit.fakes import FakeIntakeStore

POLICY = load_policy()


def raw(body: bytes, offset: int = 0) -> RawSubmission:
    return RawSubmission(body, "caseflow.intake.submissions", 0, offset)


async def test_a_valid_submission_becomes_a_case_with_a_control_number() -> None:
    store = FakeIntakeStore()
    envelope = submission(sample_applications()[0])
    assert await register_submission(raw(envelope.to_bytes()), store, POLICY) == Outcome.REGISTERED
    [(topic, event)] = store.published
    assert topic == CASES.name
    received = json.loads(event.to_bytes())
    assert received["type"] == "CaseReceived.v1"
    assert received["data"]["control_number"] == "Z100001"
    assert received["subject"] == received["data"]["case_id"]
    assert received["correlation_id"] == envelope.correlation_id


async def test_the_same_message_delivered_twice_registers_one_case() -> None:
    store = FakeIntakeStore()
    body = submission(sample_applications()[0]).to_bytes()
    first = await register_submission(raw(body, 1), store, POLICY)
    second = await register_submission(raw(body, 2), store, POLICY)
    assert (first, second) == (Outcome.REGISTERED, Outcome.ALREADY_PROCESSED)
    assert len(store.cases) == 1
    assert len(store.published) == 1


async def test_a_resubmission_with_the_same_content_emits_nothing_new() -> None:
    store = FakeIntakeStore()
    application = sample_applications()[0]
    await register_submission(raw(submission(application).to_bytes(), 1), store, POLICY)
    again = await register_submission(raw(submission(application).to_bytes(), 2), store, POLICY)
    assert again == Outcome.REDELIVERED
    assert len(store.published) == 1


async def test_different_content_under_a_registered_reference_is_a_conflict() -> None:
    store = FakeIntakeStore()
    application = sample_applications()[0]
    changed = application.model_copy(update={"destination_country": "KR"})
    await register_submission(raw(submission(application).to_bytes(), 1), store, POLICY)
    outcome = await register_submission(raw(submission(changed).to_bytes(), 2), store, POLICY)
    assert outcome == Outcome.REJECTED
    topic, event = store.published[-1]
    assert topic == REJECTIONS.name
    [deficiency] = json.loads(event.to_bytes())["data"]["deficiencies"]
    assert deficiency["code"] == "reference_conflict"
    assert "Z100001" in deficiency["message"]


async def test_a_malformed_submission_is_refused_with_every_deficiency_and_its_location() -> None:
    store = FakeIntakeStore()
    body = b'{"type": "SubmitApplication.v1", "data": {"submitting_agency": "DE-BAFA"}}'
    outcome = await register_submission(raw(body, 7), store, POLICY)
    assert outcome == Outcome.REJECTED
    [(topic, event)] = store.published
    rejection = json.loads(event.to_bytes())["data"]
    assert topic == REJECTIONS.name
    assert rejection["raw_message"] == "caseflow.intake.submissions/0/7"
    paths = {deficiency["path"] for deficiency in rejection["deficiencies"]}
    assert {"$.id", "$.source", "$.data.agency_reference", "$.data.items"} <= paths


async def test_unreadable_bytes_redelivered_are_refused_once() -> None:
    store = FakeIntakeStore()
    first = await register_submission(raw(b"\xff\x00", 9), store, POLICY)
    second = await register_submission(raw(b"\xff\x00", 9), store, POLICY)
    assert (first, second) == (Outcome.REJECTED, Outcome.ALREADY_PROCESSED)
    assert len(store.rejections) == 1


async def test_party_names_are_nfkc_normalised_on_the_way_in() -> None:
    store = FakeIntakeStore()
    application = sample_applications()[0]
    wide = application.model_copy(
        update={
            "applicant": application.applicant.model_copy(
                update={"name": "ＲＨＥＩＮＬＡＮＤ GmbH"}
            )
        }
    )
    await register_submission(raw(submission(wide).to_bytes()), store, POLICY)
    received = json.loads(store.published[0][1].to_bytes())
    assert received["data"]["application"]["applicant"]["name"] == "RHEINLAND GmbH"
