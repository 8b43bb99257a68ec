"""The screening service against the real broker and PostgreSQL: lists, results, re-screening."""

from __future__ import annotations

import asyncio
import os
import sys
import time
import uuid
from collections.abc import Callable
from pathlib import Path

import asyncpg
import pytest

from caseflow.kafka import start_producer
from caseflow.samples import sample_applications
from caseflow.settings import Endpoints, Settings
from schemas.application import Address, Party, SubmitApplication
from schemas.cases import CaseDecided, DecisionOutcome
from schemas.envelope import Contract, Envelope, utcnow
from schemas.screening import ScreeningRequested
from schemas.topics import CASES, SCREENING_REQUESTS, SCREENING_RESULTS, Topic
from tests.support import Event, collect

pytestmark = [pytest.mark.integration]


async def publish(endpoints: Endpoints, topic: Topic, data: Contract, subject: str) -> None:
    envelope = Envelope.wrap(data, source="test", subject=subject, correlation_id=subject)
    producer = await start_producer(endpoints.kafka, "test-screening")
    try:
        await producer.send_and_wait(topic.name, envelope.to_bytes(), key=subject.encode())
    finally:
        await producer.stop()


async def request_screening(endpoints: Endpoints, application: SubmitApplication) -> str:
    """Ask the running service to screen a new case; its case id."""
    case_id = str(uuid.uuid4())
    request = ScreeningRequested(
        request_id=f"{case_id}/screening/1", case_id=case_id, application=application
    )
    await publish(endpoints, SCREENING_REQUESTS, request, case_id)
    return case_id


async def result_of(endpoints: Endpoints, request_id: str) -> list[Event]:
    """The results published for a request, waiting for the first."""
    return await results_of(endpoints, request_id, lambda seen: len(seen) >= 1)


async def results_of(
    endpoints: Endpoints,
    request_id: str,
    until: Callable[[list[Event]], bool] = lambda _: True,
    linger: float = 3.0,
) -> list[Event]:
    return await collect(
        endpoints.kafka,
        SCREENING_RESULTS.name,
        until,
        where=lambda event: event["data"].get("request_id") == request_id,
        linger=linger,
    )


async def caseflow(settings: Settings, *arguments: str) -> str:
    """Run the `caseflow` command as an operator would, against the session's stack."""
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "caseflow",
        *arguments,
        env={**os.environ, "CASEFLOW_STATE_DIR": str(settings.state_dir), "COLUMNS": "200"},
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await asyncio.wait_for(process.communicate(), 120)
    assert process.returncode == 0, f"caseflow {' '.join(arguments)} failed:\n{err.decode()}"
    return out.decode()


def with_end_user(name: str, country: str) -> SubmitApplication:
    application = sample_applications(f"-{uuid.uuid4().hex[:6]}")[0]
    party = Party(name=name, address=Address(street="1 Road", city="Dubai", country=country))
    return application.model_copy(update={"end_users": [party]})


async def test_an_nso_end_user_is_rated_critical_with_the_entity_list_hit_explained(
    case_services: None, stack_endpoints: Endpoints
) -> None:
    nso = next(a for a in sample_applications() if a.agency_reference.startswith("ECJU"))
    case_id = await request_screening(stack_endpoints, nso)
    [answer] = await result_of(stack_endpoints, f"{case_id}/screening/1")
    result = answer["data"]
    assert result["risk_level"] == "critical"
    assert result["list_version"].startswith("entity-list-human-rights@1")
    [hit] = [f for f in result["findings"] if f["category"] == "restricted_party"]
    assert "end user 'N.S.O. Group Technologies Limited' (IL)" in hit["evidence"]
    assert "matches 'NSO Group' on Entity List (EL)" in hit["explanation"]
    assert "defence" in result["recommended_route"]


async def test_a_list_reload_reports_its_delta_and_re_screens_the_open_case_it_affects(
    case_services: None, stack_settings: Settings, stack_endpoints: Endpoints, tmp_path: Path
) -> None:
    name = f"test-{uuid.uuid4().hex[:8]}"
    brand = f"Zephyr {uuid.uuid4().hex[:6].upper()} Lattice"
    open_case = await request_screening(stack_endpoints, with_end_user(f"{brand} LLC", "AE"))
    decided_case = await request_screening(stack_endpoints, with_end_user(brand, "AE"))
    for case_id in (open_case, decided_case):
        [first] = await result_of(stack_endpoints, f"{case_id}/screening/1")
        assert first["data"]["risk_level"] == "low"
    await publish(stack_endpoints, CASES, decision(decided_case), decided_case)
    await until_closed(stack_endpoints, decided_case)

    listed = tmp_path / "list.csv"
    listed.write_text(f"id,name,country\n{name}-1,Orison Signal Works,RU\n")
    assert f"{name}@1: 1 added, 0 changed, 0 removed" in await caseflow(
        stack_settings, "lists", "load", str(listed), "--source", name
    )
    assert f"{name}@1: unchanged" in await caseflow(
        stack_settings, "lists", "load", str(listed), "--source", name
    )
    listed.write_text(
        f"id,name,country\n{name}-1,Orison Signal Works Ltd,RU\n{name}-2,{brand},AE\n"
    )
    assert f"{name}@2: 1 added, 1 changed, 0 removed" in await caseflow(
        stack_settings, "lists", "load", str(listed), "--source", name
    )

    shown = await caseflow(stack_settings, "lists", "show")
    assert f"{name} " in shown
    assert "entity-list-human-rights" in shown

    [again] = await result_of(stack_endpoints, f"{open_case}/rescreen/{name}@2")
    rescreened = again["data"]
    assert rescreened["reason"] == (
        f"list_update: {name} 2: end user '{brand} LLC' (AE) matches added entry '{brand}'"
    )
    assert rescreened["risk_level"] == "critical"
    assert f"{name}@2" in rescreened["list_version"]
    assert await results_of(stack_endpoints, f"{decided_case}/rescreen/{name}@2") == []


async def until_closed(endpoints: Endpoints, case_id: str) -> None:
    """Wait until screening has seen the case decided (it reads its own consumer group)."""
    query = "SELECT closed_at IS NOT NULL FROM screening.cases WHERE case_id = $1"
    await until_true(endpoints, query, uuid.UUID(case_id))


async def until_true(endpoints: Endpoints, query: str, *arguments: object) -> None:
    """Wait until screening's database answers the query with true."""
    connection = await asyncpg.connect(endpoints.database)
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if await connection.fetchval(query, *arguments):
                return
            await asyncio.sleep(0.2)
    finally:
        await connection.close()
    raise AssertionError(f"never true: {query} {arguments}")


def decision(case_id: str) -> CaseDecided:
    return CaseDecided(
        case_id=case_id,
        control_number="Z999999",
        submitting_agency="DE-BAFA",
        agency_reference=f"BAFA-{case_id[:8]}",
        outcome=DecisionOutcome.DENIED,
        decided_at=utcnow(),
        decided_by="officer-1",
        rationale="End user designated.",
        human_rights_assessment="Critical.",
    )
