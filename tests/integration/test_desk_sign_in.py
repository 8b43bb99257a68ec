"""Signing in to the desk over HTTP: failures slow and then refuse a name or an address, and a
key rotated while the desk runs is picked up without a restart."""

from __future__ import annotations

import asyncio
import dataclasses
import time
import uuid
from datetime import timedelta
from pathlib import Path

import httpx
import jwt
import pytest

from caseflow.auth import KeyRing, Principal, Role, rotate_keys
from caseflow.auth.attempts import Allowance, SignInAttempts, SignInPolicy
from desk.handlers import Desk
from tests.integration.desk_fixtures import PASSWORD, DeskWorld, desk_http

pytestmark = pytest.mark.integration
WINDOW = timedelta(minutes=15)


def limited(world: DeskWorld, policy: SignInPolicy) -> Desk:
    """The world's desk with other sign-in allowances."""
    return dataclasses.replace(
        world.desk, attempts=SignInAttempts(world.desk.accounts.pool, policy)
    )


async def token_for(http: httpx.AsyncClient, name: str, password: str) -> httpx.Response:
    return await http.post("/api/auth/token", json={"name": name, "password": password})


async def test_failed_sign_ins_slow_the_account_down_then_refuse_it_with_retry_after(
    world: DeskWorld,
) -> None:
    # A minute's wait, not the default second, so that a slow machine cannot outwait it.
    slow = Allowance(5, WINDOW, slow_after=2, delay=timedelta(minutes=1))
    desk = limited(world, SignInPolicy(account=slow, address=Allowance(50, WINDOW)))
    name = world.names["chair"]
    async with desk_http(desk) as http:
        for _ in range(3):
            assert (await token_for(http, name, "wrong password")).status_code == 401
        slowed = await token_for(http, name, PASSWORD)
        assert slowed.status_code == 429
        assert 50 <= int(slowed.headers["retry-after"]) <= 60
        assert "too many failed sign-ins" in slowed.json()["detail"]


async def test_a_name_is_refused_for_the_window_alike_whether_or_not_its_account_exists(
    world: DeskWorld,
) -> None:
    desk = limited(world, SignInPolicy(account=Allowance(3, WINDOW), address=Allowance(50, WINDOW)))
    answers = {}
    async with desk_http(desk) as http:
        for name in (world.names["operator"], f"nobody-{uuid.uuid4().hex[:6]}"):
            for _ in range(3):
                assert (await token_for(http, name, "wrong password")).status_code == 401
            answers[name] = await token_for(http, name, PASSWORD)
    assert {answer.status_code for answer in answers.values()} == {429}
    assert len({answer.json()["detail"] for answer in answers.values()}) == 1
    assert all(int(answer.headers["retry-after"]) > 800 for answer in answers.values())


async def test_a_success_clears_the_account_s_failures(world: DeskWorld) -> None:
    desk = limited(world, SignInPolicy(account=Allowance(3, WINDOW), address=Allowance(50, WINDOW)))
    name = world.names["senior"]
    async with desk_http(desk) as http:
        for _ in range(2):
            assert (await token_for(http, name, "wrong password")).status_code == 401
        assert (await token_for(http, name, PASSWORD)).status_code == 200
        for _ in range(2):
            assert (await token_for(http, name, "wrong password")).status_code == 401
        assert (await token_for(http, name, PASSWORD)).status_code == 200


async def test_an_address_failing_for_many_names_is_refused_on_the_api_and_the_web_form(
    world: DeskWorld,
) -> None:
    desk = limited(world, SignInPolicy(account=Allowance(5, WINDOW), address=Allowance(3, WINDOW)))
    async with desk_http(desk) as http:
        for _ in range(3):
            form = {"name": f"guess-{uuid.uuid4().hex[:6]}", "password": "wrong password"}
            assert (await http.post("/login", data=form)).status_code == 303
        api = await token_for(http, world.names["agency"], PASSWORD)
        page = await http.post("/login", data={"name": world.names["agency"], "password": PASSWORD})
    assert api.status_code == 429
    assert page.status_code == 429
    assert int(page.headers["retry-after"]) > 800
    assert "Too many failed sign-ins: try again in" in page.text
    assert "caseflow_session" not in page.headers.get("set-cookie", "")


async def test_a_key_rotated_while_the_desk_runs_verifies_and_signs_and_the_dropped_one_not(
    world: DeskWorld, tmp_path: Path
) -> None:
    desk = dataclasses.replace(world.desk, keys=KeyRing.from_state_dir(tmp_path))
    name = world.names["officer"]
    async with desk_http(desk) as http:
        oldest = (await token_for(http, name, PASSWORD)).json()["access_token"]
        newest = [rotate_keys(tmp_path) for _ in range(3)][-1]
        # Signed elsewhere (another desk, the CLI) with the key just made.
        principal = Principal(name=name, role=Role.LICENSING_OFFICER)
        elsewhere = KeyRing.from_state_dir(tmp_path).issue(principal, timedelta(hours=1))
        await until_accepted(http, elsewhere)
        assert (await me(http, oldest)).status_code == 401
        signed = (await token_for(http, name, PASSWORD)).json()["access_token"]
    assert jwt.get_unverified_header(signed)["kid"] == newest.kid


async def me(http: httpx.AsyncClient, token: str) -> httpx.Response:
    return await http.get("/api/me", headers={"Authorization": f"Bearer {token}"})


async def until_accepted(http: httpx.AsyncClient, token: str) -> None:
    """Wait for the desk to accept the token (it re-reads keys at most once a second)."""
    deadline = time.monotonic() + 30
    while (answer := await me(http, token)).status_code != 200:
        assert time.monotonic() < deadline, answer.text
        await asyncio.sleep(0.2)
