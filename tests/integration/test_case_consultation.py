"""Consultation and escalation on a real workflow: referral, silence, dissent, resolution."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest

from caseflow.kafka import start_producer
from caseflow.settings import Endpoints
from entrypoints.samples import sample_assessment
from schemas.cases import CaseStatus, DecisionOutcome
from schemas.consultation import (
    ConsultationConcluded,
    ConsultationOpened,
    Position,
    ReferralExtended,
)
from schemas.envelope import Envelope
from schemas.screening import RiskLevel
from schemas.topics import CONSULTATION_RESPONSES
from tests.actors import token_for
from tests.integration.case_harness import OFFICER, CaseHarness
from workflows import case_client
from workflows.license_case import LicenseCase
from workflows.model import CasePolicy
from workflows.tasks import (
    ConsultationReferral,
    ReviewDecision,
    ReviewerTask,
)

pytestmark = [pytest.mark.integration]


async def referred(cases: CaseHarness, policy: CasePolicy | None = None) -> str:
    case_id = await cases.open_case(RiskLevel.HIGH, policy=policy)
    await case_client.claim(cases.client, case_id, ReviewerTask(token=token_for(OFFICER)))
    referral = ConsultationReferral(token=token_for(OFFICER), stakeholders=["ngo-1", "mod"])
    recorded = await case_client.refer_for_consultation(cases.client, case_id, referral)
    assert recorded.status is CaseStatus.REFERRED
    return case_id


def seconds(consultation: float) -> CasePolicy:
    return CasePolicy(consultation_time=timedelta(seconds=consultation))


async def test_a_referred_case_asks_the_stakeholders_and_returns_to_review_when_they_agree(
    cases: CaseHarness,
) -> None:
    case_id = await referred(cases)
    [request] = await cases.until_published(case_id, "ConsultationRequested")
    assert request["data"]["request_id"] == f"{case_id}/consultation/1"
    assert request["data"]["proposed_stakeholders"] == ["ngo-1", "mod"]
    assert request["data"]["risk_level"] == "high"
    with pytest.raises(case_client.ActionRefused, match="the case is referred, not under review"):
        await case_client.decide(
            cases.client,
            case_id,
            ReviewDecision(
                token=token_for(OFFICER),
                outcome=DecisionOutcome.APPROVED,
                rationale="x",
                assessment=sample_assessment(),
            ),
        )
    await cases.conclude(case_id, Position.NO_OBJECTION, Position.APPROVE_WITH_CONDITIONS)
    view = await cases.until(case_id, lambda view: view.status is CaseStatus.UNDER_REVIEW)
    assert view.consultation is not None
    assert view.consultation.concluded is not None
    assert view.assigned_reviewer == OFFICER.id
    assert "consultation concluded: 2 position(s), 0 silent" in view.timeline[-1].note


async def test_silence_past_the_consultation_deadline_counts_as_no_objection(
    cases: CaseHarness,
) -> None:
    case_id = await referred(cases, seconds(2))
    [passed] = await cases.until_published(case_id, "ConsultationDeadlinePassed")
    view = await cases.view(case_id)
    assert view.consultation is not None
    assert passed["data"]["deadline"].startswith(view.consultation.due_at.strftime("%Y-%m-%dT%H"))
    assert "silence counts as no objection" in view.timeline[-1].note
    await cases.conclude(case_id, Position.NO_OBJECTION, silent=2)
    view = await cases.until(case_id, lambda view: view.status is CaseStatus.UNDER_REVIEW)
    assert "2 silent (no objection)" in view.timeline[-1].note


async def test_an_extended_referral_moves_the_consultation_deadline(cases: CaseHarness) -> None:
    case_id = await referred(cases, seconds(2))
    extended = ReferralExtended(
        referral_id="referral-ngo-1",
        request_id=f"{case_id}/consultation/1",
        case_id=case_id,
        stakeholder_id="ngo-1",
        due_at=datetime.now(UTC) + timedelta(seconds=5),
        granted_by="officer-1",
    )
    await cases.handle(case_id).signal(LicenseCase.referral_extended, extended)
    await cases.until(case_id, lambda view: "extended" in view.timeline[-1].note)
    with pytest.raises(AssertionError):
        await cases.until_published(case_id, "ConsultationDeadlinePassed", timeout=3)
    await cases.until_published(case_id, "ConsultationDeadlinePassed", timeout=6)


async def test_the_bridge_signals_a_concluded_consultation_from_kafka_into_the_case(
    cases: CaseHarness, case_services: None, stack_endpoints: Endpoints
) -> None:
    case_id = await referred(cases)
    concluded = ConsultationConcluded(
        case_id=case_id,
        request_id=f"{case_id}/consultation/1",
        positions=[],
        deemed_no_objection=[],
        dissent=False,
        dissent_summary="",
        concluded_at=datetime.now(UTC),
    )
    envelope = Envelope.wrap(
        concluded, source="caseflow/consultation", subject=case_id, correlation_id="t"
    )
    producer = await start_producer(stack_endpoints.kafka, "test-consultation")
    try:
        await producer.send_and_wait(
            CONSULTATION_RESPONSES.name, envelope.to_bytes(), key=case_id.encode()
        )
    finally:
        await producer.stop()
    await cases.until(case_id, lambda view: view.status is CaseStatus.UNDER_REVIEW, timeout=60)


async def test_the_consultation_services_due_time_becomes_the_cases_deadline(
    cases: CaseHarness,
) -> None:
    case_id = await referred(cases)
    due = datetime.now(UTC) + timedelta(seconds=2)
    opened = ConsultationOpened(
        case_id=case_id,
        request_id=f"{case_id}/consultation/1",
        referred=["ngo-1", "mod"],
        required=[],
        due_at=due,
        policy_version="test",
    )
    await cases.handle(case_id).signal(LicenseCase.consultation_opened, opened)
    view = await cases.until(case_id, lambda view: "consultation opened" in view.timeline[-1].note)
    assert view.consultation is not None
    assert view.consultation.due_at == due
    [passed] = await cases.until_published(case_id, "ConsultationDeadlinePassed")
    assert passed["topic"] == "caseflow.consultation.requests"


async def test_a_consultation_request_the_service_never_opened_is_sent_again_until_it_is(
    cases: CaseHarness,
) -> None:
    case_id = await referred(cases, CasePolicy(screening_answer_wait=timedelta(seconds=2)))
    first, again = await cases.until_published(case_id, "ConsultationRequested", count=2)
    assert again["id"] != first["id"]
    assert again["data"] == first["data"]
    assert "consultation request re-sent" in (await cases.view(case_id)).timeline[-1].note
    opened = ConsultationOpened(
        case_id=case_id,
        request_id=f"{case_id}/consultation/1",
        referred=["ngo-1", "mod"],
        required=[],
        due_at=datetime.now(UTC) + timedelta(days=30),
        policy_version="test",
    )
    await cases.handle(case_id).signal(LicenseCase.consultation_opened, opened)
    await cases.until(case_id, lambda view: "consultation opened" in view.timeline[-1].note)
    sent = len(cases.published.of(case_id, "ConsultationRequested"))
    await asyncio.sleep(5)  # more than two re-send waits: none comes once it is opened
    assert len(cases.published.of(case_id, "ConsultationRequested")) == sent
