"""The first case end to end, every service its own process, driven by the `caseflow` command."""

from __future__ import annotations

import asyncio
import os
import signal
import time
import uuid
from pathlib import Path

import pytest

from caseflow.auth import Role
from caseflow.settings import Endpoints, Settings
from entrypoints.processes import PROCESS_NAMES, start_processes
from entrypoints.stack import process_status
from schemas.topics import CASES, REJECTIONS
from tests.actors import token_for
from tests.e2e.cli import caseflow
from tests.e2e.reviews import await_review
from tests.support import collect, signed_token
from workflows.client import connect
from workflows.tasks import Reviewer, ReviewerRole

pytestmark = pytest.mark.e2e
OFFICER = Reviewer(id="officer-e2e", role=ReviewerRole.LICENSING_OFFICER)


async def test_sample_cases_flow_to_review_and_a_reviewer_approves_one_from_the_cli(
    processes: None, stack_settings: Settings, stack_endpoints: Endpoints
) -> None:
    suffix = f"-e2e{uuid.uuid4().hex[:6]}"
    assert "submitted 6 message(s)" in caseflow(
        stack_settings, "submit", "--samples", "--suffix", suffix
    )
    temporal = await connect(stack_settings)
    cases = await await_review(temporal, suffix, 6)

    listing = caseflow(stack_settings, "cases", "--status", "under_review")
    assert all(case.control_number in listing for case in cases)
    low = next(case for case in cases if case.risk_level == "low")
    shown = caseflow(stack_settings, "case", low.control_number, "--role", "licensing_officer")
    assert "under_review" in shown
    assert "claim" in shown

    officer = token_for(OFFICER)
    claimed = caseflow(stack_settings, "claim", low.control_number, token=officer)
    assert f"case {low.control_number}: under_review (claimed by officer-e2e)" in claimed
    decided = caseflow(
        stack_settings,
        "decide",
        low.control_number,
        "--outcome",
        "approved",
        "--rationale",
        "Civil end use confirmed; no concerns.",
        *ASSESSED,
        token=officer,
    )
    assert f"case {low.control_number}: decided — approved" in decided
    [event] = await collect(
        stack_endpoints.kafka,
        CASES.name,
        lambda seen: len(seen) >= 1,
        where=lambda event: event["type"] == "CaseDecided.v1" and event["subject"] == low.case_id,
    )
    assert event["data"]["outcome"] == "approved"
    await _audited(stack_settings, low.control_number, "CaseDecided.v1")


# The human-rights assessment, part by part, as options of `caseflow decide`.
ASSESSED = (
    *("--end-user", "A university laboratory; no record of abuses."),
    *("--misuse", "Teaching equipment: no potential for surveillance or repression."),
    *("--destination", "No concerns reported by UN human-rights bodies."),
    *("--source", "Screening result"),
    *("--conclusion", "No serious risk of human-rights violations."),
)


async def _audited(settings: Settings, control_number: str, last: str) -> None:
    """The case's trail records the reviewer's actions up to `last`, and the chain holds."""
    deadline = time.monotonic() + 60
    # The audit API admits enabled accounts only: a reader of its own, not the workflow's actor.
    reader = await signed_token(settings, Role.LICENSING_OFFICER)
    while last not in (
        shown := caseflow(settings, "audit", "show", control_number, ok=(0, 1), token=reader)
    ):
        assert time.monotonic() < deadline, shown
        await asyncio.sleep(1)
    assert shown.count("ReviewerActed.v1") == 2  # claim, decide
    assert "officer-e2e" in shown
    assert "audit trail intact" in caseflow(settings, "audit", "verify", token=reader)


async def test_a_malformed_submission_is_rejected_and_the_services_keep_running(
    processes: None, stack_settings: Settings, stack_endpoints: Endpoints, tmp_path: Path
) -> None:
    reference = f"MALFORMED-{uuid.uuid4().hex[:6]}"
    path = tmp_path / "broken.json"
    path.write_text(
        '{"type": "SubmitApplication.v1", "data": {"submitting_agency": "NL-CDIU", '
        f'"agency_reference": "{reference}", "items": []}}}}'
    )
    caseflow(stack_settings, "submit", str(path))
    [rejection] = await collect(
        stack_endpoints.kafka,
        REJECTIONS.name,
        lambda seen: len(seen) >= 1,
        where=lambda event: event["data"]["agency_reference"] == reference,
    )
    codes = {deficiency["code"] for deficiency in rejection["data"]["deficiencies"]}
    assert {"missing_field", "invalid_value"} <= codes
    assert all(
        process_status(stack_settings.state_dir.resolve(), name).state == "running"
        for name in PROCESS_NAMES
    )


async def test_services_killed_and_started_again_carry_on(
    processes: None, stack_settings: Settings, stack_endpoints: Endpoints
) -> None:
    state_dir = stack_settings.state_dir.resolve()
    for name in PROCESS_NAMES:
        pid = process_status(state_dir, name).pid
        assert pid is not None
        os.kill(pid, signal.SIGKILL)
    await asyncio.sleep(1)
    await start_processes(stack_settings)
    suffix = f"-kill{uuid.uuid4().hex[:6]}"
    caseflow(stack_settings, "submit", "--samples", "--suffix", suffix)
    temporal = await connect(stack_settings)
    assert len(await await_review(temporal, suffix, 6)) == 6


async def test_a_reviewer_refers_a_critical_case_and_the_consultation_service_refers_it_on(
    processes: None, stack_settings: Settings, stack_endpoints: Endpoints
) -> None:
    suffix = f"-ref{uuid.uuid4().hex[:6]}"
    caseflow(stack_settings, "submit", "--samples", "--suffix", suffix)
    temporal = await connect(stack_settings)
    cases = await await_review(temporal, suffix, 6)
    critical = next(case for case in cases if case.risk_level == "critical")
    officer = token_for(OFFICER)
    caseflow(stack_settings, "claim", critical.control_number, token=officer)
    referred = caseflow(stack_settings, "refer", critical.control_number, token=officer)
    assert f"case {critical.control_number}: referred" in referred
    deadline = time.monotonic() + 60
    while "consultation opened" not in (
        shown := caseflow(stack_settings, "case", critical.case_id)
    ):
        assert time.monotonic() < deadline, f"no ConsultationOpened reached the case:\n{shown}"
        await asyncio.sleep(1)
    assert "us-state-drl" in shown
    assert "Proposed for consultation" in shown
