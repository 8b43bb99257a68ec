"""The screening service against the real broker and PostgreSQL: lists, results, re-screening."""

from __future__ import annotations

import asyncio
import json
import os
import sys
import time
import uuid
from collections.abc import AsyncIterator, Callable
from functools import partial
from pathlib import Path

import asyncpg
import httpx
import pytest
from temporalio.client import Client

from caseflow.auth import Role
from caseflow.kafka import start_producer
from caseflow.service_api import service_url
from caseflow.settings import Endpoints, Settings
from entrypoints.samples import sample_applications
from schemas.application import Address, Party, SubmitApplication
from schemas.cases import CaseDecided, DecisionOutcome
from schemas.envelope import Contract, Envelope, utcnow
from schemas.screening import ScreeningRequested
from schemas.topics import CASES, SCREENING_REQUESTS, SCREENING_RESULTS, Topic
from tests.integration.test_license_case import submit_and_await_review
from tests.support import Event, bearer, collect, signed_token
from tests.support import caseflow as cli
from workflows.case_client import case_view

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
    return await results_where(
        endpoints, lambda data: data.get("request_id") == request_id, lambda seen: len(seen) >= 1
    )


def rescreening_of(case_id: str) -> Callable[[Event], bool]:
    """Selects the results of re-screening a case after a list update."""
    return lambda data: data.get("case_id") == case_id and "/rescreen/" in data["request_id"]


async def results_where(
    endpoints: Endpoints,
    where: Callable[[Event], bool],
    until: Callable[[list[Event]], bool] = lambda _: True,
    linger: float = 3.0,
) -> list[Event]:
    """Screening results whose data `where` selects, read until `until` holds (and `linger`)."""
    return await collect(
        endpoints.kafka,
        SCREENING_RESULTS.name,
        until,
        where=lambda e: where(e["data"]),
        linger=linger,
    )


async def caseflow(settings: Settings, *arguments: str) -> str:
    """Run the `caseflow` command as a signed-in operator would, against the session's stack."""
    operator = await signed_token(settings, Role.OPERATOR)
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "entrypoints",
        *arguments,
        env={
            **os.environ,
            "CASEFLOW_STATE_DIR": str(settings.state_dir),
            "CASEFLOW_TOKEN": operator,
            "COLUMNS": "200",
        },
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

    # Read through the screening service, as a signed-in operator; anyone else is refused.
    operator = await signed_token(stack_settings, Role.OPERATOR)
    shown = await cli(stack_settings, "lists", "show", token=operator)
    # The list's row in the table; the services of this process log the list's name to the
    # same output (its re-screening), so only the row tells what the command showed.
    row = f"│ {name} "
    assert row in shown
    assert "entity-list-human-rights" in shown
    assert "not signed in" in await cli(stack_settings, "lists", "show", status=1)
    chair = await signed_token(stack_settings, Role.COMMITTEE_CHAIR)
    refused = await cli(stack_settings, "lists", "show", status=1, token=chair)
    assert "refused" in refused
    assert row not in refused

    [again] = await results_where(
        stack_endpoints, rescreening_of(open_case), lambda seen: len(seen) >= 1
    )
    rescreened = again["data"]
    assert rescreened["reason"] == (
        f"list_update: {name} 2: end user '{brand} LLC' (AE) matches added entry '{brand}'"
    )
    assert rescreened["risk_level"] == "critical"
    assert f"{name}@2" in rescreened["list_version"].split("+")
    # The id the LicenseCase workflow accepts a list update by.
    assert rescreened["request_id"] == f"{open_case}/rescreen/{rescreened['list_version']}"
    assert await results_where(stack_endpoints, rescreening_of(decided_case)) == []


async def test_a_list_file_is_stored_by_screening_for_operators_once_however_often_it_is_sent(
    case_services: None, stack_settings: Settings
) -> None:
    name = f"sent-{uuid.uuid4().hex[:8]}"
    listed = f"id,name,country\n{name}-1,Kestrel {uuid.uuid4().hex[:6]} Vantage,AE\n".encode()
    where = {"url": f"/lists/{name}/versions", "params": {"format": "csv", "loaded_from": "t.csv"}}
    operator = await signed_token(stack_settings, Role.OPERATOR)
    officer = await signed_token(stack_settings, Role.LICENSING_OFFICER)
    async with httpx.AsyncClient(base_url=service_url(stack_settings, "screening")) as http:
        send = partial(http.post, **where, timeout=60)  # type: ignore[arg-type]
        assert (await send(content=listed, headers=bearer(officer))).status_code == 403
        broken = await send(content=b"id,name\nx-1,\n", headers=bearer(operator))
        assert broken.status_code == 422
        assert broken.json()["detail"] == {
            "reason": "invalid_list",
            "message": "CSV line 2: no name",
        }
        # The same file sent twice at once (a retry racing the first): one version, announced once.
        both = await asyncio.gather(*(send(content=listed, headers=bearer(operator)) for _ in "ab"))
        versions = (await http.get("/lists", headers=bearer(operator))).json()
    assert [reply.status_code for reply in both] == [201, 201]
    outcomes = [json.loads(reply.text.splitlines()[-1])["loaded"] for reply in both]
    answers = sorted((each["list_version"], each["published"]) for each in outcomes)
    assert answers == [(f"{name}@1", False), (f"{name}@1", True)]
    assert [(v["version"], v["entries"]) for v in versions if v["name"] == name] == [(1, 1)]


async def test_a_list_file_cut_short_in_transfer_leaves_no_version(
    case_services: None, stack_settings: Settings
) -> None:
    name = f"cut-{uuid.uuid4().hex[:8]}"
    rows = "".join(f"{name}-{n},Harrow {n} {uuid.uuid4().hex[:6]} Optics,AE\n" for n in range(500))
    listed = f"id,name,country\n{rows}".encode()

    async def dropped_half_way() -> AsyncIterator[bytes]:
        yield listed[: len(listed) // 2]
        raise ConnectionResetError("the operator's connection dropped")

    operator = bearer(await signed_token(stack_settings, Role.OPERATOR))
    where = {"url": f"/lists/{name}/versions", "params": {"format": "csv", "loaded_from": "c"}}
    async with httpx.AsyncClient(base_url=service_url(stack_settings, "screening")) as http:
        with pytest.raises(ConnectionResetError):
            await http.post(**where, content=dropped_half_way(), headers=operator)  # type: ignore[arg-type]
        await asyncio.sleep(1)  # the service sees the disconnection
        versions = (await http.get("/lists", headers=operator)).json()
    assert [v for v in versions if v["name"] == name] == []


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


async def test_a_case_under_review_is_re_screened_and_its_reviewer_alerted_on_a_list_update(
    case_services: None,
    stack_settings: Settings,
    stack_endpoints: Endpoints,
    temporal: Client,
    tmp_path: Path,
) -> None:
    name = f"test-{uuid.uuid4().hex[:8]}"
    brand = f"Corvid {uuid.uuid4().hex[:6].upper()} Signals"
    suffix = f"-{uuid.uuid4().hex[:8]}"
    application = with_end_user(f"{brand} FZE", "AE").model_copy(
        update={"agency_reference": f"BAFA-RESCREEN{suffix}"}
    )
    case = await submit_and_await_review(stack_endpoints, temporal, application)
    assert case.risk_level == "low"

    listed = tmp_path / "list.csv"
    listed.write_text(f"id,name,country\n{name}-1,{brand},AE\n")
    await caseflow(stack_settings, "lists", "load", str(listed), "--source", name)

    deadline = time.monotonic() + 60
    while f"{name}@1" not in (view := await case_view(temporal, case.case_id)).alert:
        assert time.monotonic() < deadline, f"no list-update alert: {view.timeline}"
        await asyncio.sleep(0.5)
    assert view.screening is not None
    assert view.screening.risk_level == "critical"
    assert view.screening.reason.startswith(f"list_update: {name} 1: end user '{brand} FZE'")
