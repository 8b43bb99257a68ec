"""The register keeps every case's events from Kafka once, serves case files over HTTP to
signed tokens only, and pseudonymises cases past retention (a dry run first)."""

from __future__ import annotations

import asyncio
import json
import time
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import httpx
import pytest

from caseflow.auth import Principal, Role, open_accounts
from caseflow.auth.tokens import issuer
from caseflow.kafka import start_producer
from caseflow.settings import Endpoints, Settings
from desk.register_client import NotInRegister, RegisterClient, RegisterUnavailable
from entrypoints.register_samples import END_USER, decided_case
from schemas.register import CaseFile, RecordedEvent
from services.register.bootstrap import bootstrap as register_app
from tests.e2e.cli import caseflow

pytestmark = [pytest.mark.integration]
AGENCY = "NL-CDIU"  # the sample case's agency


@pytest.fixture(scope="module")
async def register(stack_settings: Settings) -> AsyncIterator[RegisterClient]:
    async with register_app(stack_settings):
        yield RegisterClient.of(stack_settings)


@pytest.fixture(scope="module")
def operator_name() -> str:
    return f"reg-operator-{uuid.uuid4().hex[:6]}"


@pytest.fixture(scope="module")
async def tokens(stack_settings: Settings, operator_name: str) -> dict[str, str]:
    """A token per role, each of an enabled account."""
    suffix = uuid.uuid4().hex[:6]
    principals = {
        "operator": Principal(name=operator_name, role=Role.OPERATOR),
        "officer": Principal(name=f"reg-officer-{suffix}", role=Role.LICENSING_OFFICER),
        "agency": Principal(name=f"reg-agency-{suffix}", role=Role.AGENCY, agency=AGENCY),
        "other_agency": Principal(name=f"reg-other-{suffix}", role=Role.AGENCY, agency="FR-X"),
    }
    keys = issuer(stack_settings)
    async with open_accounts(stack_settings.endpoints().database) as accounts:
        for principal in principals.values():
            await accounts.add(principal, "register-test-password")
    return {key: keys.issue(p, timedelta(minutes=30)) for key, p in principals.items()}


async def _publish_case(
    endpoints: Endpoints, decided_at: datetime, twice: bool = False
) -> tuple[str, set[str]]:
    """A decided sample case's events on their topics (each twice: a redelivery); its control
    number and the ids of the events published.

    The session's bridge may start a workflow for the case too, whose own events then join the
    case's file: the checks below are about the events published here."""
    control_number = f"R{uuid.uuid4().int % 1_000_000:06d}"
    case_id = str(uuid.uuid4())
    producer = await start_producer(endpoints.kafka, "test-register")
    published: set[str] = set()
    try:
        for topic, envelope in decided_case(case_id, control_number, decided_at):
            published.add(str(envelope["id"]))
            for _ in range(2 if twice else 1):
                value = json.dumps(envelope).encode()
                await producer.send_and_wait(topic, value, key=case_id.encode())
    finally:
        await producer.stop()
    return control_number, published


def _published(case: CaseFile, published: set[str]) -> list[RecordedEvent]:
    """The case file's events that were published by the test, in the file's order."""
    return [event for event in case.events if str(event.event_id) in published]


async def _closed(register: RegisterClient, control_number: str, token: str) -> CaseFile:
    deadline = time.monotonic() + 60
    while True:
        try:
            found = await register.case_file(control_number, token)
            if found.closed and len(found.events) >= 9:  # the nine published, at least
                return found
        except NotInRegister:
            pass
        assert time.monotonic() < deadline, f"{control_number} did not reach the register"
        await asyncio.sleep(0.5)


async def test_a_case_s_events_become_its_file_once_however_often_delivered(
    register: RegisterClient, tokens: dict[str, str], stack_endpoints: Endpoints
) -> None:
    control_number, published = await _publish_case(stack_endpoints, datetime.now(UTC), twice=True)

    case = await _closed(register, control_number, tokens["officer"])

    await asyncio.sleep(1)  # any redelivery still on its way has arrived
    case = await register.case_file(control_number, tokens["officer"])
    # Each event published twice is in the file once.
    assert len(published) == 9
    assert sorted(str(event.event_id) for event in _published(case, published)) == sorted(published)
    # The risk is the latest screening's: a workflow the session's bridge started may have
    # screened the case again, so only the outcome and agency published are checked here.
    assert (case.outcome, case.submitting_agency) == ("denied", AGENCY)
    assert [a["reviewer_id"] for a in case.reviewer_actions] == [
        "officer-1",
        "officer-1",
        "senior-1",
    ]
    assert case.decision is not None
    assert case.decision["countersigned_by"] == "senior-1"
    assert case.retention.keep_until is not None
    assert "2021/821" in case.retention.source
    listed = await register.closed_cases(tokens["agency"], {"q": control_number})
    assert [line.control_number for line in listed] == [control_number]


async def test_the_register_answers_only_signed_tokens_and_an_agency_only_its_own_cases(
    register: RegisterClient, tokens: dict[str, str], stack_endpoints: Endpoints
) -> None:
    control_number, _ = await _publish_case(stack_endpoints, datetime.now(UTC))
    await _closed(register, control_number, tokens["operator"])

    assert (await register.case_file(control_number, tokens["agency"])).closed
    with pytest.raises(NotInRegister, match="the register holds no case"):
        await register.case_file(control_number, tokens["other_agency"])
    assert await register.closed_cases(tokens["other_agency"], {"q": control_number}) == []
    with pytest.raises(NotInRegister, match="the register holds no case 'Z000000'"):
        await register.case_file("Z000000", tokens["operator"])
    async with httpx.AsyncClient(base_url=register.url) as http:
        anonymous = await http.get(f"/cases/{control_number}")
        forged = await http.get(
            f"/cases/{control_number}", headers={"Authorization": "Bearer forged.token.here"}
        )
        unknown = await http.get(
            "/cases/Z000000", headers={"Authorization": f"Bearer {tokens['operator']}"}
        )
    assert anonymous.status_code == forged.status_code == 401
    assert unknown.status_code == 404
    assert unknown.json()["detail"]["reason"] == "unknown_case"


async def test_purge_dry_run_shows_what_would_change_and_the_purge_keeps_the_decision(
    register: RegisterClient,
    tokens: dict[str, str],
    stack_endpoints: Endpoints,
    stack_settings: Settings,
    operator_name: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    long_ago = datetime.now(UTC) - timedelta(days=6 * 366)
    control_number, published = await _publish_case(stack_endpoints, long_ago)
    before = await _closed(register, control_number, tokens["operator"])

    with pytest.raises(RegisterUnavailable, match="403"):
        await register.purge(tokens["officer"], dry_run=True)
    dry = await register.purge(tokens["operator"], dry_run=True)

    [change] = [c for c in dry.cases if c.control_number == control_number]
    assert "CaseReceived$.application.end_users[0].name" in change.fields
    assert "CaseDecided$.decided_by" in change.fields
    monkeypatch.setenv("CASEFLOW_TOKEN", tokens["operator"])  # the operator signed in
    said = await asyncio.to_thread(caseflow, stack_settings, "register", "purge", "--dry-run")
    assert "would pseudonymise" in said
    assert control_number in said
    assert "CaseDecided$.decided_by" in said
    unchanged = await register.case_file(control_number, tokens["operator"])
    assert _published(unchanged, published) == _published(before, published)
    assert unchanged.decision == before.decision

    done = await register.purge(tokens["operator"], dry_run=False)

    assert control_number in [c.control_number for c in done.cases]
    after = await register.case_file(control_number, tokens["operator"])
    assert after.retention.pseudonymised_at is not None
    assert END_USER not in after.model_dump_json()
    assert "officer-1" not in after.model_dump_json()
    assert after.decision is not None
    assert before.decision is not None
    assert (after.outcome, after.decided_at) == (before.outcome, before.decided_at)
    assert after.decision["human_rights_assessment"] == before.decision["human_rights_assessment"]
    digests = [e.digest for e in _published(before, published)]
    assert [e.digest for e in _published(after, published)] == digests
    again = await register.purge(tokens["operator"], dry_run=True)
    assert control_number not in [c.control_number for c in again.cases]
