"""The desk's licence pages on real servers: the list and the printable licence, an agency seeing
its own licences only."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator

import httpx
import pytest
from temporalio.client import Client

from caseflow.auth.dependencies import SESSION_COOKIE
from caseflow.settings import Settings
from desk.runtime import open_desk
from tests.integration.desk_fixtures import PASSWORD, add_accounts, desk_http
from tests.integration.licence_harness import LicenceHarness, licence_harness

pytestmark = [pytest.mark.integration]


@pytest.fixture(scope="module")
async def pages(
    stack_settings: Settings, temporal: Client
) -> AsyncIterator[tuple[httpx.AsyncClient, dict[str, dict[str, str]], LicenceHarness]]:
    async with open_desk(stack_settings) as desk, licence_harness(temporal) as licences:
        names = await add_accounts(stack_settings)
        async with desk_http(desk) as http:
            headers = {}
            for key in ("officer", "agency", "other_agency", "stakeholder"):
                signed = await http.post(
                    "/api/auth/token", json={"name": names[key], "password": PASSWORD}
                )
                # The pages read the session cookie the desk's sign-in sets.
                headers[key] = {"Cookie": f"{SESSION_COOKIE}={signed.json()['access_token']}"}
            yield http, headers, licences


async def test_the_licence_list_and_page_show_the_licence_to_its_agency_and_officers_only(
    pages: tuple[httpx.AsyncClient, dict[str, dict[str, str]], LicenceHarness],
) -> None:
    http, headers, licences = pages
    case_id = await licences.issue(["End-use certificate from the end user"])
    await licences.ship(case_id, "SHIP-1", 5, 42_000)
    number = (await licences.view(case_id)).licence.licence_number

    deadline = time.monotonic() + 30
    while number not in (listed := await http.get("/licences", headers=headers["officer"])).text:
        assert time.monotonic() < deadline, listed.text
        await asyncio.sleep(0.5)
    assert number in (await http.get("/licences", headers=headers["agency"])).text
    assert number not in (await http.get("/licences", headers=headers["other_agency"])).text

    shown = await http.get(f"/licences/{number}", headers=headers["agency"])
    assert shown.status_code == 200
    for expected in (
        f"Export licence {number}",
        "Rheinland Messtechnik GmbH",
        "Kyoto University",
        "7 units",
        "End-use certificate from the end user",
        "SHIP-1",
        "15 CFR 750.7(g)",
    ):
        assert expected in shown.text, expected
    other = await http.get(f"/licences/{number}", headers=headers["other_agency"])
    assert other.status_code == 404
    refused = await http.get("/licences", headers=headers["stakeholder"])
    assert refused.status_code == 403
