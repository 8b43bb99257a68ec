"""What an agency may see of its case events: its own cases, no officers' names, no internals."""

from __future__ import annotations

import json
from contextlib import AbstractAsyncContextManager
from datetime import UTC, datetime

import pytest
from faststream.message import StreamMessage

from caseflow.messaging import Delivery
from schemas.cases import CaseDeadlineBreached, CaseDecided, CaseStatus, CaseStatusChanged
from schemas.envelope import Contract, Envelope
from schemas.topics import agency_topic
from services.intake.delivery import agency_facing
from services.intake.handlers import case_table
from services.intake.ports import CaseFollowingUnitOfWork

NOW = datetime(2026, 12, 6, tzinfo=UTC)
ABOUT = {
    "case_id": "c-1",
    "control_number": "Z100001",
    "submitting_agency": "DE-BAFA",
    "agency_reference": "BAFA-1",
}


def envelope_of(data: Contract) -> Envelope[Contract]:
    return Envelope[Contract].wrap(
        data, source="caseflow/worker", subject="c-1", correlation_id="k"
    )


def test_a_decision_reaches_the_agency_without_the_officers_names() -> None:
    decided = CaseDecided(
        **ABOUT,
        outcome="denied",
        decided_at=NOW,
        decided_by="officer-7",
        countersigned_by="senior-2",
        rationale="Risk of use in surveillance of journalists.",
        grounds=[{"text": "Serious risk of human-rights abuse", "human_rights": True}],
        human_rights_assessment="Credible reports of misuse.",
    )
    facing = agency_facing(envelope_of(decided))
    assert facing is not None
    topic, envelope = facing.to("DE-BAFA")
    assert topic == agency_topic("DE-BAFA")
    sent = json.loads(envelope.to_bytes())
    assert sent["type"] == "DecisionIssued.v1"
    assert "officer-7" not in envelope.to_bytes().decode()
    assert "senior-2" not in envelope.to_bytes().decode()
    assert sent["data"]["grounds"][0]["human_rights"] is True
    assert sent["subject"] == "c-1"


def test_the_same_event_forwarded_twice_keeps_one_id() -> None:
    changed = CaseStatusChanged(**ABOUT, status=CaseStatus.ON_HOLD, changed_at=NOW)
    message = envelope_of(changed)
    first, second = agency_facing(message), agency_facing(message)
    assert first is not None
    assert second is not None
    assert first.to("DE-BAFA")[1].id == second.to("DE-BAFA")[1].id


def test_internal_events_are_not_forwarded() -> None:
    breached = CaseDeadlineBreached(**ABOUT, deadline_at=NOW, raised_at=NOW)
    assert agency_facing(envelope_of(breached)) is None


class _Untouched:
    def unit_of_work(self) -> AbstractAsyncContextManager[CaseFollowingUnitOfWork]:
        raise AssertionError("nothing to keep or forward")


async def test_intake_skips_other_and_unreadable_case_events_and_sets_a_broken_one_aside() -> None:
    table = case_table(_Untouched())
    kept: list[tuple[str, str]] = []

    async def set_aside(message: StreamMessage[object] | Delivery, reason: str) -> None:
        assert isinstance(message, Delivery)
        kept.append((message.location, reason))

    breached = CaseDeadlineBreached(**ABOUT, deadline_at=NOW, raised_at=NOW)
    for body in (envelope_of(breached).to_bytes(), b"not json", b'{"type": "CaseDecided.v1"}'):
        assert await table.dispatch(Delivery(body, None, "t/0/1"), set_aside, others="skip") is None
    assert kept == []
    changed = CaseStatusChanged(**ABOUT, status=CaseStatus.ON_HOLD, changed_at=NOW)
    broken = {**json.loads(envelope_of(changed).to_bytes()), "data": {"case_id": "c-1"}}
    await table.dispatch(
        Delivery(json.dumps(broken).encode(), None, "t/0/2"), set_aside, others="skip"
    )
    assert [location for location, _ in kept] == ["t/0/2"]
    assert "status" in kept[0][1]


@pytest.mark.parametrize("code", ["DE BAFA", "../x", "", "a.b"])
def test_an_agency_code_that_cannot_name_a_topic_is_refused(code: str) -> None:
    with pytest.raises(ValueError, match="cannot name a Kafka topic"):
        agency_topic(code)
