"""Oversized input to the desk on real servers: refused early with the limit named, never a
server error or a hang; the case goes on taking actions."""

from __future__ import annotations

import asyncio
import json
import uuid
from pathlib import Path

import httpx
import pytest
from faststream.message import StreamMessage
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from structlog.testing import capture_logs
from temporalio.client import Client

from caseflow.http import HttpServer
from caseflow.limits import DESK_REQUEST_BODY, REVIEWER_TEXT, TEMPORAL_PAYLOAD
from caseflow.loopback import free_ports
from caseflow.messaging import Delivery
from desk.app import create_app
from entrypoints.samples import sample_applications
from schemas.cases import CaseAmended, FieldChange
from schemas.envelope import Envelope, utcnow
from schemas.screening import RiskLevel
from tests.actors import token_for
from tests.integration.desk_fixtures import DeskWorld
from workflows.bridge import CASE_SIGNALS, signal_by_type
from workflows.case_client import ActionRefused, ActionTooLarge, claim
from workflows.tasks import Reviewer, ReviewerRole, ReviewerTask

pytestmark = pytest.mark.integration

LIMIT = DESK_REQUEST_BODY.max_bytes


# The web page's forms (not in the OpenAPI document), beside every POST of the API.
WEB_FORMS = (
    "/login",
    "/logout",
    "/cases/{case}/actions/decide",
    "/cases/{case}/clearances",
    "/referrals/{referral_id}/responses",
)


def post_paths(world: DeskWorld, case_id: str) -> list[str]:
    """Every path the desk takes a body on, with a real case and referral in it."""
    documented = create_app(world.desk).openapi()["paths"]
    templates = [path for path, operations in documented.items() if "post" in operations]
    return [
        path.replace("{case}", case_id).replace("{referral_id}", world.referral_id)
        for path in (*templates, *WEB_FORMS)
    ]


def oversized(size: int, shape: str) -> bytes:
    """A body of `size` bytes at least: a decision with a huge field, a huge list, or noise."""
    if shape == "rationale":
        return json.dumps({"outcome": "denied", "rationale": "x" * size}).encode()
    if shape == "conditions":
        return json.dumps(
            {"outcome": "approved", "conditions": ["y" * 100] * (size // 100)}
        ).encode()
    return b"\xff" * size


async def test_every_oversized_body_gets_413_naming_the_limit_never_a_server_error(
    world: DeskWorld, tmp_path: Path
) -> None:
    case_id = await world.harness.open_case(RiskLevel.LOW)
    paths = post_paths(world, case_id)
    assert any(path.endswith("/decide") for path in paths)
    [port] = free_ports(1)
    server = HttpServer("desk-limits", "127.0.0.1", port, port, tmp_path / "desk.url")
    url = await server.start(create_app(world.desk))
    answers: list[tuple[str, int, str]] = []

    def fuzz() -> None:
        with httpx.Client(base_url=url, timeout=60) as client:

            @settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
            @given(
                path=st.sampled_from(paths),
                size=st.integers(min_value=LIMIT + 1, max_value=3_000_000),
                shape=st.sampled_from(["rationale", "conditions", "noise"]),
                account=st.sampled_from(["officer", "senior", "stakeholder", "anonymous"]),
                chunked=st.booleans(),
            )
            def send(path: str, size: int, shape: str, account: str, chunked: bool) -> None:
                body = oversized(size, shape)
                chunks = (body[at : at + 65536] for at in range(0, len(body), 65536))
                reply = client.post(
                    path,
                    content=chunks if chunked else body,
                    headers={**world.as_(account), "Content-Type": "application/json"},
                )
                answers.append((path, reply.status_code, reply.text))
                assert reply.status_code == 413, (path, reply.status_code, reply.text[:300])
                assert "desk_request_body" in reply.json()["message"]

            for decide in (path for path in paths if path.endswith("/decide")):
                # Every decision path at least once, whatever the random draw.
                send = example(
                    path=decide, size=LIMIT + 1, shape="rationale", account="officer", chunked=False
                )(send)
            send()

    try:
        await asyncio.to_thread(fuzz)
    finally:
        await server.stop()
    assert len(answers) >= 20
    assert {path for path, _, _ in answers} >= {p for p in paths if p.endswith("/decide")}


async def test_an_action_too_large_for_temporal_is_refused_naming_the_limit_and_the_case_goes_on(
    world: DeskWorld,
) -> None:
    case_id = await world.harness.open_case(RiskLevel.LOW)
    client = world.desk.temporal
    officer = Reviewer(id=world.names["officer"], role=ReviewerRole.LICENSING_OFFICER)
    huge = ReviewerTask(token=token_for(officer), note="n" * (TEMPORAL_PAYLOAD.max_bytes + 1))

    with pytest.raises(ActionTooLarge, match="temporal_payload of 524288 bytes"):
        await asyncio.wait_for(claim(client, case_id, huge), timeout=10)

    claimed = await claim(client, case_id, ReviewerTask(token=token_for(officer)))
    assert claimed.status == "under_review"


async def test_the_bridge_sets_aside_an_event_too_large_for_temporal_naming_the_limit(
    temporal: Client,
) -> None:
    case_id = str(uuid.uuid4())
    application = sample_applications()[0]
    amended = CaseAmended(
        case_id=case_id,
        control_number="Z999998",
        amended_at=utcnow(),
        reason="r" * 5_000_000,  # past even the gRPC message limit
        changes=[FieldChange(path="$.destination_country", before='"JP"', after='"KR"')],
        application=application,
    )
    envelope = Envelope.wrap(amended, source="tests", subject=case_id, correlation_id="c")
    delivery = Delivery(envelope.to_bytes(), case_id.encode(), "caseflow.cases/0/1")

    parked: list[tuple[str, str]] = []

    async def park(message: StreamMessage[object] | Delivery, reason: str) -> None:
        assert isinstance(message, Delivery)  # the bridge reads batches
        parked.append((message.location, reason))

    with capture_logs() as logs:
        await asyncio.wait_for(signal_by_type(temporal, delivery, CASE_SIGNALS, park), timeout=30)

    [logged] = [entry for entry in logs if entry["event"] == "unreadable message set aside"]
    assert "limit temporal_payload of 524288 bytes" in logged["reason"]
    assert logged["location"] == "caseflow.cases/0/1"
    [(location, reason)] = parked
    assert location == "caseflow.cases/0/1"
    assert "limit temporal_payload of 524288 bytes" in reason


async def test_a_text_over_its_limit_is_refused_by_the_case_naming_it_and_nothing_is_recorded(
    world: DeskWorld,
) -> None:
    case_id = await world.harness.open_case(RiskLevel.LOW)
    client = world.desk.temporal
    officer = Reviewer(id=world.names["officer"], role=ReviewerRole.LICENSING_OFFICER)
    wordy = ReviewerTask(token=token_for(officer), note="n" * (REVIEWER_TEXT.most + 1))

    with pytest.raises(ActionRefused, match="note has 10001 characters: the limit reviewer_text"):
        await claim(client, case_id, wordy)

    claimed = await claim(client, case_id, ReviewerTask(token=token_for(officer)))
    assert claimed.status == "under_review"
    assert claimed.note == f"claimed by {officer.id}"
