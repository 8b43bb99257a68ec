"""The consultation API refuses anonymous, forged and wrong-role calls with the reason; a
stakeholder sees and answers only its own referrals, and its answer names the account that
signed in, whatever the body says."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator

import asyncpg
import httpx
import pytest

from caseflow.auth import Role
from caseflow.settings import Endpoints, Settings
from tests.integration.test_consultation_service import fresh_case, responses, send
from tests.support import bearer, forge, signed_token

pytestmark = pytest.mark.integration
DEFENCE = "us-dod-dtsa"


@pytest.fixture
async def anonymous(consultation: httpx.AsyncClient) -> AsyncIterator[httpx.AsyncClient]:
    """A client of the same API that signs nothing."""
    async with httpx.AsyncClient(base_url=str(consultation.base_url), timeout=10) as client:
        yield client


async def opened_referrals(kafka: str) -> dict[str, str]:
    """A fresh case's referrals, by stakeholder id."""
    case = fresh_case()
    await send(kafka, (case.case_id, case))
    opened = await responses(kafka, case.case_id, "ReferralOpened", 3)
    return {event["data"]["stakeholder_id"]: event["data"]["referral_id"] for event in opened}


async def test_anonymous_and_forged_calls_are_refused_with_401_and_the_reason(
    consultation: httpx.AsyncClient,
    anonymous: httpx.AsyncClient,
    stack_settings: Settings,
    stack_endpoints: Endpoints,
) -> None:
    referrals = await opened_referrals(stack_endpoints.kafka)
    genuine = await signed_token(stack_settings, Role.STAKEHOLDER, stakeholder=DEFENCE)
    path = f"/referrals/{referrals[DEFENCE]}/responses"

    listed = await anonymous.get("/referrals")
    answered = await anonymous.post(path, json={"position": "no_objection"})
    forged = await anonymous.post(
        path, json={"position": "no_objection"}, headers=bearer(forge(genuine))
    )
    garbage = await anonymous.get("/referrals", headers=bearer("not-a-token"))

    assert (listed.status_code, listed.json()["detail"]) == (401, "no bearer token")
    assert listed.headers["www-authenticate"] == "Bearer"
    assert (answered.status_code, answered.json()["detail"]) == (401, "no bearer token")
    assert forged.status_code == 401
    assert forged.json()["detail"].startswith("invalid token")
    assert garbage.status_code == 401
    still = await consultation.get(f"/referrals/{referrals[DEFENCE]}")
    assert (still.json()["status"], still.json()["position"]) == ("open", None)
    assert (await anonymous.get("/health")).status_code == 200


async def test_wrong_roles_are_refused_with_403(
    anonymous: httpx.AsyncClient, stack_settings: Settings, stack_endpoints: Endpoints
) -> None:
    referrals = await opened_referrals(stack_endpoints.kafka)
    operator = await signed_token(stack_settings, Role.OPERATOR)
    agency = await signed_token(stack_settings, Role.STAKEHOLDER, stakeholder=DEFENCE)
    officer = await signed_token(stack_settings, Role.LICENSING_OFFICER)
    answer = {"position": "no_objection"}
    path = f"/referrals/{referrals[DEFENCE]}/responses"

    by_operator = await anonymous.post(path, json=answer, headers=bearer(operator))
    by_officer = await anonymous.post(path, json=answer, headers=bearer(officer))
    registry_by_stakeholder = await anonymous.get("/stakeholders", headers=bearer(agency))
    registry_by_officer = await anonymous.post(
        f"/stakeholders/{DEFENCE}/disabled", json={"reason": "r"}, headers=bearer(officer)
    )
    officer_lists = await anonymous.get("/referrals", headers=bearer(officer))

    assert (by_operator.status_code, by_operator.json()["detail"]) == (403, "for stakeholder only")
    assert by_officer.status_code == 403
    assert (registry_by_stakeholder.status_code, registry_by_stakeholder.json()["detail"]) == (
        403,
        "for operator only",
    )
    assert registry_by_officer.status_code == 403
    assert officer_lists.status_code == 200  # officers follow the referrals they made


async def test_a_stakeholder_sees_and_answers_only_its_own_referrals_as_itself(
    anonymous: httpx.AsyncClient, stack_settings: Settings, stack_endpoints: Endpoints
) -> None:
    referrals = await opened_referrals(stack_endpoints.kafka)
    other = next(stakeholder for stakeholder in referrals if stakeholder != DEFENCE)
    account = f"dtsa-desk-{uuid.uuid4().hex[:8]}"
    mine = await signed_token(stack_settings, Role.STAKEHOLDER, stakeholder=DEFENCE, name=account)
    theirs_path = f"/referrals/{referrals[other]}"

    seen = await anonymous.get("/referrals", params={"stakeholder": other}, headers=bearer(mine))
    peeked = await anonymous.get(theirs_path, headers=bearer(mine))
    answered_for_them = await anonymous.post(
        f"{theirs_path}/responses", json={"position": "no_objection"}, headers=bearer(mine)
    )
    answered = await anonymous.post(
        f"/referrals/{referrals[DEFENCE]}/responses",
        json={"position": "no_objection", "answered_by": "someone-else"},
        headers=bearer(mine),
    )

    assert {referral["stakeholder_id"] for referral in seen.json()} <= {DEFENCE}
    assert (peeked.status_code, peeked.json()["detail"]["reason"]) == (404, "unknown_referral")
    assert answered_for_them.status_code == 404
    assert answered.status_code == 201, answered.text
    assert await answerer(stack_endpoints, referrals[DEFENCE]) == account
    operator = await signed_token(stack_settings, Role.OPERATOR)
    untouched = await anonymous.get(theirs_path, headers=bearer(operator))
    assert untouched.json()["status"] == "open"


async def answerer(endpoints: Endpoints, referral_id: str) -> str:
    """Who consultation recorded as having answered the referral."""
    connection = await asyncpg.connect(endpoints.database)
    try:
        return str(
            await connection.fetchval(
                "SELECT answered_by FROM consultation.referrals WHERE referral_id = $1",
                referral_id,
            )
        )
    finally:
        await connection.close()
