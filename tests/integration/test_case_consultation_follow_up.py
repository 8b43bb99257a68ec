"""A referred case on a real workflow: reminders before the deadline, cancellation when the case
ends, and a partner state that could not be consulted."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from entrypoints.samples import sample_assessment
from schemas.cases import CaseStatus, DecisionOutcome
from schemas.consultation import ConsultationOpened
from schemas.screening import RiskLevel
from tests.actors import token_for
from tests.integration.case_harness import OFFICER, SENIOR, CaseHarness
from tests.integration.test_case_consultation import referred
from workflows import case_client
from workflows.license_case import LicenseCase
from workflows.model import CasePolicy
from workflows.tasks import ConsultationReferral, PartnerWaiverRequest, ReviewDecision, ReviewerTask

pytestmark = [pytest.mark.integration]


async def test_stakeholders_are_reminded_before_the_deadline_and_the_request_names_it(
    cases: CaseHarness,
) -> None:
    policy = CasePolicy(
        consultation_time=timedelta(seconds=6),
        consultation_reminder_before=timedelta(seconds=3),
    )
    case_id = await referred(cases, policy)

    [request] = await cases.until_published(case_id, "ConsultationRequested")
    [reminder] = await cases.until_published(case_id, "ConsultationReminderDue")
    [passed] = await cases.until_published(case_id, "ConsultationDeadlinePassed")

    view = await cases.view(case_id)
    assert view.consultation is not None
    due = request["data"]["due_at"]
    assert due.startswith(f"{view.consultation.due_at:%Y-%m-%dT%H:%M:%S}")
    assert reminder["data"]["deadline"] == due == passed["data"]["deadline"]
    assert reminder["topic"] == "caseflow.consultation.requests"
    notes = [entry.note for entry in view.timeline]
    assert any(
        note.startswith("stakeholders that have not answered are reminded") for note in notes
    )
    assert len(cases.published.of(case_id, "ConsultationReminderDue")) == 1


async def test_a_withdrawal_during_consultation_cancels_it_at_the_consultation_service(
    cases: CaseHarness,
) -> None:
    case_id = await referred(cases)

    await cases.withdraw(case_id, "contract cancelled")

    decided = await cases.result(case_id)
    assert decided.outcome is DecisionOutcome.WITHDRAWN
    [cancelled] = await cases.until_published(case_id, "ConsultationCancelled")
    assert cancelled["data"] == {
        "case_id": case_id,
        "request_id": f"{case_id}/consultation/1",
        "reason": "the case ended: withdrawn",
    }
    view = await cases.view(case_id)
    assert "cancelled: the case ended: withdrawn" in " ".join(e.note for e in view.timeline)


async def test_a_case_referred_anew_after_an_amendment_cancels_the_round_left_open(
    cases: CaseHarness,
) -> None:
    case_id = await referred(cases)
    await cases.amend(case_id, "Operated by the national police under judicial warrant only.")
    await cases.until_published(case_id, "ScreeningRequested", count=2)
    await cases.screen(case_id, RiskLevel.HIGH, request_id=f"{case_id}/screening/2")
    await cases.until(case_id, lambda view: view.status is CaseStatus.UNDER_REVIEW)

    await case_client.refer_for_consultation(
        cases.client, case_id, ConsultationReferral(token=token_for(OFFICER))
    )

    [cancelled] = await cases.until_published(case_id, "ConsultationCancelled")
    assert cancelled["data"]["request_id"] == f"{case_id}/consultation/1"
    assert cancelled["data"]["reason"] == "superseded by a new consultation round"
    requests = await cases.until_published(case_id, "ConsultationRequested", count=2)
    assert requests[-1]["data"]["request_id"] == f"{case_id}/consultation/2"


async def test_a_withdrawal_without_an_open_consultation_cancels_nothing(
    cases: CaseHarness,
) -> None:
    case_id = await cases.open_case(RiskLevel.LOW)
    await cases.withdraw(case_id)
    await cases.result(case_id)
    await cases.until_published(case_id, "CaseDecided")
    assert cases.published.of(case_id, "ConsultationCancelled") == []


async def test_an_unconsulted_partner_state_blocks_approval_until_a_senior_officer_says_why(
    cases: CaseHarness,
) -> None:
    case_id = await cases.open_case(risk=None)
    await cases.until_published(case_id, "ScreeningRequested")
    await cases.screen(case_id, RiskLevel.HIGH, denied_by=("JP",))
    await cases.until(case_id, lambda view: view.status is CaseStatus.UNDER_REVIEW)
    await case_client.claim(cases.client, case_id, ReviewerTask(token=token_for(OFFICER)))
    await case_client.refer_for_consultation(
        cases.client, case_id, ConsultationReferral(token=token_for(OFFICER))
    )
    request_id = f"{case_id}/consultation/1"
    opened = ConsultationOpened(
        case_id=case_id,
        request_id=request_id,
        referred=["ngo-1", "mod"],
        required=[],
        unheard_states=["JP"],
        due_at=datetime.now(UTC) + timedelta(days=30),
        policy_version="test",
    )
    await cases.handle(case_id).signal(LicenseCase.consultation_opened, opened)
    await cases.until(case_id, lambda view: "not consulted: JP" in view.timeline[-1].note)
    await cases.conclude(case_id, unheard=("JP",))
    await cases.until(case_id, lambda view: view.status is CaseStatus.UNDER_REVIEW)
    verified = "Post-shipment verification"
    approval = ReviewDecision(
        token=token_for(OFFICER),
        outcome=DecisionOutcome.APPROVED_WITH_CONDITIONS,
        rationale="Civil use.",
        conditions=[verified],
        assessment=sample_assessment(mitigations=[verified]),
    )

    with pytest.raises(case_client.ActionRefused, match=r"JP denied .* could not be consulted"):
        await case_client.decide(cases.client, case_id, approval)
    waiver = PartnerWaiverRequest(
        token=token_for(SENIOR),
        states=["JP"],
        reason="No channel: the notice names no contact point",
    )
    recorded = await case_client.record_partner_waiver(cases.client, case_id, waiver)
    assert "JP not consulted, recorded by senior-1" in recorded.note

    signed = await case_client.decide(cases.client, case_id, approval)
    assert signed.status is CaseStatus.SIGNED_OFF
    view = await cases.view(case_id)
    assert [(w.state, w.by) for w in view.partner_waivers] == [("JP", "senior-1")]
    card = await cases.card(case_id)
    assert "**not consulted:** JP" in card
    assert "JP not consulted: No channel" in card
