"""The audit service chains every event onto an append-only trail and serves its rows as stored;
`caseflow audit verify` recomputes the chain from them, so tampering is detected."""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import asyncpg
import httpx
import pytest
from fastapi import FastAPI, Request

from caseflow.auth import Role
from caseflow.bad_messages.parked_topic import read_parked
from caseflow.http import HttpServer
from caseflow.kafka import start_producer
from caseflow.loopback import free_ports
from caseflow.settings import Endpoints, Settings
from schemas.cases import CaseStatus
from schemas.envelope import Contract, Envelope
from schemas.review import ReviewerActed
from schemas.topics import CASES, REVIEW_ACTIONS, Topic
from services.audit.bootstrap import bootstrap as audit_app
from services.audit.config import CONSUMER
from tests.integration.test_outbox_relay import status_event
from tests.support import bearer, caseflow, signed_token

pytestmark = [pytest.mark.integration]
GARBAGE = b"\xff\xfe not an envelope"


@pytest.fixture(scope="module")
async def audit_service(stack_settings: Settings) -> AsyncIterator[str]:
    """The audit service on its own port (it writes its address for the CLI too); its API's
    address."""
    [port] = free_ports(1)
    async with audit_app(stack_settings.model_copy(update={"audit_http_port": port})):
        yield f"http://127.0.0.1:{port}"


async def verify(settings: Settings, status: int = 0) -> str:
    """What `caseflow audit verify` says to an operator, exiting with `status`."""
    operator = await signed_token(settings, Role.OPERATOR)
    return await caseflow(settings, "audit", "verify", token=operator, status=status)


@pytest.fixture
async def superuser(stack_endpoints: Endpoints) -> AsyncIterator[asyncpg.Connection]:
    """The embedded server's superuser, as someone with full access to the database would be."""
    connection = await asyncpg.connect(stack_endpoints.database)
    await connection.execute("SET search_path TO audit")
    yield connection
    await connection.close()


def _envelope(case_id: str, data: Contract) -> bytes:
    return Envelope.wrap(data, source="tests", subject=case_id, correlation_id="t").to_bytes()


async def _publish(bootstrap: str, *messages: tuple[Topic, str, bytes]) -> None:
    producer = await start_producer(bootstrap, "test-audit")
    try:
        for topic, key, value in messages:
            await producer.send_and_wait(topic.name, value, key=key.encode())
    finally:
        await producer.stop()


async def _case_recorded(connection: asyncpg.Connection, case_id: str, rows: int) -> list[int]:
    deadline = time.monotonic() + 60
    while True:
        seqs = [
            r["seq"]
            for r in await connection.fetch(
                "SELECT seq FROM trail WHERE case_id = $1 ORDER BY seq", case_id
            )
        ]
        if len(seqs) >= rows or time.monotonic() > deadline:
            return seqs
        await asyncio.sleep(0.3)


async def _events_of_a_case(endpoints: Endpoints) -> str:
    """A status change and a reviewer action of a fresh case, and garbage."""
    case_id = str(uuid.uuid4())
    now = datetime.now(UTC)
    claimed = ReviewerActed(
        case_id=case_id,
        control_number="Z999999",
        action="claim",
        reviewer_id="officer-9",
        reviewer_role="licensing_officer",
        acted_at=now,
        status=CaseStatus.UNDER_REVIEW,
        task={"reviewer": {"id": "officer-9", "role": "licensing_officer"}, "note": ""},
    )
    status_changed = status_event(case_id).to_bytes()
    await _publish(
        endpoints.kafka,
        (CASES, case_id, status_changed),
        # Other tests read caseflow.cases as JSON: the garbage goes where only the audit reads.
        (REVIEW_ACTIONS, case_id, GARBAGE),
        (REVIEW_ACTIONS, case_id, _envelope(case_id, claimed)),
        (CASES, case_id, status_changed),  # delivered twice: recorded once
    )
    return case_id


@dataclass(frozen=True)
class RecordedCase:
    """A fresh case whose two events the audit service has chained, and their rows."""

    case_id: str
    seqs: list[int]


@pytest.fixture
async def recorded(
    audit_service: str, stack_endpoints: Endpoints, superuser: asyncpg.Connection
) -> RecordedCase:
    case_id = await _events_of_a_case(stack_endpoints)
    return RecordedCase(case_id, await _case_recorded(superuser, case_id, 2))


async def test_every_event_is_recorded_once_and_garbage_is_set_aside(
    recorded: RecordedCase,
    stack_settings: Settings,
    stack_endpoints: Endpoints,
    superuser: asyncpg.Connection,
) -> None:
    case_id = recorded.case_id
    assert len(recorded.seqs) == 2
    await asyncio.sleep(2)  # the duplicate has had time to arrive
    types = await superuser.fetch(
        "SELECT event_type FROM trail WHERE case_id = $1 ORDER BY seq", case_id
    )
    assert sorted(r["event_type"] for r in types) == ["CaseStatusChanged.v1", "ReviewerActed.v1"]
    [garbage] = [
        parked
        for parked in await read_parked(stack_endpoints.kafka)
        if parked.key == case_id and parked.consumer == f"{CONSUMER}-{REVIEW_ACTIONS.name}"
    ]
    assert (garbage.raw_body(), garbage.error_type) == (GARBAGE, "UnreadableMessage")
    assert "audit trail intact" in await verify(stack_settings)


async def test_the_application_cannot_change_or_delete_a_row(
    recorded: RecordedCase, superuser: asyncpg.Connection
) -> None:
    [seq, *_] = recorded.seqs
    with pytest.raises(asyncpg.InsufficientPrivilegeError, match="append-only"):
        await superuser.execute("UPDATE trail SET event_type = 'x' WHERE seq = $1", seq)
    with pytest.raises(asyncpg.InsufficientPrivilegeError, match="append-only"):
        await superuser.execute("DELETE FROM trail WHERE seq = $1", seq)
    with pytest.raises(asyncpg.InsufficientPrivilegeError, match="append-only"):
        await superuser.execute("TRUNCATE trail")


async def test_verify_names_a_row_changed_or_deleted_behind_the_triggers_back(
    recorded: RecordedCase, stack_settings: Settings, superuser: asyncpg.Connection
) -> None:
    first, second = recorded.seqs[:2]
    kept = await superuser.fetch("SELECT * FROM trail WHERE seq = ANY($1)", [first, second])
    # A superuser can switch triggers off for the session: the chain still tells.
    await superuser.execute("SET session_replication_role = replica")
    try:
        await superuser.execute(
            "UPDATE trail SET content = replace(content, 'Z999999', 'Z999998') WHERE seq = $1",
            second,
        )
        changed = await verify(stack_settings, status=1)
        await superuser.execute("DELETE FROM trail WHERE seq = $1", first)
        deleted = await verify(stack_settings, status=1)
    finally:
        await _restore(superuser, kept)
    restored = await verify(stack_settings)

    assert f"row {second}: changed after it was recorded (hash mismatch)" in changed
    assert "audit trail TAMPERED: 1 problem(s)" in changed
    assert f"row {first}: deleted" in deleted
    assert "audit trail intact" in restored


async def test_staff_read_the_trail_in_pages_that_link_and_others_may_not(
    audit_service: str, recorded: RecordedCase, stack_settings: Settings
) -> None:
    case_id, [first, *_] = recorded.case_id, recorded.seqs
    officer = await signed_token(stack_settings, Role.LICENSING_OFFICER)
    stakeholder = await signed_token(stack_settings, Role.STAKEHOLDER, stakeholder="us-dod-dtsa")
    agency = await signed_token(stack_settings, Role.AGENCY, agency="DE-BAFA")
    async with httpx.AsyncClient(base_url=audit_service, timeout=10) as http:
        pages = [
            await http.get("/trail", params={"after": after, "limit": 1}, headers=bearer(officer))
            for after in (first - 1, first)
        ]
        refused = [
            (await http.get("/trail", headers=headers)).status_code
            for headers in ({}, bearer(stakeholder), bearer(agency))
        ]
        too_many = await http.get("/trail", params={"limit": 5001}, headers=bearer(officer))
    shown = await caseflow(stack_settings, "audit", "show", case_id, token=officer)

    [page_one, page_two] = [page.json() for page in pages]
    assert [row["seq"] for row in page_one["rows"]] == [first]
    assert page_one["next"] == first
    assert page_two["rows"][0]["prev_hash"] == page_one["rows"][0]["hash"]
    assert refused == [401, 403, 403]
    assert too_many.status_code == 422
    assert "ReviewerActed.v1" in shown
    assert "officer-9" in shown


async def test_verify_detects_a_row_altered_in_the_services_answer(
    audit_service: str, recorded: RecordedCase, stack_settings: Settings, tmp_path: Path
) -> None:
    [first, *_] = recorded.seqs
    operator = await signed_token(stack_settings, Role.OPERATOR)
    # Stands between the CLI and the audit service, and changes one row of what it answers.
    altering = FastAPI()

    @altering.get("/trail")
    async def trail(request: Request) -> Any:
        async with httpx.AsyncClient(base_url=audit_service, timeout=10) as http:
            answer = await http.get(
                "/trail",
                params=request.query_params,
                headers={"Authorization": request.headers["Authorization"]},
            )
        page = answer.json()
        for row in page["rows"]:
            if row["seq"] == first:
                row["source"] = "someone else via caseflow.cases"
        return page

    server = HttpServer("altering", "127.0.0.1", 0, 0, tmp_path / "altering.url")
    url = await server.start(altering)
    try:
        told = await caseflow(
            stack_settings,
            "audit",
            "verify",
            token=operator,
            status=1,
            environment={"CASEFLOW_AUDIT_URL": url},
        )
    finally:
        await server.stop()

    assert f"row {first}: changed after it was recorded (hash mismatch)" in told
    assert "audit trail TAMPERED: 1 problem(s)" in told


async def _restore(superuser: asyncpg.Connection, rows: list[asyncpg.Record]) -> None:
    """Put the rows back as they were, for the tests that follow (triggers still off)."""
    await superuser.execute("DELETE FROM trail WHERE seq = ANY($1)", [row["seq"] for row in rows])
    columns = list(rows[0].keys())
    placeholders = ", ".join(f"${n}" for n in range(1, len(columns) + 1))
    for row in rows:
        await superuser.execute(
            f"INSERT INTO trail ({', '.join(columns)}) VALUES ({placeholders})", *row.values()
        )
    await superuser.execute("RESET session_replication_role")
