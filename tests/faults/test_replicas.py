"""Two replicas each of intake, screening, consultation, the bridge and the worker share the work;
one replica of each is SIGKILLed mid-flight, and every case still reaches review exactly once."""

from __future__ import annotations

import shutil
import uuid
from collections.abc import AsyncIterator, Callable
from pathlib import Path

import pytest
from aiokafka.admin import AIOKafkaAdminClient

from caseflow.loopback import free_ports
from caseflow.settings import Settings
from entrypoints.agency_client import publish_submissions
from entrypoints.processes import start_processes, stop_processes
from entrypoints.stack import process_status, stop_process
from entrypoints.stack.restarts import SUPERVISOR
from schemas.envelope import derived_id
from schemas.topics import CASES, SCREENING_REQUESTS, SCREENING_RESULTS
from services.consultation.config import CONSUMER as CONSULTATION_GROUP
from services.intake.config import CONSUMER as INTAKE_GROUP
from services.screening.config import CONSUMER as SCREENING_GROUP
from tests.faults.cases import (
    count_cases,
    events_by_case,
    references_by_workflow,
    submissions,
    wait_for_cases,
)
from tests.faults.chaos import kill
from workflows.bridge import CASES_GROUP as BRIDGE_GROUP
from workflows.client import KEY_FILE, connect

pytestmark = [pytest.mark.faults, pytest.mark.timeout(900)]

REPLICATED = ("intake", "screening", "consultation", "bridge", "worker")
CASE_COUNT = 200
UNDER_REVIEW = "CaseStatus = 'under_review'"
GROUPS = (INTAKE_GROUP, SCREENING_GROUP, CONSULTATION_GROUP, BRIDGE_GROUP)


@pytest.fixture(scope="module")
async def second_replicas(
    fault_stack: Settings, stack_state_dirs: Callable[[], Path]
) -> AsyncIterator[Settings]:
    """A second replica of each process: its own state folder and ports, the same servers, the
    same keys, the same consumer groups and task queue."""
    state_dir = stack_state_dirs()
    [http_port, codec_port] = free_ports(2)
    settings = fault_stack.model_copy(
        update={
            "state_dir": state_dir,
            "consultation_http_port": http_port,
            "codec_port": codec_port,
        }
    )
    fault_stack.endpoints().write(settings.stack_file)
    for shared in (KEY_FILE.parent, Path("auth")):
        if (fault_stack.state_dir / shared).exists():
            shutil.copytree(fault_stack.state_dir / shared, state_dir / shared)
    with pytest.MonkeyPatch.context() as environment:
        environment.setenv("CASEFLOW_CONSULTATION_HTTP_PORT", str(http_port))
        await start_processes(settings, REPLICATED)
    yield settings
    stop_processes(settings)


async def test_every_case_reaches_review_once_while_one_replica_of_each_dies(
    fault_stack: Settings, second_replicas: Settings
) -> None:
    kafka = fault_stack.endpoints().kafka
    sent = submissions(uuid.uuid4().hex[:6], batches=34)
    valid = dict(list(sent.valid.items())[:CASE_COUNT])
    messages = list(valid.values())
    client = await connect(fault_stack)

    # Cases are mid-flight on both replicas when one of each dies.
    await publish_submissions(kafka, messages[:80])
    await wait_for_cases(client, UNDER_REVIEW, 20, timeout=300)
    assert await _members(kafka, GROUPS) == dict.fromkeys(GROUPS, 2)
    # The supervisor would start the killed ones again within seconds: stopped first, so that the
    # second replicas carry the rest alone.
    stop_process(fault_stack.state_dir.resolve(), SUPERVISOR)
    for name in REPLICATED:
        kill(fault_stack, name)
    await publish_submissions(kafka, messages[80:])
    await wait_for_cases(client, UNDER_REVIEW, CASE_COUNT, timeout=600)

    # The second replicas took over the partitions and tasks of those killed: each consumer
    # group was rebalanced onto the one member left.
    assert await _members(kafka, GROUPS) == dict.fromkeys(GROUPS, 1)
    survivors = [process_status(second_replicas.state_dir.resolve(), name) for name in REPLICATED]
    assert all(process.state == "running" for process in survivors), survivors

    # One workflow per submission, none twice.
    workflows = await references_by_workflow(client)
    ours = {reference: ids for reference, ids in workflows.items() if reference in valid}
    assert set(ours) == set(valid)
    assert all(len(ids) == 1 for ids in ours.values()), ours
    case_ids = {ids[0].removeprefix("license-case-") for ids in ours.values()}
    assert len(case_ids) == CASE_COUNT
    assert await count_cases(client, UNDER_REVIEW) >= CASE_COUNT

    # One CaseReceived id per case (a redelivered copy carries the same id).
    received = await events_by_case(kafka, CASES.name, "CaseReceived.v1", case_ids)
    assert all(len({event["id"] for event in events}) == 1 for events in received.values())

    # One screening result per request: each request delivery answered once, by its own id.
    requests = await events_by_case(
        kafka, SCREENING_REQUESTS.name, "ScreeningRequested.v1", case_ids
    )
    results = await events_by_case(kafka, SCREENING_RESULTS.name, "ScreeningCompleted.v1", case_ids)
    for case_id in case_ids:
        answers = {derived_id("screening-result", event["id"]) for event in requests[case_id]}
        given = [uuid.UUID(event["id"]) for event in results[case_id]]
        assert set(given) == answers, case_id


async def _members(kafka: str, groups: tuple[str, ...]) -> dict[str, int]:
    """How many members each consumer group has now."""
    admin = AIOKafkaAdminClient(bootstrap_servers=kafka)
    await admin.start()
    try:
        counts = {}
        for group in groups:
            [response] = await admin.describe_consumer_groups([group])
            [(_, _, _, _, _, members)] = response.groups
            counts[group] = len(members)
        return counts
    finally:
        await admin.close()
