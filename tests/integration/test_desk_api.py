"""The desk's API on real servers: signing in, the inbox, the case, actions as Updates,
referrals answered by their stakeholder, clearances."""

from __future__ import annotations

import jwt
import pytest

from schemas.consultation import Position
from schemas.screening import RiskLevel
from tests.integration.desk_fixtures import PASSWORD, DeskWorld
from tests.unit.test_consultation_routing import BROKER

pytestmark = pytest.mark.integration

CONDITIONAL = {
    "outcome": "approved_with_conditions",
    "rationale": "Lawful interception under judicial oversight.",
    "conditions": ["Post-shipment verification"],
    "assessment": {
        "end_user": "A ministry's lawful-interception unit.",
        "misuse_potential": "Interception: high potential for surveillance.",
        "destination": "Judicial oversight of interception since 2024.",
        "sources": ["UN OHCHR country report 2025"],
        "conclusion": "High risk, mitigated by verification.",
        "mitigations": ["Post-shipment verification"],
    },
}


async def test_a_wrong_password_gets_no_token_and_a_right_one_names_the_account(
    world: DeskWorld,
) -> None:
    name = world.names["officer"]
    wrong = await world.http.post("/api/auth/token", json={"name": name, "password": "nope"})
    assert wrong.status_code == 401
    right = await world.http.post("/api/auth/token", json={"name": name, "password": PASSWORD})
    me = await world.http.get(
        "/api/me", headers={"Authorization": f"Bearer {right.json()['access_token']}"}
    )
    assert me.json() == {
        "name": name,
        "role": "licensing_officer",
        "agency": None,
        "stakeholder": None,
    }


async def test_a_disabled_account_s_token_is_refused(world: DeskWorld) -> None:
    name = world.names["other_officer"]
    signed = await world.http.post("/api/auth/token", json={"name": name, "password": PASSWORD})
    headers = {"Authorization": f"Bearer {signed.json()['access_token']}"}
    assert (await world.http.get("/api/me", headers=headers)).status_code == 200
    await world.desk.accounts.disable(name)
    assert (await world.http.get("/api/me", headers=headers)).status_code == 401


async def test_the_inbox_filters_by_risk_and_lists_the_soonest_deadline_first(
    world: DeskWorld,
) -> None:
    high = await world.harness.open_case(RiskLevel.HIGH)
    low = await world.harness.open_case(RiskLevel.LOW)
    await world.harness.until_listed("RiskLevel = 'high'", high)
    found = await world.http.get("/api/tasks?risk=high", headers=world.as_("operator"))
    ids = [task["case_id"] for task in found.json()]
    assert high in ids
    assert low not in ids
    deadlines = [task["deadline_at"] for task in found.json() if task["deadline_at"]]
    assert deadlines == sorted(deadlines)


async def test_an_agency_sees_its_own_cases_and_no_other_agency_s(world: DeskWorld) -> None:
    case_id = await world.harness.open_case(RiskLevel.LOW)
    await world.harness.until_listed("CaseStatus = 'under_review'", case_id)
    own = await world.http.get("/api/tasks", headers=world.as_("agency"))
    assert case_id in {task["case_id"] for task in own.json()}
    assert {task["agency"] for task in own.json()} == {"DE-HARNESS"}
    other = await world.http.get("/api/tasks", headers=world.as_("other_agency"))
    assert case_id not in {task["case_id"] for task in other.json()}
    view = await world.http.get(f"/api/cases/{case_id}", headers=world.as_("agency"))
    assert view.json()["open_actions"] == []
    hidden = await world.http.get(f"/api/cases/{case_id}", headers=world.as_("other_agency"))
    assert hidden.status_code == 404


async def test_actions_are_updates_refused_with_the_workflow_s_reasons_until_decided(
    world: DeskWorld,
) -> None:
    case_id = await world.harness.open_case(RiskLevel.HIGH)
    officer, senior = world.as_("officer"), world.as_("senior")
    early = await world.http.post(f"/api/cases/{case_id}/decide", json=CONDITIONAL, headers=officer)
    assert early.status_code == 409
    assert early.json() == {"reason": "refused", "message": "claim the case first"}
    claimed = await world.http.post(f"/api/cases/{case_id}/claim", json={}, headers=officer)
    assert claimed.json()["status"] == "under_review"
    view = (await world.http.get(f"/api/cases/{case_id}", headers=officer)).json()
    assert "approved_with_conditions" in view["open_actions"]
    assert view["assigned_reviewer"] == world.names["officer"]
    signed = await world.http.post(
        f"/api/cases/{case_id}/decide", json=CONDITIONAL, headers=officer
    )
    assert signed.json()["status"] == "signed_off"
    decided = await world.http.post(f"/api/cases/{case_id}/countersign", json={}, headers=senior)
    assert decided.json()["status"] == "decided"
    assert decided.json()["outcome"] == "approved_with_conditions"
    again = await world.http.post(f"/api/cases/{case_id}/claim", json={}, headers=officer)
    assert again.status_code == 409


async def test_an_unknown_case_is_not_found(world: DeskWorld) -> None:
    for path in ("/api/cases/no-such-case", "/api/cases/Z999999"):
        assert (await world.http.get(path, headers=world.as_("operator"))).status_code == 404


async def test_a_stakeholder_sees_its_referral_minimised_and_answers_it_once(
    world: DeskWorld,
) -> None:
    stakeholder = world.as_("stakeholder")
    listed = await world.http.get("/api/referrals", headers=stakeholder)
    assert world.referral_id in {referral["referral_id"] for referral in listed.json()}
    detail = await world.http.get(f"/api/referrals/{world.referral_id}", headers=stakeholder)
    assert BROKER not in detail.text
    assert any("personal data" in withheld for withheld in detail.json()["case"]["withheld"])
    answer = {"position": "recommend_denial", "rationale": "Prior misuse against journalists."}
    path = f"/api/referrals/{world.referral_id}/responses"
    answered = await world.http.post(path, json=answer, headers=stakeholder)
    assert answered.status_code == 201
    assert answered.json()["position"] == "recommend_denial"
    twice = await world.http.post(path, json=answer, headers=stakeholder)
    assert twice.status_code == 409
    assert twice.json()["reason"] == "already_answered"


async def test_an_officer_clears_a_false_positive_hit_against_a_listed_entry(
    world: DeskWorld,
) -> None:
    clearance = {
        "entry": "caseflow-seed-el-hr-nso-group",
        "party": "NSO Gardening Supplies",
        "country": "il",
        "reason": "A garden centre in Haifa, not the listed company.",
    }
    cleared = await world.http.post("/api/clearances", json=clearance, headers=world.as_("officer"))
    assert cleared.status_code == 201
    assert cleared.json()["cleared_by"] == world.names["officer"]
    assert cleared.json()["country"] == "IL"
    unknown = {**clearance, "entry": "no-such-entry"}
    refused = await world.http.post("/api/clearances", json=unknown, headers=world.as_("officer"))
    assert (refused.status_code, refused.json()["reason"]) == (404, "unknown_entry")
    assert "no-such-entry" in refused.json()["message"]
    vague = {**clearance, "reason": "not them"}
    too_short = await world.http.post("/api/clearances", json=vague, headers=world.as_("officer"))
    assert (too_short.status_code, too_short.json()["reason"]) == (422, "invalid_clearance")


async def test_text_postgresql_cannot_store_is_refused_as_invalid_not_as_a_server_error(
    world: DeskWorld,
) -> None:
    nul = await world.http.post("/api/auth/token", json={"name": "a\x00b", "password": "x"})
    assert nul.status_code == 422
    surrogate = await world.http.post(
        f"/api/referrals/{world.referral_id}/responses",
        content='{"position": "no_objection", "rationale": "\\ud81b"}',
        headers={**world.as_("stakeholder"), "content-type": "application/json"},
    )
    assert surrogate.status_code == 422


async def test_an_escalation_is_decided_by_the_chair_of_its_level_only(world: DeskWorld) -> None:
    case_id = await world.harness.open_case(RiskLevel.HIGH)
    officer = world.as_("officer")
    await world.http.post(f"/api/cases/{case_id}/claim", json={}, headers=officer)
    await world.http.post(f"/api/cases/{case_id}/refer", json={}, headers=officer)
    await world.harness.conclude(case_id, Position.RECOMMEND_DENIAL, Position.NO_OBJECTION)
    await world.harness.until(case_id, lambda view: view.status == "escalated")
    resolution = {"recommendation": "deny", "rationale": "The dissent is well founded."}
    path = f"/api/cases/{case_id}/resolve"
    higher = await world.http.post(path, json=resolution, headers=world.as_("chair"))
    assert higher.status_code == 409
    view = await world.http.get(f"/api/cases/{case_id}", headers=world.as_("senior"))
    assert view.json()["open_actions"] == ["resolve_escalation"]
    decided = await world.http.post(path, json=resolution, headers=world.as_("senior"))
    assert decided.status_code == 200, decided.text


async def test_a_waiver_for_a_partner_state_whose_notice_did_not_match_is_refused_with_why(
    world: DeskWorld,
) -> None:
    case_id = await world.harness.open_case(RiskLevel.HIGH)
    waiver = {"states": ["DE"], "reason": "The partner state did not answer in time."}
    path = f"/api/cases/{case_id}/waive-partner"
    refused = await world.http.post(path, json=waiver, headers=world.as_("senior"))
    assert refused.status_code == 409
    assert "no denial notice of DE matched this case" in refused.json()["message"]


async def test_the_desk_publishes_the_public_keys_its_tokens_verify_with(
    world: DeskWorld,
) -> None:
    name = world.names["officer"]
    signed = await world.http.post("/api/auth/token", json={"name": name, "password": PASSWORD})
    token = signed.json()["access_token"]
    jwks = (await world.http.get("/api/auth/jwks")).json()

    assert all(key["kty"] == "EC" and "d" not in key for key in jwks["keys"])
    [key] = [key for key in jwks["keys"] if key["kid"] == jwt.get_unverified_header(token)["kid"]]
    claims = jwt.decode(
        token, jwt.PyJWK(key).key, algorithms=["ES256"], audience="caseflow", issuer="caseflow"
    )
    assert (claims["sub"], claims["role"]) == (name, "licensing_officer")
    assert claims["permissions"] == [f"{world.desk.temporal.namespace}:write"]
