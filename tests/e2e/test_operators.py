"""Operators' view of a running flow: each process's /metrics, and the command line's summary."""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import Callable

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families

from caseflow.auth import Role
from caseflow.metrics import url_file
from caseflow.settings import Endpoints, Settings
from entrypoints.agency_client import publish_submissions, sample_messages
from entrypoints.processes import PROCESS_NAMES
from tests.actors import token_for
from tests.e2e.reviews import await_review
from tests.support import caseflow, signed_token
from workflows import case_client
from workflows.case_client import CaseListing
from workflows.client import connect
from workflows.tasks import ConsultationReferral, Reviewer, ReviewerRole, ReviewerTask

pytestmark = pytest.mark.e2e
OFFICER = Reviewer(id="officer-ops")
Samples = dict[tuple[str, frozenset[tuple[str, str]]], float]


async def scrape(settings: Settings, process: str) -> Samples:
    """Every sample a process's /metrics serves, by name and labels."""
    url = url_file(settings, process).read_text()
    async with httpx.AsyncClient() as http:
        response = await http.get(url, timeout=30)
    response.raise_for_status()
    return {
        (sample.name, frozenset(sample.labels.items())): sample.value
        for family in text_string_to_metric_families(response.text)
        for sample in family.samples
    }


def total(samples: Samples, name: str, **labels: str) -> float:
    """The sum of a metric's samples carrying these labels (0 if none)."""
    wanted = set(labels.items())
    return sum(value for (found, has), value in samples.items() if found == name and wanted <= has)


async def scrape_all(settings: Settings) -> dict[str, Samples]:
    return {name: await scrape(settings, name) for name in PROCESS_NAMES}


async def eventually(
    settings: Settings, process: str, holds: Callable[[Samples], bool], timeout: float = 120.0
) -> Samples:
    """Scrape until `holds` (figures read from a store follow the flow a little later)."""
    deadline = time.monotonic() + timeout
    while not holds(samples := await scrape(settings, process)):
        assert time.monotonic() < deadline, f"{process} /metrics never showed it:\n{samples}"
        await asyncio.sleep(1)
    return samples


def malformed(reference: str) -> tuple[str, bytes]:
    """A submission lacking nearly everything: refused for its schema."""
    body = (
        '{"type": "SubmitApplication.v1", "data": {"submitting_agency": "NL-CDIU", '
        f'"agency_reference": "{reference}", "items": []}}}}'
    )
    return f"NL-CDIU:{reference}", body.encode()


async def submit_samples_and_one_malformed(endpoints: Endpoints) -> str:
    """Six sample cases and one deficient submission under a fresh suffix; the suffix."""
    suffix = f"-ops{uuid.uuid4().hex[:6]}"
    messages = [*sample_messages(suffix), malformed(f"BROKEN{suffix}")]
    await publish_submissions(endpoints.kafka, messages)
    return suffix


async def refer_the_critical_case(settings: Settings, cases: list[CaseListing]) -> CaseListing:
    temporal = await connect(settings)
    critical = next(case for case in cases if case.risk_level == "critical")
    await case_client.claim(temporal, critical.case_id, ReviewerTask(token=token_for(OFFICER)))
    await case_client.refer_for_consultation(
        temporal, critical.case_id, ConsultationReferral(token=token_for(OFFICER))
    )
    return critical


async def test_a_flow_of_cases_moves_the_counters_of_every_process(
    processes: None, stack_settings: Settings, stack_endpoints: Endpoints
) -> None:
    before = await scrape_all(stack_settings)
    suffix = await submit_samples_and_one_malformed(stack_endpoints)
    cases = await await_review(await connect(stack_settings), suffix, 6)
    await refer_the_critical_case(stack_settings, cases)
    open_before = total(before["consultation"], "caseflow_consultation_referrals", status="open")
    await eventually(
        stack_settings,
        "consultation",
        lambda now: total(now, "caseflow_consultation_referrals", status="open") > open_before,
    )
    await eventually(
        stack_settings,
        "register",
        lambda now: total(now, "caseflow_register_cases", kind="held") >= 6,
    )
    after = await scrape_all(stack_settings)

    def moved(process: str, name: str, **labels: str) -> float:
        return total(after[process], name, **labels) - total(before[process], name, **labels)

    assert moved("intake", "caseflow_intake_submissions_received_total") >= 7
    assert moved("intake", "caseflow_intake_submissions_total", outcome="registered") >= 6
    assert moved("intake", "caseflow_intake_submissions_rejected_total", reason="schema") >= 1
    assert moved("intake", "caseflow_intake_batch_seconds_count") >= 1
    assert moved("screening", "caseflow_screening_seconds_count") >= 6
    assert moved("screening", "caseflow_screening_parties_screened_total") >= 6 * 4
    assert moved("screening", "caseflow_screening_results_total", risk="critical") >= 1
    assert moved("screening", "caseflow_screening_results_total", risk="low") >= 1
    assert moved("bridge", "temporal_request_total", operation="StartWorkflowExecution") >= 6
    assert moved("worker", "temporal_workflow_task_execution_latency_count") >= 6
    assert total(after["worker"], "caseflow_open_tasks", task="review") >= 5
    assert total(after["worker"], "caseflow_cases", status="referred") >= 1
    assert ("caseflow_cases_overdue", frozenset()) in after["worker"]
    read = {
        dict(labels).get("topic")
        for name, labels in after["intake"]
        if name == "caseflow_consumer_lag"
    }
    assert "caseflow.intake.submissions" in read  # lag per group and partition, read at scrape
    assert any(name == "caseflow_consumer_stalled" for name, _ in after["screening"])


async def test_the_command_line_shows_the_inbox_searches_acts_and_sums_up_the_flow(
    processes: None, stack_settings: Settings, stack_endpoints: Endpoints
) -> None:
    suffix = await submit_samples_and_one_malformed(stack_endpoints)
    cases = await await_review(await connect(stack_settings), suffix, 6)
    critical = next(case for case in cases if case.risk_level == "critical")
    low = [case.control_number for case in cases if case.risk_level == "low"]

    inbox = await caseflow(stack_settings, "tasks", "--risk", "critical")
    assert critical.control_number in inbox
    assert not any(number in inbox for number in low)
    query = f"ControlNumber = '{critical.control_number}' AND RiskLevel = 'critical'"
    found = await caseflow(stack_settings, "cases", "search", query)
    assert critical.control_number in found
    assert "1 case(s)" in found

    officer = token_for(Reviewer(id="officer-cli", role=ReviewerRole.LICENSING_OFFICER))
    claimed = await caseflow(stack_settings, "act", "claim", critical.control_number, token=officer)
    assert "claimed by officer-cli" in claimed
    shown = await caseflow(stack_settings, "cases", "show", critical.control_number)
    assert "reviewer officer-cli" in shown

    operator = await signed_token(stack_settings, Role.OPERATOR)
    summary = await caseflow(stack_settings, "flow", token=operator)
    for heading in ("Cases", "under_review", "task: review", "submissions", "refused", "schema"):
        assert heading in summary
    for heading in ("Consumers", "unreadable batches parked", "lag", "stalled partitions"):
        assert heading in summary
    status = await caseflow(stack_settings, "services", "status")
    assert "consumers (since start)" in status
    assert "lag " in status


async def test_a_refused_query_says_why(
    processes: None, stack_settings: Settings, stack_endpoints: Endpoints
) -> None:
    refused = await caseflow(stack_settings, "cases", "search", "NoSuchAttribute = 1", status=1)
    assert "NoSuchAttribute" in refused
