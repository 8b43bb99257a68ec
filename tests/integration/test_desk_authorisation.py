"""Every role is refused what it must not see or do, over the API and on the web page."""

from __future__ import annotations

import hashlib
import uuid

import pytest

from caseflow.auth import KeyRing, Principal, Role
from caseflow.auth.dependencies import SESSION_COOKIE
from caseflow.auth.tokens import new_key
from caseflow.settings import Endpoints
from schemas.screening import RiskLevel
from schemas.topics import SCREENING_RESULTS
from tests.integration.desk_fixtures import DeskWorld
from tests.support import collect

pytestmark = pytest.mark.integration

CASE = "{case}"  # replaced by a case of the harness agency, under review
REFERRAL = "{referral}"  # replaced by a referral made to the stakeholder
DECISION = {"outcome": "approved", "rationale": "fine"}
CLEARANCE = {"entry": "e", "party": "p", "country": "DE", "reason": "a b c d"}
ANSWER = {"position": "no_objection"}
RESOLUTION = {"recommendation": "deny", "rationale": "r"}
APPEAL = {"on_behalf_of": "us-state-drl", "grounds": "g"}
WAIVER = {"states": ["DE"], "reason": "r"}

# (who, method, path, body, status): who is an account key, or "" for no token at all.
API_REFUSALS = [
    ("", "GET", "/api/tasks", None, 401),
    ("", "GET", f"/api/cases/{CASE}", None, 401),
    ("", "POST", f"/api/cases/{CASE}/claim", {}, 401),
    ("", "GET", "/api/referrals", None, 401),
    ("", "POST", "/api/clearances", CLEARANCE, 401),
    ("stakeholder", "GET", "/api/tasks", None, 403),
    ("stakeholder", "GET", f"/api/cases/{CASE}", None, 403),
    ("stakeholder", "POST", f"/api/cases/{CASE}/claim", {}, 403),
    ("stakeholder", "POST", "/api/clearances", CLEARANCE, 403),
    ("other_stakeholder", "GET", f"/api/referrals/{REFERRAL}", None, 404),
    ("other_stakeholder", "POST", f"/api/referrals/{REFERRAL}/responses", ANSWER, 404),
    ("agency", "POST", f"/api/cases/{CASE}/claim", {}, 403),
    ("agency", "POST", f"/api/cases/{CASE}/decide", DECISION, 403),
    ("agency", "POST", "/api/clearances", CLEARANCE, 403),
    ("agency", "GET", "/api/referrals", None, 403),
    ("other_agency", "GET", f"/api/cases/{CASE}", None, 404),
    ("operator", "POST", f"/api/cases/{CASE}/claim", {}, 403),
    ("operator", "POST", f"/api/cases/{CASE}/hold", {"questions": ["q"]}, 403),
    ("operator", "POST", f"/api/cases/{CASE}/countersign", {}, 403),
    ("operator", "POST", "/api/clearances", CLEARANCE, 403),
    ("operator", "GET", f"/api/referrals/{REFERRAL}", None, 403),
    ("officer", "POST", f"/api/cases/{CASE}/countersign", {}, 403),
    ("officer", "POST", f"/api/cases/{CASE}/resolve", RESOLUTION, 403),
    ("officer", "GET", "/api/referrals", None, 403),
    ("officer", "POST", f"/api/referrals/{REFERRAL}/responses", ANSWER, 403),
    ("senior", "GET", f"/api/referrals/{REFERRAL}", None, 403),
    ("officer", "POST", f"/api/cases/{CASE}/appeal", APPEAL, 403),
    ("agency", "POST", f"/api/cases/{CASE}/resolve", RESOLUTION, 403),
    ("chair", "POST", f"/api/cases/{CASE}/claim", {}, 403),
    ("chair", "POST", f"/api/cases/{CASE}/decide", DECISION, 403),
    ("chair", "POST", f"/api/cases/{CASE}/countersign", {}, 403),
    ("chair", "POST", f"/api/cases/{CASE}/appeal", APPEAL, 403),
    ("chair", "POST", "/api/clearances", CLEARANCE, 403),
    ("chair", "GET", "/api/referrals", None, 403),
    ("officer", "POST", f"/api/cases/{CASE}/waive-partner", WAIVER, 403),
    ("operator", "POST", f"/api/cases/{CASE}/waive-partner", WAIVER, 403),
]

# (who, path, status): pages refused to a role (anonymous visitors are sent to sign in).
PAGE_REFUSALS = [
    ("", "/inbox", 303),
    ("", f"/cases/{CASE}", 303),
    ("", "/referrals", 303),
    ("stakeholder", "/inbox", 403),
    ("stakeholder", f"/cases/{CASE}", 403),
    ("other_stakeholder", f"/referrals/{REFERRAL}", 404),
    ("officer", "/referrals", 403),
    ("operator", f"/referrals/{REFERRAL}", 403),
    ("agency", "/referrals", 403),
    ("chair", "/referrals", 403),
    ("other_agency", f"/cases/{CASE}", 404),
]


@pytest.fixture(scope="module")
async def case_id(world: DeskWorld) -> str:
    return await world.harness.open_case(RiskLevel.MEDIUM)


def session(world: DeskWorld, who: str) -> dict[str, str]:
    """The session cookie a browser signed in as `who` sends (none for an anonymous one)."""
    if not who:
        return {}
    return {"Cookie": f"{SESSION_COOKIE}={world.as_(who)['Authorization'].split()[1]}"}


def _path(template: str, world: DeskWorld, case_id: str) -> str:
    return template.replace(CASE, case_id).replace(REFERRAL, world.referral_id)


@pytest.mark.parametrize(("who", "method", "path", "body", "refused"), API_REFUSALS)
async def test_the_api_refuses_a_role_what_it_must_not_see_or_do(
    world: DeskWorld,
    case_id: str,
    who: str,
    method: str,
    path: str,
    body: dict[str, object] | None,
    refused: int,
) -> None:
    response = await world.http.request(
        method, _path(path, world, case_id), json=body, headers=world.as_(who)
    )
    assert response.status_code == refused, response.text


@pytest.mark.parametrize(("who", "path", "refused"), PAGE_REFUSALS)
async def test_the_web_page_refuses_a_role_what_it_must_not_see(
    world: DeskWorld, case_id: str, who: str, path: str, refused: int
) -> None:
    response = await world.http.get(_path(path, world, case_id), headers=session(world, who))
    assert response.status_code == refused, response.text
    if refused == 303:
        assert response.headers["location"] == "/login"


async def test_a_form_without_the_session_s_form_token_changes_nothing(
    world: DeskWorld, case_id: str
) -> None:
    forged = await world.http.post(
        f"/cases/{case_id}/actions/claim",
        data={"csrf": "guessed"},
        headers=session(world, "officer"),
    )
    assert forged.status_code == 403
    view = await world.http.get(f"/api/cases/{case_id}", headers=world.as_("officer"))
    assert view.json()["assigned_reviewer"] is None


async def test_a_token_signed_with_another_key_is_refused(world: DeskWorld) -> None:
    forged = KeyRing([new_key()]).issue(
        Principal(name=world.names["senior"], role=Role.SENIOR_OFFICER), world.desk.token_lifetime
    )
    response = await world.http.get("/api/tasks", headers={"Authorization": f"Bearer {forged}"})
    assert response.status_code == 401


async def test_an_officer_clears_a_hit_from_the_case_page_as_the_signed_in_account(
    world: DeskWorld, case_id: str, stack_endpoints: Endpoints
) -> None:
    view = await world.http.get(f"/api/cases/{case_id}", headers=world.as_("officer"))
    control_number = view.json()["control_number"]
    cookie = session(world, "officer")
    form_token = hashlib.sha256(f"caseflow-form:{cookie['Cookie'].split('=', 1)[1]}".encode())
    party = f"Web Form Trading {uuid.uuid4().hex[:6]}"
    form = {
        "csrf": form_token.hexdigest()[:32],
        "entry": "caseflow-seed-el-hr-nso-group",
        "party": f"{party}|IL",
        "reason": "A garden centre in Haifa, not the listed company.",
    }

    cleared = await world.http.post(
        f"/cases/{control_number}/clearances", data=form, headers=cookie
    )

    assert cleared.status_code == 303
    assert "notice=Cleared" in cleared.headers["location"]
    [told] = await collect(
        stack_endpoints.kafka,
        SCREENING_RESULTS.name,
        lambda seen: len(seen) >= 1,
        where=lambda event: (
            event["type"] == "HitCleared.v1" and event["data"]["party_name"] == party
        ),
    )
    assert told["subject"] == case_id  # the case's id, whichever reference the page used
    assert told["data"]["cleared_by"] == world.names["officer"]
