"""A false-positive hit is cleared only through the screening service, by a reviewer whose
signed token it verifies: the clearance is an event (HitCleared) on the audit trail with that
reviewer, and later screenings report the hit as cleared. Refused clearances change nothing."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime

import httpx
import pytest

from caseflow.auth import Role
from caseflow.service_api import service_url
from caseflow.settings import Endpoints, Settings
from schemas.topics import SCREENING_RESULTS
from services.audit.bootstrap import bootstrap as audit_app
from tests.integration.test_screening_findings import findings, screened
from tests.integration.test_screening_service import until_true, with_end_user
from tests.support import bearer, caseflow, collect, forge, signed_token

pytestmark = pytest.mark.integration
REASON = "Osaka machine-tool maker since 1962, not Candiru's alias"


@pytest.fixture(scope="module")
async def audit_service(stack_settings: Settings) -> AsyncIterator[None]:
    """The audit service in this process, chaining what screening's outbox publishes."""
    async with audit_app(stack_settings):
        yield


async def test_a_cleared_hit_is_on_the_audit_trail_with_its_reviewer_and_reported_as_cleared(
    case_services: None,
    audit_service: None,
    stack_settings: Settings,
    stack_endpoints: Endpoints,
) -> None:
    party = "Saito Tech Co., Ltd."  # an alias of Candiru's; cleared for the session from here
    before = await screened(stack_endpoints, with_end_user(party, "JP"))
    [hit] = findings(before, "restricted_party")
    assert before["risk_level"] == "critical"
    officer = f"officer-{uuid.uuid4().hex[:6]}"
    token = await signed_token(stack_settings, Role.LICENSING_OFFICER, name=officer)
    case_id = before["case_id"]

    cleared = await caseflow(
        stack_settings,
        *("lists", "clear", hit["reference"], "--party", party, "--country", "jp"),
        *("--reason", REASON, "--case", case_id),
        token=token,
    )

    assert f"cleared '{party}' (JP) against entry {hit['reference']} by {officer}" in cleared
    await until_true(
        stack_endpoints,
        "SELECT count(*) = 1 FROM audit.trail WHERE case_id = $1 AND event_type = $2",
        case_id,
        "HitCleared.v1",
    )
    trail = await caseflow(stack_settings, "audit", "show", case_id, token=token)
    [line] = [line for line in trail.splitlines() if "HitCleared" in line]
    assert officer in line
    [told] = await collect(
        stack_endpoints.kafka,
        SCREENING_RESULTS.name,
        lambda seen: len(seen) >= 1,
        where=lambda event: event["type"] == "HitCleared.v1" and event["subject"] == case_id,
    )
    assert (told["data"]["cleared_by"], told["data"]["cleared_by_role"]) == (
        officer,
        "licensing_officer",
    )
    assert told["data"]["reason"] == REASON
    after = await screened(stack_endpoints, with_end_user(party.replace(",", ""), "JP"))
    [again] = findings(after, "restricted_party")
    assert again["severity"] == "low"
    today = datetime.now(UTC).date().isoformat()
    assert f"cleared as a false positive by {officer} on {today}" in again["explanation"]
    assert after["risk_level"] == "low"
    recorded = await caseflow(stack_settings, "lists", "clearances", token=token)
    assert officer in recorded
    assert party in recorded


async def test_clearances_without_a_reviewer_token_or_sound_input_are_refused_saying_why(
    case_services: None, stack_settings: Settings, stack_endpoints: Endpoints
) -> None:
    party = f"Nobody Cleared {uuid.uuid4().hex[:6]} Ltd"
    entry = "caseflow-seed-el-hr-candiru"
    officer = await signed_token(stack_settings, Role.SENIOR_OFFICER)
    operator = await signed_token(stack_settings, Role.OPERATOR)
    clear = ["lists", "clear", entry, "--party", party, "--country", "JP", "--reason", REASON]

    anonymous = await caseflow(stack_settings, *clear, status=1)
    as_operator = await caseflow(stack_settings, *clear, status=1, token=operator)
    forged = await caseflow(stack_settings, *clear, status=1, token=forge(officer))
    unknown_entry = ["lists", "clear", "no-such-entry", *clear[3:]]
    unknown = await caseflow(stack_settings, *unknown_entry, status=1, token=officer)
    vague = await caseflow(stack_settings, *clear[:-1], "not them", status=1, token=officer)
    bad_country = ["lists", "clear", entry, "--party", party, "--country", "XX"]
    country = await caseflow(
        stack_settings, *bad_country, "--reason", REASON, status=1, token=officer
    )

    async with httpx.AsyncClient(base_url=service_url(stack_settings, "screening")) as http:
        wanted = {"party": party, "country": "JP", "entry": entry, "reason": REASON}
        nobody = await http.post("/clearances", json=wanted)
        garbage = await http.post("/clearances", json=wanted, headers=bearer("x.y.z"))
    assert (nobody.status_code, nobody.json()["detail"]) == (401, "no bearer token")
    assert garbage.status_code == 401
    assert garbage.json()["detail"].startswith("invalid token")
    assert "not signed in: run `caseflow login" in anonymous
    assert "for licensing_officer, senior_officer only" in as_operator
    assert "invalid token" in forged
    assert "no current list has an entry 'no-such-entry'" in unknown
    assert "a reason of a few words" in vague
    assert "country" in country
    assert party not in await caseflow(stack_settings, "lists", "clearances", token=officer)
    told = await collect(
        stack_endpoints.kafka,
        SCREENING_RESULTS.name,
        lambda seen: True,
        where=lambda event: (
            event["type"] == "HitCleared.v1" and event["data"]["party_name"] == party
        ),
        timeout=5,
        linger=2,
    )
    assert told == []
