"""The desk's risk-notice pages on real servers: an officer writes a notice, a senior officer who
did not write it countersigns it and it is shared (through France's point of contact, with the
signed-in account's token); the list shows this state's notices and Germany's, naming it."""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from urllib.parse import unquote

import httpx
import pytest
from temporalio.client import Client

from caseflow.auth.dependencies import SESSION_COOKIE
from caseflow.settings import Endpoints, Settings
from desk.runtime import open_desk
from schemas.screening import NoticeKind
from services.sharing.bootstrap import bootstrap as sharing_app
from tests.integration.desk_fixtures import PASSWORD, add_accounts, desk_http
from tests.integration.test_point_of_contact import (
    GERMANY_AS_PARTNER,
    Deployment,
    denial,
    deployment,
    exchanged,
    post,
)

pytestmark = [pytest.mark.integration]

FORM = {
    "technology": "facial_recognition",
    "destinations": "ae, sa",
    "end_users": "Falcon Vision Systems LLC:AE",
    "risk": "Face matching resold to a security service that detains activists.",
    "sources": "UN Special Rapporteur report A/HRC/41/35\nAmnesty briefing 2026/11",
}


@dataclass
class Pages:
    """The desk over HTTP, a browser session per account, and France's point of contact."""

    http: httpx.AsyncClient
    cookies: dict[str, dict[str, str]]
    contact: httpx.AsyncClient
    france: Deployment

    def form(self, who: str, **fields: str) -> dict[str, str]:
        """A form as the desk served it to `who`: with the session's form token."""
        session = self.cookies[who]["Cookie"].split("=", 1)[1]
        token = hashlib.sha256(f"caseflow-form:{session}".encode()).hexdigest()[:32]
        return {"csrf": token, **fields}

    async def submit(self, who: str, path: str, **fields: str) -> str:
        """Post a form as `who`; what the page it leads to says (the notice or the refusal)."""
        sent = await self.http.post(path, data=self.form(who, **fields), headers=self.cookies[who])
        assert sent.status_code == 303, sent.text
        return unquote(sent.headers["location"])


@pytest.fixture(scope="module")
async def pages(
    stack_settings: Settings, stack_endpoints: Endpoints, temporal: Client
) -> AsyncIterator[Pages]:
    france = await deployment(stack_settings, "FR", "France")
    # One deployment: the desk signs in the accounts the point of contact checks tokens against.
    settings = france.settings.model_copy(update={"sharing_url": france.url})
    async with (
        sharing_app(france.settings),
        httpx.AsyncClient(base_url=france.url, timeout=10) as contact,
        open_desk(settings) as desk,
        desk_http(desk) as http,
    ):
        names = await add_accounts(settings)
        cookies = {}
        for key in ("officer", "senior", "operator", "agency", "chair"):
            signed = await http.post(
                "/api/auth/token", json={"name": names[key], "password": PASSWORD}
            )
            cookies[key] = {"Cookie": f"{SESSION_COOKIE}={signed.json()['access_token']}"}
        yield Pages(http, cookies, contact, france)


async def test_an_officer_writes_and_another_senior_officer_countersigns_a_risk_notice(
    pages: Pages,
) -> None:
    marker = f"Falcon {uuid.uuid4().hex[:6]} Vision LLC:AE"
    written = await pages.submit("officer", "/risk-notices", **{**FORM, "end_users": marker})
    assert "notice=Risk notice" in written, written
    number = int(written.split("Risk notice ", 1)[1].split()[0])
    listed = (await pages.http.get("/risk-notices", headers=pages.cookies["senior"])).text
    assert marker.split(":")[0] in listed
    assert f'action="/risk-notices/{number}/countersign"' in listed  # open to a senior officer
    by_officer = await pages.http.get("/risk-notices", headers=pages.cookies["officer"])
    assert f'action="/risk-notices/{number}/countersign"' not in by_officer.text

    shared = await pages.submit("senior", f"/risk-notices/{number}/countersign")

    assert f"countersigned and shared: FR/risk/{number}/AE, FR/risk/{number}/SA" in shared
    again = await pages.submit("senior", f"/risk-notices/{number}/countersign")
    assert "already countersigned" in again
    listed = (await pages.http.get("/risk-notices", headers=pages.cookies["operator"])).text
    assert "countersigned by" in listed


async def test_a_senior_officer_may_not_countersign_a_notice_of_their_own(pages: Pages) -> None:
    written = await pages.submit("senior", "/risk-notices", **FORM)
    number = int(written.split("Risk notice ", 1)[1].split()[0])

    refused = await pages.submit("senior", f"/risk-notices/{number}/countersign")

    assert "refused=" in refused
    assert "wrote it: a second officer countersigns" in refused
    by_officer = await pages.http.post(
        f"/risk-notices/{number}/countersign",
        data=pages.form("officer"),
        headers=pages.cookies["officer"],
    )
    assert by_officer.status_code == 403  # only a senior officer countersigns


async def test_an_incomplete_notice_is_refused_with_every_deficiency_and_nothing_kept(
    pages: Pages,
) -> None:
    before = (await pages.contact.get("/risk-notices", headers=pages.france.operator)).json()

    refused = await pages.submit(
        "officer",
        "/risk-notices",
        technology="crystal_ball",
        destinations="",
        end_users="Falcon Vision Systems LLC",
        risk="short",
        sources="",
    )

    for deficiency in (
        "end user line 1: give NAME:CC",
        "technology_categories.0",
        "destinations",
        "risk",
        "sources",
    ):
        assert deficiency in refused, refused
    after = (await pages.contact.get("/risk-notices", headers=pages.france.operator)).json()
    assert after == before


async def test_forms_without_the_session_s_form_token_or_from_other_roles_change_nothing(
    pages: Pages,
) -> None:
    before = (await pages.contact.get("/risk-notices", headers=pages.france.operator)).json()
    forged = await pages.http.post(
        "/risk-notices", data={**FORM, "csrf": "guessed"}, headers=pages.cookies["officer"]
    )
    assert forged.status_code == 403
    for who in ("operator", "agency", "chair"):
        sent = await pages.http.post(
            "/risk-notices", data=pages.form(who, **FORM), headers=pages.cookies[who]
        )
        assert sent.status_code == 403, who
    assert (await pages.http.get("/risk-notices")).headers["location"] == "/login"
    for who in ("agency", "chair"):
        shown = await pages.http.get("/risk-notices", headers=pages.cookies[who])
        assert shown.status_code == 403, who
    after = (await pages.contact.get("/risk-notices", headers=pages.france.operator)).json()
    assert after == before


async def test_the_page_lists_risk_and_denial_notices_received_from_partners_apart(
    pages: Pages,
) -> None:
    added = await pages.contact.post(
        "/partners", json=GERMANY_AS_PARTNER, headers=pages.france.operator
    )
    assert added.status_code == 201, added.text
    risk = denial("DE", 77, NoticeKind.RISK)
    assert (await post(pages.contact, exchanged(risk))).status_code == 202
    denied = denial("DE", 78).model_copy(update={"reason": "Interception kit for a police unit."})
    assert (await post(pages.contact, exchanged(denied))).status_code == 202

    page = (await pages.http.get("/risk-notices", headers=pages.cookies["officer"])).text
    risks, _, denials = page.partition('id="denials"')

    assert "<td>DE</td>" in risks
    assert "DE/77" in risks
    assert risk.reason in risks
    assert "DE/78" not in risks
    assert "<td>DE</td>" in denials
    assert "DE/78" in denials
    assert denied.reason in denials
    assert "DE/77" not in denials
