"""Three subscribing states on one machine (DE, FR, IT), each its own PostgreSQL, broker, ports
and HTTPS point of contact; France runs cases (its own Temporal). A denial in Germany reaches
France and Italy; France's matching case waits for Germany's consultation (EU 2021/821 Art. 16);
a forged and a replayed request are refused at Italy; Germany's key rotation is followed; a
point of contact away loses nothing."""

from __future__ import annotations

import asyncio
import json
import ssl
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any

import asyncpg
import httpx
import pytest

from caseflow.auth import Role
from caseflow.service_api import ServiceClient, ServiceUnavailable
from entrypoints.agency_client import publish_submissions
from entrypoints.processes import start_processes, stop_processes
from entrypoints.samples import sample_applications, submission
from entrypoints.stack import stop_process, stop_stack
from entrypoints.states import (
    StateDeployment,
    call_contact,
    introduce,
    issue_denial,
    operator_token,
    plan_states,
    start_state,
)
from schemas.application import SubmitApplication
from schemas.envelope import utcnow
from services.sharing.config import EXCHANGE_PATH
from services.sharing.signing import SigningKey, sign_request
from tests.actors import acting_on, token_for
from tests.e2e.cli import caseflow
from tests.e2e.reviews import await_review
from tests.support import signed_token
from workflows.client import connect
from workflows.tasks import Reviewer, ReviewerRole

pytestmark = pytest.mark.e2e

OFFICER = Reviewer(id="officer-fr", role=ReviewerRole.LICENSING_OFFICER)
GROUNDS = "Face matching for a security service with a record of arbitrary detention."
# Germany's point of contact is kept away a full minute: what is queued meanwhile is delivered
# after it, and partners' deliveries back off to at most a minute between attempts.
OUTAGE_SECONDS = 60.0


@pytest.fixture(scope="module")
async def states(
    stack_state_dirs: Callable[[], Path],
) -> AsyncIterator[dict[str, StateDeployment]]:
    folders = [stack_state_dirs() for _ in range(3)]
    deployments = plan_states(stack_state_dirs(), 3, runs_cases="FR", folders=folders)
    by_code = {deployment.code: deployment for deployment in deployments}
    try:
        await start_state(by_code["FR"], None)
        temporal = by_code["FR"].settings.endpoints().temporal
        await asyncio.gather(
            start_state(by_code["DE"], temporal), start_state(by_code["IT"], temporal)
        )
        await introduce(deployments)
        yield by_code
    finally:
        for deployment in deployments:
            stop_processes(deployment.settings)
            stop_stack(deployment.settings)


def cli(deployment: StateDeployment, *arguments: str, token: str | None = None) -> str:
    """`caseflow` as the state's operators run it (their CA for the point of contact)."""
    ca = deployment.settings.sharing_tls_cafile
    return caseflow(
        deployment.settings, *arguments, token=token,
        environment={"CASEFLOW_SHARING_TLS_CAFILE": str(ca)},
    )  # fmt: skip


async def received(deployment: StateDeployment) -> dict[str, str]:
    """Notice id → the key it was signed with, for every notice the state took in."""
    log = await call_contact(deployment.settings, "GET", "/exchange-log?limit=200")
    return {row["notice_id"]: row["key_id"] for row in log["received"]}


async def until(check: Callable[[], Awaitable[bool]], what: str, wait: float = 120.0) -> None:
    deadline = time.monotonic() + wait
    while not await check():
        if time.monotonic() > deadline:
            raise AssertionError(f"not within {wait}s: {what}")
        await asyncio.sleep(0.5)


async def reached(notice_id: str, *deployments: StateDeployment, wait: float = 120.0) -> None:
    async def everywhere() -> bool:
        return all([notice_id in await received(d) for d in deployments])

    await until(everywhere, f"{notice_id} reached {[d.code for d in deployments]}", wait)


def french_application(suffix: str) -> SubmitApplication:
    """France's sample: face-matching cameras for Santiago's transit authority."""
    [application] = [
        a for a in sample_applications(suffix) if a.submitting_agency.startswith("FR-")
    ]
    return application


async def test_a_denial_in_germany_reaches_france_and_italy_and_holds_frances_case(
    states: dict[str, StateDeployment],
) -> None:
    germany, france, italy = states["DE"], states["FR"], states["IT"]
    suffix = f"-3s{uuid.uuid4().hex[:6]}"
    application = french_application(suffix)
    notice_id = await issue_denial(germany, application, "1", GROUNDS)
    await reached(notice_id, france, italy)
    await until(
        lambda: _screening_keeps(france, notice_id), "France's screening keeps the notice", 60
    )

    envelope = submission(application)
    await publish_submissions(
        france.settings.endpoints().kafka, [(envelope.subject, envelope.to_bytes())]
    )
    [case] = await await_review(await connect(france.settings), suffix, 1)
    shown = cli(france, "case", case.control_number, "--role", "licensing_officer")
    assert notice_id in shown
    assert "DE" in shown
    with acting_on(france.settings):
        officer = token_for(OFFICER)
    cli(france, "claim", case.control_number, token=officer)
    refused = caseflow(
        france.settings, "decide", case.control_number, "--outcome", "approved",
        "--rationale", "Civil transit use.", *ASSESSED, token=officer, ok=(1,),
    )  # fmt: skip
    assert "DE denied an essentially identical transaction: refer the case for consultation" in (
        " ".join(refused.split())
    )


async def _screening_keeps(deployment: StateDeployment, notice_id: str) -> bool:
    operator = await signed_token(deployment.settings, Role.OPERATOR)
    shown = await asyncio.to_thread(
        cli, deployment, "notices", "list", "--direction", "received", token=operator
    )
    return notice_id in shown


ASSESSED = (
    *("--end-user", "A public transit authority."),
    *("--misuse", "Face matching could identify protesters."),
    *("--destination", "No concerns reported by UN human-rights bodies."),
    *("--source", "Screening result"),
    *("--conclusion", "No serious risk once consulted."),
)


async def test_a_forged_and_a_replayed_request_are_refused_at_italy_and_change_nothing(
    states: dict[str, StateDeployment],
) -> None:
    germany, italy = states["DE"], states["IT"]
    notice_id = await issue_denial(germany, french_application("-forged"), "2", GROUNDS)
    await reached(notice_id, italy)
    connection = await asyncpg.connect(italy.settings.endpoints().database)
    try:
        kept = await connection.fetchrow(
            "SELECT signed_headers, body, key_id FROM sharing.received_notices"
            " WHERE notice_id = $1",
            notice_id,
        )
    finally:
        await connection.close()
    assert kept is not None
    italian = ServiceClient.of(italy.settings, "sharing")
    verify = ssl.create_default_context(cafile=str(italy.settings.sharing_tls_cafile))
    before = await received(italy)
    async with httpx.AsyncClient(base_url=italian.url, verify=verify) as client:
        replayed = await client.post(
            EXCHANGE_PATH, content=kept["body"].encode(), headers=json.loads(kept["signed_headers"])
        )
        body = kept["body"].replace(notice_id, "DE/forged/denial").encode()
        impostor = SigningKey(kept["key_id"], SigningKey.generate("DE", utcnow()).private)
        signed = sign_request(
            impostor, "POST", EXCHANGE_PATH, body, sender="DE", addressee="IT", now=utcnow()
        )
        forged = await client.post(EXCHANGE_PATH, content=body, headers=signed.as_headers())
    assert (replayed.status_code, replayed.json()["reason"]) == (409, "replay")
    assert (forged.status_code, forged.json()["reason"]) == (401, "forged")
    assert await received(italy) == before
    shown = cli(italy, "partners", "refused", token=await operator_token(italy.settings))
    assert "replay" in shown
    assert "forged" in shown


async def test_a_key_rotation_in_germany_is_followed_by_france_and_italy(
    states: dict[str, StateDeployment],
) -> None:
    germany, france, italy = states["DE"], states["FR"], states["IT"]
    before = await call_contact(germany.settings, "GET", "/exchange/v1/identity")
    rotated = cli(
        germany, "partners", "rotate-own", "--reason", "Yearly rotation.",
        token=await operator_token(germany.settings),
    )  # fmt: skip
    after = await call_contact(germany.settings, "GET", "/exchange/v1/identity")
    assert f"signing key {before['key_id']} replaced by {after['key_id']}" in rotated
    notice_id = await issue_denial(germany, french_application("-rotated"), "3", GROUNDS)
    await reached(notice_id, france, italy)
    for partner in (france, italy):
        assert (await received(partner))[notice_id] == after["key_id"]
        [german] = [
            p
            for p in await call_contact(partner.settings, "GET", "/partners")
            if p["state"] == "DE"
        ]
        statuses = {key["key_id"]: key["status"] for key in german["keys"]}
        assert statuses == {before["key_id"]: "retired", after["key_id"]: "active"}
    listed = cli(italy, "partners", "list", token=await operator_token(italy.settings))
    assert after["key_id"] in listed


async def test_nothing_is_lost_while_a_point_of_contact_is_away(
    states: dict[str, StateDeployment],
) -> None:
    germany, france, italy = states["DE"], states["FR"], states["IT"]
    stop_process(germany.settings.state_dir.resolve(), "sharing")
    down_since = time.monotonic()
    assert not await _answers(germany)
    away = await issue_denial(germany, french_application("-away"), "4", GROUNDS)
    await asyncio.sleep(OUTAGE_SECONDS - (time.monotonic() - down_since))
    assert not await _answers(germany)  # still down, a minute on
    assert away not in await received(france)
    await start_processes(germany.settings, ("sharing",))
    await reached(away, france, italy)

    stop_process(italy.settings.state_dir.resolve(), "sharing")
    while_italy_away = await issue_denial(germany, french_application("-it-away"), "5", GROUNDS)
    await reached(while_italy_away, france)
    await until(lambda: _attempted(germany, "IT", while_italy_away, 2), "Germany retried Italy", 60)
    await start_processes(italy.settings, ("sharing",))
    await reached(while_italy_away, italy)


async def _answers(deployment: StateDeployment) -> bool:
    """Whether the state's point of contact answers at all."""
    try:
        await call_contact(deployment.settings, "GET", "/exchange/v1/identity")
    except ServiceUnavailable:
        return False
    return True


async def _attempted(deployment: StateDeployment, partner: str, notice_id: str, times: int) -> bool:
    log: dict[str, Any] = await call_contact(deployment.settings, "GET", "/exchange-log?limit=200")
    return any(
        row["partner"] == partner and row["notice_id"] == notice_id and row["attempts"] >= times
        for row in log["deliveries"]
    )
