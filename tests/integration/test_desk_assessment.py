"""The human-rights assessment at the desk: the API's decision body and the web page's decision
form take it part by part, a decision without it is refused, and the case page shows it."""

from __future__ import annotations

import html
import re
from urllib.parse import parse_qs, urlparse

import pytest

from schemas.screening import RiskLevel
from tests.integration.desk_fixtures import DeskWorld
from tests.integration.test_desk_authorisation import session

pytestmark = pytest.mark.integration

VERIFIED = "Post-shipment verification by the embassy within 6 months"
ASSESSMENT = {
    "end_user": "A ministry's lawful-interception unit; no reported abuses since 2022.",
    "misuse_potential": "Interception of IP traffic: high potential for surveillance.",
    "destination": "Judicial oversight of interception introduced in 2024.",
    "sources": ["UN OHCHR country report 2025", "Partner notice NL-2026-4"],
    "findings_answered": [],
    "positions_answered": [],
    "conclusion": "Acceptable under judicial warrant and verification.",
    "mitigations": [VERIFIED],
}
DECISION = {
    "outcome": "approved_with_conditions",
    "rationale": "Lawful interception under judicial oversight.",
    "conditions": [VERIFIED],
}


async def claimed_high_risk_case(world: DeskWorld) -> str:
    case_id = await world.harness.open_case(RiskLevel.HIGH)
    claim = await world.http.post(
        f"/api/cases/{case_id}/claim", json={}, headers=world.as_("officer")
    )
    assert claim.status_code == 200, claim.text
    return case_id


async def test_the_api_refuses_a_decision_without_an_assessment_and_the_page_shows_the_one_given(
    world: DeskWorld,
) -> None:
    case_id = await claimed_high_risk_case(world)
    path, officer = f"/api/cases/{case_id}/decide", world.as_("officer")

    bare = await world.http.post(path, json=DECISION, headers=officer)
    assert bare.status_code == 409
    message = bare.json()["message"]
    assert "a human-rights assessment is required, with: the risk from the end user" in message
    assert "an approval at high risk needs the mitigations that make it acceptable" in message
    unlisted = {**ASSESSMENT, "mitigations": ["A promise"], "findings_answered": ["entity:x"]}
    wrong = await world.http.post(path, json={**DECISION, "assessment": unlisted}, headers=officer)
    assert wrong.status_code == 409
    assert "the mitigation 'A promise' is not one of the decision's conditions" in wrong.text
    assert "finding(s) the case's screening does not have: entity:x" in wrong.text

    signed = await world.http.post(
        path, json={**DECISION, "assessment": ASSESSMENT}, headers=officer
    )
    assert signed.json()["status"] == "signed_off", signed.text
    view = (await world.http.get(f"/api/cases/{case_id}", headers=officer)).json()
    assert view["sign_off"]["assessment"] == ASSESSMENT
    page = await world.http.get(f"/cases/{case_id}", headers=session(world, "senior"))
    assert "Human-rights assessment" in page.text
    for shown in (
        ASSESSMENT["end_user"],
        ASSESSMENT["conclusion"],
        "UN OHCHR country report 2025",
        VERIFIED,
    ):
        assert str(shown) in html.unescape(page.text)


async def test_an_officer_decides_on_the_web_page_giving_each_part_of_the_assessment(
    world: DeskWorld,
) -> None:
    case_id = await claimed_high_risk_case(world)
    browser = session(world, "officer")
    page = await world.http.get(f"/cases/{case_id}", headers=browser)
    for field in ("hr_end_user", "hr_misuse_potential", "hr_destination", "hr_sources"):
        assert f'name="{field}"' in page.text
    assert 'name="hr_mitigations"' in page.text
    match = re.search(r'name="csrf" value="([0-9a-f]+)"', page.text)
    assert match is not None
    form = {
        "csrf": match.group(1),
        "rationale": DECISION["rationale"],
        "conditions": VERIFIED,
        "hr_end_user": ASSESSMENT["end_user"],
        "hr_sources": "",
    }
    action = f"/cases/{case_id}/actions/approved_with_conditions"

    refused = await world.http.post(action, data=form, headers=browser)
    said = parse_qs(urlparse(refused.headers["location"]).query)["refused"][0]
    assert "lacks the item's potential for surveillance or repression" in said
    assert "lacks the sources relied on" in said
    assert "lacks the conclusion" in said
    assert "the end user" not in said

    complete = form | {
        "hr_misuse_potential": ASSESSMENT["misuse_potential"],
        "hr_destination": ASSESSMENT["destination"],
        "hr_sources": "\n".join(ASSESSMENT["sources"]),
        "hr_conclusion": ASSESSMENT["conclusion"],
        "hr_mitigations": VERIFIED,
    }
    done = await world.http.post(action, data=complete, headers=browser)
    assert "signed off" in parse_qs(urlparse(done.headers["location"]).query)["notice"][0]
    view = (await world.http.get(f"/api/cases/{case_id}", headers=world.as_("officer"))).json()
    assert view["sign_off"]["assessment"] == ASSESSMENT
