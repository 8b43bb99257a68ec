"""A decided case whose workflow Temporal no longer keeps still shows in full, in the desk and
the CLI, from the register of record; its file exports checked against the audit chain."""

from __future__ import annotations

import asyncio
import json
import time
import uuid
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from temporalio.api.common.v1 import WorkflowExecution
from temporalio.api.workflowservice.v1 import DeleteWorkflowExecutionRequest
from temporalio.client import Client
from temporalio.service import RPCError, RPCStatusCode

from caseflow.auth import Principal, Role, open_accounts
from caseflow.auth.dependencies import SESSION_COOKIE
from caseflow.auth.tokens import issuer
from caseflow.settings import Endpoints, Settings
from desk.register_client import NotInRegister, RegisterClient
from entrypoints.samples import sample_assessment
from tests.e2e.cli import caseflow
from tests.e2e.reviews import await_review
from workflows.client import connect, workflow_id

pytestmark = pytest.mark.e2e
PASSWORD = "register-e2e-password"


async def _accounts(settings: Settings, suffix: str) -> dict[str, Principal]:
    principals = {
        "officer": Principal(name=f"officer-{suffix}", role=Role.LICENSING_OFFICER),
        "operator": Principal(name=f"operator-{suffix}", role=Role.OPERATOR),
    }
    async with open_accounts(settings.endpoints().database) as accounts:
        for principal in principals.values():
            await accounts.add(principal, PASSWORD)
    return principals


async def _signed_in(desk: httpx.AsyncClient, name: str) -> dict[str, str]:
    signed = await desk.post("/api/auth/token", json={"name": name, "password": PASSWORD})
    assert signed.status_code == 200, signed.text
    return {"Authorization": f"Bearer {signed.json()['access_token']}"}


async def _in_register(settings: Settings, control_number: str, operator: Principal) -> None:
    token = issuer(settings).issue(operator, timedelta(minutes=5))
    register, deadline = RegisterClient.of(settings), time.monotonic() + 90
    while True:
        try:
            if (await register.case_file(control_number, token)).closed:
                return
        except NotInRegister:
            pass
        assert time.monotonic() < deadline, f"{control_number} never closed in the register"
        await asyncio.sleep(1)


async def _delete_workflow(temporal: Client, case_id: str) -> None:
    """Delete the case's workflow, as Temporal does once its retention passes."""
    await temporal.workflow_service.delete_workflow_execution(
        DeleteWorkflowExecutionRequest(
            namespace=temporal.namespace,
            workflow_execution=WorkflowExecution(workflow_id=workflow_id(case_id)),
        )
    )
    deadline = time.monotonic() + 60
    while True:
        try:
            await temporal.get_workflow_handle(workflow_id(case_id)).describe()
        except RPCError as error:
            if error.status is RPCStatusCode.NOT_FOUND:
                return
            raise
        assert time.monotonic() < deadline, "Temporal kept the workflow"
        await asyncio.sleep(0.5)


def _essentials(view: dict[str, Any]) -> dict[str, Any]:
    """What a reader must still see once Temporal has forgotten the case."""
    decided = view["decided"]
    return {
        "control_number": view["control_number"],
        "status": view["status"],
        "agency": (view["submitting_agency"], view["agency_reference"]),
        "application": view["application"],
        "risk": view["screening"]["risk_level"],
        "findings": view["screening"]["findings"],
        "decided": (decided["outcome"], decided["decided_by"], decided["rationale"]),
        "signed_off": view["sign_off"],  # the assessment with it
    }


async def test_a_decided_case_deleted_from_temporal_shows_in_full_from_the_register(
    processes: None,
    stack_settings: Settings,
    stack_endpoints: Endpoints,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    suffix = uuid.uuid4().hex[:6]
    people = await _accounts(stack_settings, suffix)
    operator = issuer(stack_settings).issue(people["operator"], timedelta(minutes=30))
    monkeypatch.setenv("CASEFLOW_TOKEN", operator)  # the operator signed in, as a script would
    caseflow(stack_settings, "submit", "--samples", "--suffix", f"-reg{suffix}")
    temporal = await connect(stack_settings)
    low = next(c for c in await await_review(temporal, f"-reg{suffix}", 6) if c.risk_level == "low")
    desk_url = (stack_settings.state_dir / "run" / "desk.url").read_text().strip()
    async with httpx.AsyncClient(base_url=desk_url, timeout=60) as desk:
        officer = await _signed_in(desk, people["officer"].name)
        path = f"/api/cases/{low.control_number}"
        claimed = await desk.post(f"{path}/claim", json={"note": ""}, headers=officer)
        assert claimed.status_code == 200, claimed.text
        decided = await desk.post(
            f"{path}/decide",
            json={
                "outcome": "approved",
                "rationale": "Civil end use confirmed by the university; no concerns.",
                "assessment": sample_assessment().model_dump(mode="json"),
            },
            headers=officer,
        )
        assert decided.status_code == 200, decided.text
        from_temporal = (await desk.get(path, headers=officer)).json()
        await _in_register(stack_settings, low.control_number, people["operator"])

        await _delete_workflow(temporal, low.case_id)

        from_register = await desk.get(path, headers=officer)
        assert from_register.status_code == 200, from_register.text
        shown = from_register.json()
        assert _essentials(shown) == _essentials(from_temporal)
        assert shown["sign_off"]["assessment"]["conclusion"] == sample_assessment().conclusion
        assert "register of record" in shown["alert"]
        assert shown["open_actions"] == []
        assert any(f"claim by {people['officer'].name}" in e["note"] for e in shown["timeline"])
        desk.cookies.set(SESSION_COOKIE, officer["Authorization"].removeprefix("Bearer "))
        page = await desk.get(f"/cases/{low.control_number}")
        assert page.status_code == 200
        assert low.control_number in page.text
        assert "approved" in page.text
        listed = await desk.get("/api/tasks", params={"status": "decided"}, headers=officer)
        assert low.control_number in [task["control_number"] for task in listed.json()]
        unknown = await desk.get("/api/cases/Z000000", headers=officer)
        assert unknown.status_code == 404

    cli_case = caseflow(stack_settings, "case", low.control_number)
    assert "decided" in cli_case
    assert f"approved by {people['officer'].name}" in cli_case
    assert "register of record" in cli_case
    assert low.control_number in caseflow(stack_settings, "cases", "--status", "decided")
    closed = caseflow(stack_settings, "register", "cases", "--q", low.control_number)
    assert low.control_number in closed
    assert "1 closed case(s)" in closed
    refused = caseflow(stack_settings, "case", "Z000000", ok=(1,))
    assert "no case Z000000" in refused

    bundle = await _exported(stack_settings, low.control_number, tmp_path)
    assert bundle["case"]["outcome"] == "approved"
    # CaseDecided gained its structured assessment after the register was built: it flows in.
    assert bundle["case"]["decision"]["assessment"]["conclusion"] == sample_assessment().conclusion
    assert bundle["audit"]["chain_intact"]
    assert bundle["audit"]["problems"] == []
    assert (tmp_path / f"case-{low.control_number}.html").exists()
    assert (tmp_path / f"case-{low.control_number}.pdf").read_bytes().startswith(b"%PDF-")
    dry = caseflow(stack_settings, "register", "purge", "--dry-run")
    assert "would pseudonymise" in dry
    assert low.control_number not in dry  # decided today: years inside retention


async def _exported(settings: Settings, control_number: str, out: Path) -> dict[str, Any]:
    """Export until the audit trail has caught up with the case (exit 0), then the bundle."""
    deadline = time.monotonic() + 60
    while True:
        said = caseflow(
            settings, "register", "export", control_number, "--out", str(out), "--pdf", ok=(0, 1)
        )
        if "audit trail vouches for all" in said:
            return dict(json.loads((out / f"case-{control_number}.json").read_text()))
        assert time.monotonic() < deadline, said
        await asyncio.sleep(1)
