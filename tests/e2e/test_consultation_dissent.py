"""The consultation must-show, every service its own process: a high-risk case referred to three
stakeholders; one recommends denial (HTTP), one approves with conditions (Kafka), one stays
silent; the workflow's deadline fires; dissent escalates the case."""

from __future__ import annotations

import asyncio
import json
import time
import uuid
from collections.abc import AsyncIterator
from datetime import datetime

import httpx
import pytest
from temporalio.client import Client

from caseflow.auth import Role
from caseflow.kafka import start_producer
from caseflow.settings import Endpoints, Settings
from entrypoints.processes import start_processes, stop_processes
from schemas.consultation import Position, ReferralAnswered
from schemas.envelope import Envelope
from schemas.topics import CASES, CONSULTATION_REQUESTS, CONSULTATION_RESPONSES
from tests.actors import token_for
from tests.e2e.cli import caseflow
from tests.e2e.reviews import await_review
from tests.support import Event, bearer, collect, signed_token
from workflows.case_client import CaseListing, find_cases
from workflows.client import connect
from workflows.policy import DEFAULT_CASE_POLICY
from workflows.tasks import Reviewer, ReviewerRole

pytestmark = pytest.mark.e2e
DENYING, CONDITIONAL, SILENT = "us-dod-dtsa", "us-state-drl", "cso-digital-rights"
OFFICER = "officer-e2e"
HIGH_RISK = ("high", "critical")
# Seconds, not days: long enough for two answers to arrive, short enough for a test.
CONSULTATION_TIME = 60
REMINDER_BEFORE = 30


@pytest.fixture(scope="module")
async def short_policy_settings(
    stack_settings: Settings, stack_endpoints: Endpoints, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[Settings]:
    """Every process started with a case policy file whose consultation lasts seconds."""
    stored = json.loads(DEFAULT_CASE_POLICY.read_text())
    stored |= {
        "version": "e2e-seconds",
        "consultation_time": f"PT{CONSULTATION_TIME}S",
        "consultation_reminder_before": f"PT{REMINDER_BEFORE}S",
    }
    path = tmp_path_factory.mktemp("policy") / "case_policy.json"
    path.write_text(json.dumps(stored))
    settings = stack_settings.model_copy(update={"case_policy_file": path})
    stop_processes(settings)  # processes left by another module run with another policy
    await start_processes(settings)
    yield settings
    stop_processes(settings)


@pytest.mark.timeout(600)
async def test_dissent_with_a_silent_stakeholder_deemed_no_objection_escalates_the_case(
    short_policy_settings: Settings, stack_endpoints: Endpoints
) -> None:
    settings, kafka = short_policy_settings, stack_endpoints.kafka
    suffix = f"-must{uuid.uuid4().hex[:6]}"
    caseflow(settings, "submit", "--samples", "--suffix", suffix)
    temporal = await connect(settings)
    risky = [c for c in await await_review(temporal, suffix, 6) if c.risk_level in HIGH_RISK]
    case = min(risky, key=lambda c: HIGH_RISK.index(c.risk_level))
    officer = token_for(Reviewer(id=OFFICER, role=ReviewerRole.LICENSING_OFFICER))
    caseflow(settings, "claim", case.control_number, token=officer)
    stakeholders = [arg for s in (DENYING, CONDITIONAL, SILENT) for arg in ("--stakeholder", s)]
    referred = caseflow(settings, "refer", case.control_number, *stakeholders, token=officer)
    assert f"case {case.control_number}: referred" in referred

    opened = {
        e["data"]["stakeholder_id"]: e["data"]
        for e in await about(kafka, case, "ReferralOpened", 3)
    }
    assert set(opened) == {DENYING, CONDITIONAL, SILENT}
    answer_window = at(opened[SILENT]["due_at"]) - at(opened[SILENT]["opened_at"])
    assert answer_window.total_seconds() < CONSULTATION_TIME + 5  # the policy file's, not 30 days
    await recommend_denial_over_http(settings, opened[DENYING]["referral_id"])
    await approve_with_conditions_by_event(kafka, case, opened[CONDITIONAL]["referral_id"])

    [concluded] = await about(kafka, case, "ConsultationConcluded", timeout=CONSULTATION_TIME + 120)
    outcome = concluded["data"]
    positions = {p["stakeholder_id"]: p for p in outcome["positions"]}
    assert outcome["dissent"] is True
    assert outcome["deemed_no_objection"] == [SILENT]
    assert positions[DENYING]["position"] == "recommend_denial"
    assert positions[CONDITIONAL]["conditions"] == ["Independent oversight of every interception"]
    silent = positions[SILENT]
    assert (silent["position"], silent["deemed_no_objection"], silent["answered_at"]) == (
        "no_objection",
        True,
        None,
    )
    recorded = await about(kafka, case, "ReferralResponseRecorded", 2, linger=1.0)
    assert {e["data"]["stakeholder_id"] for e in recorded} == {DENYING, CONDITIONAL}

    [passed] = await collect(
        kafka,
        CONSULTATION_REQUESTS.name,
        lambda seen: len(seen) >= 1,
        where=lambda e: (
            e["subject"] == case.case_id and e["type"] == "ConsultationDeadlinePassed.v1"
        ),
    )
    assert passed["source"] == "caseflow/workflows"
    await reminded_only_while_silent(kafka, case, recorded)
    await escalated_as_the_officer_sees_it(settings, temporal, kafka, case)


def at(timestamp: str) -> datetime:
    """A timestamp of an event, compared as a time (not as text)."""
    return datetime.fromisoformat(timestamp)


async def about(
    kafka: str,
    case: CaseListing,
    kind: str,
    count: int = 1,
    *,
    timeout: float = 90.0,
    linger: float = 0.0,
) -> list[Event]:
    """The consultation service's events of one type about the case."""
    return await collect(
        kafka,
        CONSULTATION_RESPONSES.name,
        lambda seen: len(seen) >= count,
        where=lambda e: e["subject"] == case.case_id and e["type"] == f"{kind}.v1",
        timeout=timeout,
        linger=linger,
    )


async def recommend_denial_over_http(settings: Settings, referral_id: str) -> None:
    """The defence agency answers through the consultation API, with its signed token."""
    url = (settings.state_dir / "run" / "consultation.url").read_text().strip()
    token = await signed_token(settings, Role.STAKEHOLDER, stakeholder=DENYING)
    async with httpx.AsyncClient(base_url=url, timeout=30, headers=bearer(token)) as client:
        answered = await client.post(
            f"/referrals/{referral_id}/responses",
            json={
                "position": "recommend_denial",
                "rationale": "Capability exceeds the stated lawful-interception need",
            },
        )
    assert answered.status_code == 201, answered.text


async def approve_with_conditions_by_event(kafka: str, case: CaseListing, referral_id: str) -> None:
    """The human-rights bureau answers through its Kafka gateway."""
    answer = ReferralAnswered(
        referral_id=referral_id,
        position=Position.APPROVE_WITH_CONDITIONS,
        rationale="Acceptable under independent oversight",
        conditions=["Independent oversight of every interception"],
        answered_by=CONDITIONAL,
    )
    envelope = Envelope.wrap(
        answer, source="gateway:state-drl", subject=case.case_id, correlation_id=case.case_id
    )
    producer = await start_producer(kafka, "e2e-stakeholder-gateway")
    try:
        await producer.send_and_wait(
            CONSULTATION_REQUESTS.name, envelope.to_bytes(), key=case.case_id.encode()
        )
    finally:
        await producer.stop()


async def reminded_only_while_silent(kafka: str, case: CaseListing, recorded: list[Event]) -> None:
    """The reminder reached the silent stakeholder once, and nobody who had answered by then."""
    reminded = await about(kafka, case, "ReferralReminded", linger=1.0)
    assert [e["data"]["stakeholder_id"] for e in reminded].count(SILENT) == 1
    answered_at = {e["data"]["stakeholder_id"]: at(e["data"]["answered_at"]) for e in recorded}
    for event in reminded:
        stakeholder = event["data"]["stakeholder_id"]
        reminded_at = at(event["data"]["reminded_at"])
        assert stakeholder == SILENT or answered_at[stakeholder] > reminded_at


async def escalated_as_the_officer_sees_it(
    settings: Settings, temporal: Client, kafka: str, case: CaseListing
) -> None:
    """The agency's status event, the search attributes and the case view all say escalated."""
    await collect(
        kafka,
        CASES.name,
        lambda seen: len(seen) >= 1,
        where=lambda e: (
            e["subject"] == case.case_id
            and e["type"] == "CaseStatusChanged.v1"
            and e["data"]["status"] == "escalated"
        ),
        timeout=60,
    )
    deadline = time.monotonic() + 60
    query = f"ControlNumber = '{case.control_number}' AND CaseStatus = 'escalated'"
    while not await find_cases(temporal, query):
        assert time.monotonic() < deadline, "the search attributes never said escalated"
        await asyncio.sleep(1)
    shown = caseflow(settings, "case", case.case_id)
    assert "escalated" in shown
    assert "1 silent (no objection)" in shown
    assert "dissent" in shown
    assert "reminded" in shown
