"""Case data in Temporal's history is ciphertext; operators with a token read it via the codec."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from datetime import timedelta

import httpx
import pytest
from google.protobuf import json_format
from temporalio.api.common.v1 import Payloads, WorkflowExecution
from temporalio.api.query.v1 import WorkflowQuery
from temporalio.api.workflowservice.v1 import QueryWorkflowRequest
from temporalio.client import Client

from caseflow.auth import Principal, Role, open_accounts
from caseflow.auth.tokens import issuer
from caseflow.loopback import free_ports
from caseflow.settings import Endpoints, Settings
from entrypoints.samples import sample_applications
from schemas.screening import RiskLevel
from tests.integration.case_harness import CaseHarness
from workflows.client import workflow_id
from workflows.codec_server import run_codec_server

pytestmark = [pytest.mark.integration]
PARTIES = {party.name for _, party in sample_applications()[0].parties()}
OPERATOR = Principal(name="operator-codec-test", role=Role.OPERATOR)
OFFICER = Principal(name="officer-codec-test", role=Role.LICENSING_OFFICER)


@pytest.fixture(scope="module")
async def tokens(stack_settings: Settings, stack_endpoints: Endpoints) -> dict[str, str]:
    """Bearer tokens of an operator and of a licensing officer, both with enabled accounts."""
    async with open_accounts(stack_endpoints.database) as accounts:
        for principal in (OPERATOR, OFFICER):
            if await accounts.is_active(principal.name):
                continue
            await accounts.add(principal, "a long enough password")
    keys = issuer(stack_settings)  # the desk's keys: the codec server verifies, never signs
    return {who.role: keys.issue(who, timedelta(hours=1)) for who in (OPERATOR, OFFICER)}


@pytest.fixture(scope="module")
async def codec_server(stack_settings: Settings, stack_endpoints: Endpoints) -> AsyncIterator[str]:
    """The codec server as its process runs it, on a free port."""
    [port] = free_ports(1)
    settings = stack_settings.model_copy(update={"codec_port": port})
    ready = asyncio.Event()

    async def mark_ready() -> None:
        ready.set()

    serving = asyncio.create_task(run_codec_server(settings, on_ready=mark_ready))
    await asyncio.wait_for(ready.wait(), timeout=30)
    yield f"http://127.0.0.1:{port}"
    serving.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await serving


async def _raw_client(endpoints: Endpoints) -> Client:
    """A client without the codec: sees what the Temporal server stores."""
    return await Client.connect(endpoints.temporal)


async def _stored(endpoints: Endpoints, case_id: str) -> tuple[bytes, Payloads]:
    """The case's history as stored, and its case card (current details) as the UI gets it."""
    raw = await _raw_client(endpoints)
    history = await raw.get_workflow_handle(workflow_id(case_id)).fetch_history()
    answer = await raw.workflow_service.query_workflow(
        QueryWorkflowRequest(
            namespace="default",
            execution=WorkflowExecution(workflow_id=workflow_id(case_id)),
            query=WorkflowQuery(query_type="__temporal_workflow_metadata"),
        )
    )
    description = await raw.get_workflow_handle(workflow_id(case_id)).describe()
    stored = b"".join(event.SerializeToString() for event in history.events)
    stored += description.raw_description.SerializeToString()
    return stored, answer.query_result


async def test_the_stored_history_memo_and_case_card_hold_no_plaintext_party_name(
    cases: CaseHarness, stack_endpoints: Endpoints
) -> None:
    case_id = await cases.open_case(RiskLevel.HIGH)
    stored, card = await _stored(stack_endpoints, case_id)
    assert len(stored) > 1000
    for name in PARTIES:
        assert name.encode() not in stored, name
        assert name.encode() not in card.SerializeToString(), name
    # The same history read through the codec does carry them.
    view = await cases.view(case_id)
    assert {party.name for _, party in view.application.parties()} == PARTIES


async def test_an_operator_with_a_token_decodes_the_case_card_through_the_codec_server(
    cases: CaseHarness, stack_endpoints: Endpoints, codec_server: str, tokens: dict[str, str]
) -> None:
    case_id = await cases.open_case(RiskLevel.HIGH)
    _, card = await _stored(stack_endpoints, case_id)
    async with httpx.AsyncClient(base_url=codec_server) as http:
        answer = await http.post(
            "/decode",
            content=json_format.MessageToJson(card),
            headers={"Authorization": f"Bearer {tokens[Role.OPERATOR]}", "X-Namespace": "default"},
        )
    assert answer.status_code == 200, answer.text
    decoded = json_format.Parse(answer.text, Payloads())
    plain = b"".join(payload.data for payload in decoded.payloads)
    assert all(name.encode() in plain for name in PARTIES)


@pytest.mark.parametrize(
    ("credential", "status"),
    [
        (None, 401),
        ("not-a-token", 401),
        ("Basic b3BlcmF0b3I6eA==", 401),
        (Role.LICENSING_OFFICER, 403),
    ],
)
async def test_a_caller_who_is_not_an_operator_is_refused(
    codec_server: str, tokens: dict[str, str], credential: str | None, status: int
) -> None:
    if credential is None:
        headers = {}
    elif credential in tokens:
        headers = {"Authorization": f"Bearer {tokens[credential]}"}
    else:
        headers = {"Authorization": credential if " " in credential else f"Bearer {credential}"}
    async with httpx.AsyncClient(base_url=codec_server) as http:
        answer = await http.post("/decode", content='{"payloads": []}', headers=headers)
    assert answer.status_code == status, answer.text
    assert "payloads" not in answer.text


async def test_the_ui_origin_may_call_the_codec_server_and_another_origin_may_not(
    codec_server: str, stack_settings: Settings
) -> None:
    ui = f"http://127.0.0.1:{stack_settings.temporal_ui_port}"
    preflight = {"Access-Control-Request-Method": "POST"}
    async with httpx.AsyncClient(base_url=codec_server) as http:
        allowed = await http.options("/decode", headers={"Origin": ui, **preflight})
        foreign = await http.options(
            "/decode", headers={"Origin": "http://evil.example", **preflight}
        )
    assert allowed.headers["access-control-allow-origin"] == ui
    assert "access-control-allow-origin" not in foreign.headers
