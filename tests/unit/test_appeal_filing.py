"""An agency's appeal as intake reads it: filed once, in time, against its own denied or returned
case; every other appeal refused with its reasons, changing nothing."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import timedelta
from typing import Any

import pytest

from entrypoints.samples import sample_applications, submission
from schemas.appeals import AppealDecision
from schemas.envelope import Envelope, utcnow
from schemas.topics import AGENCY_TOPIC_PREFIX, CASES, REJECTIONS
from services.intake.config import load_policy
from services.intake.handlers import handle_messages
from services.intake.ports import Outcome, RawSubmission
from tests.unit.fakes import FakeIntakeStore

POLICY = load_policy()
AGENCY = "DE-BAFA"


def raw(body: bytes, offset: int, agency: str | None = AGENCY) -> RawSubmission:
    return RawSubmission(body, "caseflow.intake.submissions", 0, offset, agency)


async def handle(message: RawSubmission, store: FakeIntakeStore) -> Outcome:
    [outcome] = (await handle_messages([message], store, POLICY)).outcomes
    return outcome


def appeal(
    reference: str, agency: str = AGENCY, grounds: str = "The end user is a hospital."
) -> bytes:
    command = AppealDecision(submitting_agency=agency, agency_reference=reference, grounds=grounds)
    envelope = Envelope.wrap(
        command, source="agency", subject=f"{agency}:{reference}", correlation_id=reference
    )
    return envelope.to_bytes()


async def decided_case(
    store: FakeIntakeStore, outcome: str = "denied", days_ago: float = 3
) -> tuple[str, str]:
    """A registered case of AGENCY, decided `days_ago` by officer-1, countersigned by senior-1."""
    application = sample_applications("-appeal")[0]
    assert application.submitting_agency == AGENCY
    await handle(raw(submission(application).to_bytes(), 0), store)
    key = (AGENCY, application.agency_reference)
    store.cases[key] = replace(
        store.cases[key],
        closed=True,
        outcome=outcome,
        decided_at=utcnow() - timedelta(days=days_ago),
        decided_by="officer-1",
        countersigned_by="senior-1",
    )
    return application.agency_reference, store.cases[key].case_id


def published(store: FakeIntakeStore, kind: str) -> list[dict[str, Any]]:
    found = [
        json.loads(envelope.to_bytes())
        for topic, envelope in store.published
        if not topic.startswith(AGENCY_TOPIC_PREFIX)  # what intake told the agency as well
    ]
    return [event for event in found if event["type"] == kind]


def deficiencies(store: FakeIntakeStore) -> list[str]:
    [rejection] = published(store, "SubmissionRejected.v1")
    return [deficiency["code"] for deficiency in rejection["data"]["deficiencies"]]


async def test_an_appeal_in_time_against_a_denial_is_filed_with_the_decision_it_appeals() -> None:
    store = FakeIntakeStore()
    reference, case_id = await decided_case(store)

    assert await handle(raw(appeal(reference), 1), store) == Outcome.APPEALED

    [filed] = published(store, "AppealFiled.v1")
    assert filed["subject"] == case_id
    data = filed["data"]
    assert data["appealed_outcome"] == "denied"
    assert (data["appealed_decided_by"], data["appealed_countersigned_by"]) == (
        "officer-1",
        "senior-1",
    )
    assert data["grounds"] == "The end user is a hospital."
    assert "15 CFR 756.2" in data["window_source"]
    assert [topic for topic, _ in store.published][-1] == CASES.name


async def test_a_return_without_action_may_be_appealed_too() -> None:
    store = FakeIntakeStore()
    reference, _ = await decided_case(store, outcome="returned_without_action")
    assert await handle(raw(appeal(reference), 1), store) == Outcome.APPEALED


async def test_the_same_appeal_sent_again_is_recognised_and_files_nothing_new() -> None:
    store = FakeIntakeStore()
    reference, _ = await decided_case(store)
    first = appeal(reference)
    await handle(raw(first, 1), store)

    again = await handle(raw(appeal(reference), 2), store)  # a new message, the same appeal
    redelivered = await handle(raw(first, 1), store)  # the same message

    assert (again, redelivered) == (Outcome.REDELIVERED, Outcome.ALREADY_PROCESSED)
    assert len(published(store, "AppealFiled.v1")) == 1


async def test_a_second_different_appeal_of_the_same_decision_is_refused() -> None:
    store = FakeIntakeStore()
    reference, _ = await decided_case(store)
    await handle(raw(appeal(reference), 1), store)

    outcome = await handle(raw(appeal(reference, grounds="Another reason."), 2), store)

    assert outcome == Outcome.REJECTED
    assert deficiencies(store) == ["already_appealed"]


async def test_a_late_appeal_is_refused_naming_the_window_and_its_source() -> None:
    store = FakeIntakeStore()
    reference, _ = await decided_case(store, days_ago=POLICY.appeal_window.days + 1)
    before = dict(store.cases)

    assert await handle(raw(appeal(reference), 1), store) == Outcome.REJECTED

    [rejection] = published(store, "SubmissionRejected.v1")
    [late] = rejection["data"]["deficiencies"]
    assert late["code"] == "appeal_late"
    assert "45 days after the decision" in late["message"]
    assert "15 CFR 756.2" in late["message"]
    assert published(store, "AppealFiled.v1") == []
    assert store.cases == before


async def test_an_appeal_on_the_last_day_of_the_window_is_filed() -> None:
    store = FakeIntakeStore()
    reference, _ = await decided_case(store, days_ago=POLICY.appeal_window.days - 0.01)
    assert await handle(raw(appeal(reference), 1), store) == Outcome.APPEALED


@pytest.mark.parametrize(
    ("outcome", "code"),
    [("approved", "not_appealable"), ("approved_with_conditions", "not_appealable"),
     ("withdrawn", "not_appealable")],
)  # fmt: skip
async def test_a_decision_that_is_not_a_denial_or_return_cannot_be_appealed(
    outcome: str, code: str
) -> None:
    store = FakeIntakeStore()
    reference, _ = await decided_case(store, outcome=outcome)
    assert await handle(raw(appeal(reference), 1), store) == Outcome.REJECTED
    assert deficiencies(store) == [code]


async def test_a_case_not_yet_decided_cannot_be_appealed() -> None:
    store = FakeIntakeStore()
    application = sample_applications("-open")[0]
    await handle(raw(submission(application).to_bytes(), 0), store)
    assert await handle(raw(appeal(application.agency_reference), 1), store) == Outcome.REJECTED
    assert deficiencies(store) == ["not_decided"]


async def test_another_agency_cannot_appeal_for_the_case_s_agency() -> None:
    store = FakeIntakeStore()
    reference, _ = await decided_case(store)

    # In the case's agency's name, through the gateway of another.
    outcome = await handle(raw(appeal(reference), 1, agency="NL-CDIU"), store)

    assert outcome == Outcome.REJECTED
    assert deficiencies(store) == ["not_your_case"]
    assert published(store, "AppealFiled.v1") == []


async def test_another_agency_appealing_in_its_own_name_finds_no_such_case() -> None:
    store = FakeIntakeStore()
    reference, _ = await decided_case(store)

    outcome = await handle(raw(appeal(reference, agency="NL-CDIU"), 1, agency="NL-CDIU"), store)

    assert outcome == Outcome.REJECTED
    assert deficiencies(store) == ["unknown_reference"]


async def test_an_appeal_without_grounds_is_refused_before_any_case_is_looked_at() -> None:
    store = FakeIntakeStore()
    reference, _ = await decided_case(store)
    body = json.loads(appeal(reference))
    body["data"]["grounds"] = ""
    del body["data"]["agency_reference"]

    outcome = await handle(raw(json.dumps(body).encode(), 1), store)

    assert outcome == Outcome.REJECTED
    assert set(deficiencies(store)) == {"missing_field", "invalid_value"}
    assert REJECTIONS.name in [topic for topic, _ in store.published]
