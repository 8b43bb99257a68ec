"""Consultation against the real broker and PostgreSQL, the workflow's part played by the test."""

from __future__ import annotations

import asyncio
import uuid
from datetime import timedelta
from typing import Any

import httpx
import pytest

from caseflow.auth import Role
from caseflow.bad_messages.parked_topic import read_parked
from caseflow.kafka import start_producer
from caseflow.settings import Endpoints, Settings
from schemas.consultation import (
    ConsultationDeadlinePassed,
    ConsultationRequested,
    Position,
    ReferralAnswered,
    ReferralStatus,
    ShareNotice,
)
from schemas.envelope import Contract, Envelope, utcnow
from schemas.screening import NoticeKind
from schemas.topics import CONSULTATION_REQUESTS, CONSULTATION_RESPONSES, SHARING_NOTICES
from services.consultation.config import CONSUMER
from tests.support import Event, bearer, caseflow, collect, signed_token
from tests.unit.test_consultation_routing import BROKER, surveillance_request

pytestmark = pytest.mark.integration

THREE = ["us-dod-dtsa", "us-state-drl", "cso-digital-rights"]
CONFLICTED = "ind-security-tech"  # the applicant sits on its board


async def send(bootstrap: str, *commands: tuple[str, Contract]) -> None:
    """Publish commands as the workflow (or a stakeholder gateway) would, keyed by case."""
    producer = await start_producer(bootstrap, "test-workflow")
    try:
        for case_id, data in commands:
            envelope = Envelope.wrap(data, source="test", subject=case_id, correlation_id=case_id)
            await producer.send_and_wait(
                CONSULTATION_REQUESTS.name, envelope.to_bytes(), key=case_id.encode()
            )
    finally:
        await producer.stop()


async def responses(bootstrap: str, case_id: str, kind: str, count: int = 1) -> list[Event]:
    """The service's events of one type about one case, once `count` have arrived."""
    return await collect(
        bootstrap,
        CONSULTATION_RESPONSES.name,
        lambda seen: len(seen) >= count,
        where=lambda event: event["subject"] == case_id and event["type"] == f"{kind}.v1",
        linger=1.0,
    )


def fresh_case(**changes: Any) -> ConsultationRequested:
    """The high-risk surveillance case under a new case and request id."""
    case_id = str(uuid.uuid4())
    request = surveillance_request(f"{case_id}/consultation/1", case_id, proposed=THREE)
    return request.model_copy(update=changes)


async def test_denial_against_conditional_approval_and_silence_concludes_with_dissent(
    consultation: httpx.AsyncClient, stack_endpoints: Endpoints
) -> None:
    kafka = stack_endpoints.kafka
    due = utcnow() + timedelta(seconds=10)  # the workflow's timer, shortened to seconds
    request = fresh_case(proposed_stakeholders=[*THREE, CONFLICTED], due_at=due)
    case_id = request.case_id
    await send(kafka, (case_id, request))

    opened = {
        e["data"]["stakeholder_id"]: e["data"]
        for e in await responses(kafka, case_id, "ReferralOpened", 3)
    }
    assert set(opened) == set(THREE)
    [summary] = await responses(kafka, case_id, "ConsultationOpened")
    [left_out] = summary["data"]["left_out"]
    assert left_out["stakeholder_id"] == CONFLICTED
    assert "conflict of interest" in left_out["reason"]
    defence, rights_office, ngo = (opened[s] for s in THREE)
    await send(
        kafka,
        (
            case_id,
            ReferralAnswered(
                referral_id=defence["referral_id"],
                position=Position.RECOMMEND_DENIAL,
                rationale="Capability exceeds the stated lawful-interception need",
            ),
        ),
    )
    answered = await consultation.post(
        f"/referrals/{rights_office['referral_id']}/responses",
        json={
            "position": "approve_with_conditions",
            "rationale": "Acceptable with independent oversight",
            "conditions": ["Judicial warrant for every interception", "Annual audit report"],
        },
    )
    assert answered.status_code == 201, answered.text
    await responses(kafka, case_id, "ReferralResponseRecorded", 2)
    assert ngo["due_at"].startswith(due.isoformat()[:19])
    await asyncio.sleep((due - utcnow()).total_seconds())  # the NGO stays silent past it
    passed = ConsultationDeadlinePassed(
        case_id=case_id, request_id=request.request_id, deadline=due
    )
    await send(kafka, (case_id, passed))

    [concluded] = await responses(kafka, case_id, "ConsultationConcluded")
    outcome = concluded["data"]
    assert outcome["dissent"] is True
    assert outcome["deemed_no_objection"] == ["cso-digital-rights"]
    positions = {p["stakeholder_id"]: p for p in outcome["positions"]}
    assert positions["us-dod-dtsa"]["position"] == "recommend_denial"
    assert positions["us-state-drl"]["conditions"] == [
        "Judicial warrant for every interception",
        "Annual audit report",
    ]
    silent = positions["cso-digital-rights"]
    assert (silent["position"], silent["deemed_no_objection"], silent["answered_at"]) == (
        "no_objection",
        True,
        None,
    )


async def test_a_civil_society_referral_carries_no_commercial_value_and_no_personal_data(
    consultation: httpx.AsyncClient, stack_endpoints: Endpoints
) -> None:
    request = fresh_case()
    await send(stack_endpoints.kafka, (request.case_id, request))

    opened = await responses(stack_endpoints.kafka, request.case_id, "ReferralOpened", 3)

    by_kind = {event["data"]["stakeholder_kind"]: event for event in opened}
    ngo_view = str(by_kind["civil_society"]).casefold()
    for secret in ("1250000", "2500000", "'eur'", *BROKER.casefold().split()):
        assert secret not in ngo_view
    assert all(
        item["unit_value"] is None for item in by_kind["civil_society"]["data"]["case"]["items"]
    )
    agency_view = str(by_kind["agency"])
    assert "1250000" in agency_view
    assert BROKER in agency_view


async def test_late_duplicate_unknown_and_incomplete_answers_are_refused_over_http(
    consultation: httpx.AsyncClient, stack_endpoints: Endpoints
) -> None:
    kafka = stack_endpoints.kafka
    timely, lapsed = fresh_case(), fresh_case(due_at=utcnow() - timedelta(minutes=1))
    await send(kafka, (timely.case_id, timely), (lapsed.case_id, lapsed))
    [open_one, other, _] = await responses(kafka, timely.case_id, "ReferralOpened", 3)
    [overdue, *_] = await responses(kafka, lapsed.case_id, "ReferralOpened", 3)
    no_objection = {"position": "no_objection"}

    first = await consultation.post(
        f"/referrals/{open_one['data']['referral_id']}/responses", json=no_objection
    )
    again = await consultation.post(
        f"/referrals/{open_one['data']['referral_id']}/responses",
        json={"position": "recommend_denial", "rationale": "changed my mind"},
    )
    late = await consultation.post(
        f"/referrals/{overdue['data']['referral_id']}/responses", json=no_objection
    )
    unknown = await consultation.post("/referrals/no-such-referral/responses", json=no_objection)
    bare_denial = await consultation.post(
        f"/referrals/{other['data']['referral_id']}/responses",
        json={"position": "recommend_denial"},
    )

    assert first.status_code == 201
    assert (again.status_code, again.json()["detail"]["reason"]) == (409, "already_answered")
    assert (late.status_code, late.json()["detail"]["reason"]) == (409, "late")
    assert (unknown.status_code, unknown.json()["detail"]["reason"]) == (404, "unknown_referral")
    assert (bare_denial.status_code, bare_denial.json()["detail"]["reason"]) == (
        422,
        "incomplete_answer",
    )
    kept = await consultation.get(f"/referrals/{open_one['data']['referral_id']}")
    assert kept.json()["position"] == "no_objection"
    still_open = await consultation.get(f"/referrals/{overdue['data']['referral_id']}")
    assert (still_open.json()["status"], still_open.json()["overdue"]) == ("open", True)
    unanswered = await consultation.get(f"/referrals/{other['data']['referral_id']}")
    assert unanswered.json()["status"] == "open"


async def test_an_unreadable_command_is_set_aside_and_the_next_one_is_still_handled(
    consultation: httpx.AsyncClient, stack_endpoints: Endpoints
) -> None:
    request = fresh_case()
    producer = await start_producer(stack_endpoints.kafka, "test-garbage")
    try:
        await producer.send_and_wait(
            CONSULTATION_REQUESTS.name, b"\xff not json", key=request.case_id.encode()
        )
    finally:
        await producer.stop()
    await send(stack_endpoints.kafka, (request.case_id, request))

    assert len(await responses(stack_endpoints.kafka, request.case_id, "ReferralOpened", 3)) == 3
    [kept] = [
        parked
        for parked in await read_parked(stack_endpoints.kafka)
        if parked.key == request.case_id and parked.topic == CONSULTATION_REQUESTS.name
    ]
    assert (kept.consumer, kept.error_type) == (CONSUMER, "UnreadableMessage")
    assert kept.raw_body() == b"\xff not json"
    assert kept.error  # the reason, for the operator who reads `caseflow parked list`


async def test_an_answer_by_event_to_an_unknown_referral_is_refused_by_event(
    consultation: httpx.AsyncClient, stack_endpoints: Endpoints
) -> None:
    subject = f"stray-{uuid.uuid4().hex[:8]}"
    stray = ReferralAnswered(referral_id=subject, position=Position.NO_OBJECTION)
    await send(stack_endpoints.kafka, (subject, stray))

    [refused] = await collect(
        stack_endpoints.kafka,
        CONSULTATION_RESPONSES.name,
        lambda seen: len(seen) >= 1,
        where=lambda event: (
            event["type"] == "ReferralResponseRefused.v1"
            and event["data"]["referral_id"] == subject
        ),
    )
    assert refused["data"]["reason"] == "unknown_referral"


async def test_need_more_time_extends_a_referral_once(
    consultation: httpx.AsyncClient, stack_endpoints: Endpoints
) -> None:
    request = fresh_case()
    await send(stack_endpoints.kafka, (request.case_id, request))
    [opened, *_] = await responses(stack_endpoints.kafka, request.case_id, "ReferralOpened", 3)
    path = f"/referrals/{opened['data']['referral_id']}/responses"
    more_time = {"position": "need_more_time", "rationale": "Field research in progress"}

    extended = await consultation.post(path, json=more_time)
    refused = await consultation.post(path, json=more_time)

    assert extended.status_code == 201
    assert extended.json()["extended"] is True
    assert (refused.status_code, refused.json()["detail"]["reason"]) == (
        409,
        "extension_already_granted",
    )
    [moved] = await responses(stack_endpoints.kafka, request.case_id, "ReferralExtended")
    assert moved["data"]["due_at"] > opened["data"]["due_at"]


async def test_open_and_overdue_referrals_are_listed_per_stakeholder_by_http_and_command(
    consultation: httpx.AsyncClient, stack_settings: Settings, stack_endpoints: Endpoints
) -> None:
    lapsed = fresh_case(due_at=utcnow() - timedelta(minutes=5))
    await send(stack_endpoints.kafka, (lapsed.case_id, lapsed))
    await responses(stack_endpoints.kafka, lapsed.case_id, "ReferralOpened", 3)
    officer = await signed_token(stack_settings, Role.LICENSING_OFFICER)

    listed = await consultation.get(
        "/referrals", params={"stakeholder": "cso-digital-rights", "overdue": True}
    )
    assert lapsed.case_id in {referral["case_id"] for referral in listed.json()}
    assert {referral["stakeholder_id"] for referral in listed.json()} == {"cso-digital-rights"}
    shown = await caseflow(
        stack_settings,
        "consultation",
        "referrals",
        "--stakeholder",
        "us-dod-dtsa",
        "--overdue",
        token=officer,
    )
    others = await caseflow(
        stack_settings, "consultation", "referrals", "--stakeholder", "nobody", token=officer
    )
    not_signed_in = await caseflow(stack_settings, "consultation", "referrals", status=1)
    assert lapsed.case_id in shown
    assert "overdue" in shown
    assert "cso-digital-rights" not in shown
    assert lapsed.case_id not in others
    assert "0 open referral(s)" in others
    assert "not signed in" in not_signed_in


async def test_staff_count_referrals_per_status_and_a_stakeholder_may_not(
    consultation: httpx.AsyncClient, stack_settings: Settings, stack_endpoints: Endpoints
) -> None:
    before = (await consultation.get("/referral-counts")).json()
    lapsed = fresh_case(due_at=utcnow() - timedelta(minutes=5))
    await send(stack_endpoints.kafka, (lapsed.case_id, lapsed))
    await responses(stack_endpoints.kafka, lapsed.case_id, "ReferralOpened", 3)
    stakeholder = await signed_token(
        stack_settings, Role.STAKEHOLDER, stakeholder="cso-digital-rights"
    )

    after = (await consultation.get("/referral-counts")).json()
    async with httpx.AsyncClient(base_url=consultation.base_url, timeout=10) as bare:
        anonymous = await bare.get("/referral-counts")
        as_stakeholder = await bare.get("/referral-counts", headers=bearer(stakeholder))

    assert after["by_status"]["open"] - before["by_status"]["open"] == 3
    assert after["overdue"] - before["overdue"] >= 3  # others may have lapsed meanwhile
    assert set(after["by_status"]) == {status.value for status in ReferralStatus}
    assert (anonymous.status_code, as_stakeholder.status_code) == (401, 403)


async def test_the_registry_lists_each_stakeholder_with_its_declared_conflicts(
    consultation: httpx.AsyncClient, stack_settings: Settings, stack_endpoints: Endpoints
) -> None:
    operator = await signed_token(stack_settings, Role.OPERATOR)
    shown = await caseflow(stack_settings, "stakeholders", "list", token=operator)

    assert "ind-security-tech" in shown
    assert "party Delta Netwerkbeveiliging BV" in shown
    assert "partner_state (DE)" in shown


async def test_a_denial_notice_is_shared_with_partner_states_naming_only_the_minimum(
    consultation: httpx.AsyncClient, stack_endpoints: Endpoints
) -> None:
    request = fresh_case()
    notice_id = f"US/{request.case_id[:8]}"
    command = ShareNotice(
        case_id=request.case_id,
        kind=NoticeKind.DENIAL,
        issuing_state="US",
        notice_id=notice_id,
        destination_country=request.destination_country,
        parties=request.case_summary.parties,
        technology_categories=request.technology_categories,
        control_codes=request.control_codes,
        reason="Risk of use in the surveillance of journalists",
    )
    await send(stack_endpoints.kafka, (request.case_id, command), (request.case_id, command))

    shared = await collect(
        stack_endpoints.kafka,
        SHARING_NOTICES.name,
        lambda seen: len(seen) >= 1,
        where=lambda event: event["data"].get("notice_id") == notice_id,
        linger=2.0,
    )
    assert len(shared) == 1
    notice = shared[0]["data"]
    assert {party["role"] for party in notice["parties"]} == {"intermediate_consignee", "end_user"}
    assert "Delta" not in str(notice)
