"""Registration as a use case: once per reference, refusals told, redeliveries silent."""

from __future__ import annotations

import json
from typing import Any

from entrypoints.samples import sample_applications, submission
from schemas.application import AmendApplication, SubmitApplication, WithdrawApplication
from schemas.envelope import Contract, Envelope
from schemas.topics import AGENCY_TOPIC_PREFIX, CASES, REJECTIONS, agency_topic
from services.intake.config import load_policy
from services.intake.handlers import handle_messages
from services.intake.ports import Outcome, RawSubmission
from tests.unit.fakes import FakeIntakeStore

POLICY = load_policy()


def raw(body: bytes, offset: int = 0, agency: str | None = "DE-BAFA") -> RawSubmission:
    return RawSubmission(body, "caseflow.intake.submissions", 0, offset, agency)


async def handle(message: RawSubmission, store: FakeIntakeStore) -> Outcome:
    [outcome] = (await handle_messages([message], store, POLICY)).outcomes
    return outcome


def events(store: FakeIntakeStore, kind: str, topic: str | None = None) -> list[dict[str, Any]]:
    """Events of `kind` on `topic`; without one, on the internal topics."""
    found = [
        json.loads(envelope.to_bytes())
        for name, envelope in store.published
        if name == topic or (topic is None and not name.startswith(AGENCY_TOPIC_PREFIX))
    ]
    return [event for event in found if event["type"] == kind]


async def test_a_valid_submission_becomes_a_case_with_a_control_number() -> None:
    store = FakeIntakeStore()
    envelope = submission(sample_applications()[0])
    assert await handle(raw(envelope.to_bytes()), store) == Outcome.REGISTERED
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
    first = await handle(raw(body, 1), store)
    second = await handle(raw(body, 2), store)
    assert (first, second) == (Outcome.REGISTERED, Outcome.ALREADY_PROCESSED)
    assert len(store.cases) == 1
    assert len(store.published) == 1


async def test_a_resubmission_with_the_same_content_emits_nothing_new() -> None:
    store = FakeIntakeStore()
    application = sample_applications()[0]
    await handle(raw(submission(application).to_bytes(), 1), store)
    again = await handle(raw(submission(application).to_bytes(), 2), store)
    assert again == Outcome.REDELIVERED
    assert len(store.published) == 1


async def test_different_content_under_a_registered_reference_is_a_conflict() -> None:
    store = FakeIntakeStore()
    application = sample_applications()[0]
    changed = application.model_copy(update={"destination_country": "KR"})
    await handle(raw(submission(application).to_bytes(), 1), store)
    outcome = await handle(raw(submission(changed).to_bytes(), 2), store)
    assert outcome == Outcome.REJECTED
    topic, event = store.published[-2]
    assert topic == REJECTIONS.name
    [deficiency] = json.loads(event.to_bytes())["data"]["deficiencies"]
    assert deficiency["code"] == "reference_conflict"
    assert "Z100001" in deficiency["message"]


async def test_a_malformed_submission_is_refused_with_every_deficiency_and_its_location() -> None:
    store = FakeIntakeStore()
    body = b'{"type": "SubmitApplication.v1", "data": {"submitting_agency": "DE-BAFA"}}'
    outcome = await handle(raw(body, 7), store)
    assert outcome == Outcome.REJECTED
    [(topic, event), (agency_topic_name, agency_copy)] = store.published
    rejection = json.loads(event.to_bytes())["data"]
    assert topic == REJECTIONS.name
    assert agency_topic_name == agency_topic("DE-BAFA").name
    assert json.loads(agency_copy.to_bytes())["data"] == rejection
    assert rejection["raw_message"] == "caseflow.intake.submissions/0/7"
    paths = {deficiency["path"] for deficiency in rejection["deficiencies"]}
    assert {"$.id", "$.source", "$.data.agency_reference", "$.data.items"} <= paths


async def test_unreadable_bytes_redelivered_are_refused_once() -> None:
    store = FakeIntakeStore()
    first = await handle(raw(b"\xff\x00", 9), store)
    second = await handle(raw(b"\xff\x00", 9), store)
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
    await handle(raw(submission(wide).to_bytes()), store)
    received = json.loads(store.published[0][1].to_bytes())
    assert received["data"]["application"]["applicant"]["name"] == "RHEINLAND GmbH"


def command(data: Contract, agency: str = "DE-BAFA", offset: int = 0) -> RawSubmission:
    subject = f"{agency}:ref"
    envelope = Envelope.wrap(data, source="agency-gateway", subject=subject, correlation_id="c1")
    return raw(envelope.to_bytes(), offset, agency)


async def registered(store: FakeIntakeStore) -> SubmitApplication:
    application = sample_applications()[0]
    assert await handle(raw(submission(application).to_bytes()), store) == Outcome.REGISTERED
    return application


async def test_an_amendment_before_decision_reports_exactly_what_changed() -> None:
    store = FakeIntakeStore()
    application = await registered(store)
    end_user = application.end_users[0].model_copy(update={"name": "Osaka University"})
    amended = application.model_copy(update={"end_users": [end_user]})
    amend = AmendApplication(
        submitting_agency="DE-BAFA",
        agency_reference=application.agency_reference,
        reason="End user changed after tender",
        application=amended,
    )
    assert await handle(command(amend, offset=1), store) == Outcome.AMENDED
    [event] = events(store, "CaseAmended.v1")
    assert event["data"]["control_number"] == "Z100001"
    assert event["data"]["changes"] == [
        {
            "path": "$.end_users[0].name",
            "before": '"Kyoto University"',
            "after": '"Osaka University"',
        }
    ]


async def test_an_amendment_that_changes_nothing_is_refused() -> None:
    store = FakeIntakeStore()
    application = await registered(store)
    amend = AmendApplication(
        submitting_agency="DE-BAFA",
        agency_reference=application.agency_reference,
        reason="no change",
        application=application,
    )
    assert await handle(command(amend, offset=1), store) == Outcome.REJECTED
    [rejection] = events(store, "SubmissionRejected.v1")
    assert rejection["data"]["deficiencies"][0]["code"] == "nothing_changed"


async def test_a_withdrawal_closes_the_case_and_later_changes_are_refused() -> None:
    store = FakeIntakeStore()
    application = await registered(store)
    withdraw = WithdrawApplication(
        submitting_agency="DE-BAFA",
        agency_reference=application.agency_reference,
        reason="Customer cancelled the order",
    )
    assert await handle(command(withdraw, offset=1), store) == Outcome.WITHDRAWN
    [event] = events(store, "CaseWithdrawn.v1")
    assert event["data"]["reason"] == "Customer cancelled the order"
    again = await handle(command(withdraw, offset=2), store)
    assert again == Outcome.REJECTED
    [rejection] = events(store, "SubmissionRejected.v1")
    assert rejection["data"]["deficiencies"][0]["code"] == "case_closed"


async def test_an_agency_cannot_withdraw_another_agencys_case() -> None:
    store = FakeIntakeStore()
    application = await registered(store)
    withdraw = WithdrawApplication(
        submitting_agency="DE-BAFA",
        agency_reference=application.agency_reference,
        reason="not mine",
    )
    outcome = await handle(command(withdraw, agency="NL-CDIU", offset=1), store)
    assert outcome == Outcome.REJECTED
    [rejection] = events(store, "SubmissionRejected.v1")
    assert [d["code"] for d in rejection["data"]["deficiencies"]] == ["not_your_case"]
    assert events(store, "CaseWithdrawn.v1") == []
    # The refusal goes to the agency that sent the message, never to the case's own agency.
    [told] = events(store, "SubmissionRejected.v1", agency_topic("NL-CDIU").name)
    assert told["data"] == rejection["data"]
    assert events(store, "SubmissionRejected.v1", agency_topic("DE-BAFA").name) == []


async def test_withdrawing_an_unknown_reference_is_refused() -> None:
    store = FakeIntakeStore()
    withdraw = WithdrawApplication(
        submitting_agency="DE-BAFA", agency_reference="NEVER-SENT", reason="typo"
    )
    assert await handle(command(withdraw), store) == Outcome.REJECTED
    [rejection] = events(store, "SubmissionRejected.v1")
    assert rejection["data"]["deficiencies"][0]["code"] == "unknown_reference"


async def test_a_message_without_the_gateways_agency_header_is_refused() -> None:
    store = FakeIntakeStore()
    body = submission(sample_applications()[0]).to_bytes()
    assert await handle(raw(body, agency=None), store) == Outcome.REJECTED
    [rejection] = events(store, "SubmissionRejected.v1")
    assert [d["code"] for d in rejection["data"]["deficiencies"]] == ["sender_unknown"]
    # No agency vouched for: the refusal stays internal.
    assert [name for name, _ in store.published] == [REJECTIONS.name]


async def test_one_batch_registers_each_reference_once_even_when_repeated_inside_it() -> None:
    store = FakeIntakeStore()
    first, second = sample_applications()[0], sample_applications()[2]
    messages = [
        raw(submission(first).to_bytes(), 1),
        raw(submission(second).to_bytes(), 2, agency="US-BIS"),
        raw(submission(first).to_bytes(), 3),
    ]
    outcomes = (await handle_messages(messages, store, POLICY)).outcomes
    assert outcomes == [Outcome.REGISTERED, Outcome.REGISTERED, Outcome.REDELIVERED]
    assert len(events(store, "CaseReceived.v1")) == 2
