"""Reminders and cancellation at the real consultation service (broker, PostgreSQL, HTTP), the
workflow's part played by the test."""

from __future__ import annotations

from datetime import timedelta

import httpx
import pytest

from caseflow.auth import Role
from caseflow.settings import Endpoints, Settings
from schemas.consultation import (
    ConsultationCancelled,
    ConsultationReminderDue,
    Position,
    ReferralAnswered,
)
from schemas.envelope import utcnow
from tests.integration.test_consultation_service import fresh_case, responses, send
from tests.support import caseflow, signed_token

pytestmark = pytest.mark.integration


async def test_only_the_silent_stakeholders_are_reminded_once_and_the_command_shows_it(
    consultation: httpx.AsyncClient, stack_settings: Settings, stack_endpoints: Endpoints
) -> None:
    kafka = stack_endpoints.kafka
    due = utcnow() + timedelta(hours=1)
    request = fresh_case(due_at=due)
    case_id = request.case_id
    await send(kafka, (case_id, request))
    opened = {
        e["data"]["stakeholder_id"]: e["data"]
        for e in await responses(kafka, case_id, "ReferralOpened", 3)
    }
    answered = await consultation.post(
        f"/referrals/{opened['us-dod-dtsa']['referral_id']}/responses",
        json={"position": "no_objection"},
    )
    assert answered.status_code == 201
    reminder = ConsultationReminderDue(case_id=case_id, request_id=request.request_id, deadline=due)

    await send(kafka, (case_id, reminder), (case_id, reminder))  # the second: a timer re-sent

    reminded = await responses(kafka, case_id, "ReferralReminded", 2)
    assert len(reminded) == 2
    assert {e["data"]["stakeholder_id"] for e in reminded} == {
        "us-state-drl",
        "cso-digital-rights",
    }
    ngo = next(e["data"] for e in reminded if e["data"]["stakeholder_id"] == "cso-digital-rights")
    assert ngo["channel"] == opened["cso-digital-rights"]["channel"]
    assert ngo["due_at"] == opened["cso-digital-rights"]["due_at"]
    state = await consultation.get(f"/referrals/{ngo['referral_id']}")
    assert state.json()["reminded_at"] is not None
    officer = await signed_token(stack_settings, Role.LICENSING_OFFICER)
    shown = await caseflow(
        stack_settings,
        "consultation",
        "referrals",
        "--stakeholder",
        "cso-digital-rights",
        token=officer,
    )
    row = next(line for line in shown.splitlines() if ngo["referral_id"][:8] in line)
    assert f"{utcnow():%Y-%m-%d}" in row.split("│")[-2]
    assert "reminded" in shown


async def test_a_cancelled_consultation_tells_each_open_stakeholder_and_refuses_later_answers(
    consultation: httpx.AsyncClient, stack_endpoints: Endpoints
) -> None:
    kafka = stack_endpoints.kafka
    request = fresh_case()
    case_id = request.case_id
    await send(kafka, (case_id, request))
    opened = {
        e["data"]["stakeholder_id"]: e["data"]["referral_id"]
        for e in await responses(kafka, case_id, "ReferralOpened", 3)
    }
    await consultation.post(
        f"/referrals/{opened['us-dod-dtsa']}/responses", json={"position": "no_objection"}
    )
    cancelled = ConsultationCancelled(
        case_id=case_id, request_id=request.request_id, reason="the case ended: withdrawn"
    )

    await send(kafka, (case_id, cancelled))

    told = await responses(kafka, case_id, "ReferralCancelled", 2)
    assert {e["data"]["stakeholder_id"] for e in told} == {"us-state-drl", "cso-digital-rights"}
    assert {e["data"]["reason"] for e in told} == {"the case ended: withdrawn"}
    late = await consultation.post(
        f"/referrals/{opened['us-state-drl']}/responses", json={"position": "no_objection"}
    )
    assert (late.status_code, late.json()["detail"]["reason"]) == (409, "cancelled")
    assert "the case ended: withdrawn" in late.json()["detail"]["message"]
    by_event = ReferralAnswered(
        referral_id=opened["cso-digital-rights"], position=Position.NO_OBJECTION
    )
    await send(kafka, (case_id, by_event))
    [refused] = await responses(kafka, case_id, "ReferralResponseRefused")
    assert refused["data"]["reason"] == "cancelled"
    states = {
        stakeholder: (await consultation.get(f"/referrals/{referral}")).json()["status"]
        for stakeholder, referral in opened.items()
    }
    assert states == {
        "us-dod-dtsa": "answered",
        "us-state-drl": "cancelled",
        "cso-digital-rights": "cancelled",
    }
