"""Operators read intake's figures through its API with a signed token, and `caseflow flow`
shows what intake and consultation answer, against the real broker, PostgreSQL and Temporal."""

from __future__ import annotations

import re
import uuid
from collections.abc import AsyncIterator
from datetime import datetime, timedelta
from typing import Any

import httpx
import pytest

from caseflow.auth import Role
from caseflow.loopback import free_ports
from caseflow.settings import Endpoints, Settings
from entrypoints.agency_client import publish_submissions
from entrypoints.samples import sample_applications, submission
from schemas.envelope import utcnow
from services.intake.bootstrap import bootstrap as intake_app
from tests.support import bearer, caseflow, eventually, signed_token

pytestmark = pytest.mark.integration


@pytest.fixture
async def intake(stack_settings: Settings, stack_endpoints: Endpoints) -> AsyncIterator[str]:
    """Intake on its own port (it writes its address for the CLI too); its API's address."""
    [port] = free_ports(1)
    async with intake_app(stack_settings.model_copy(update={"intake_http_port": port})):
        yield f"http://127.0.0.1:{port}"


async def one_good_one_broken(endpoints: Endpoints) -> None:
    """A sample application and a message that is no submission at all."""
    good = submission(sample_applications(f"-{uuid.uuid4().hex[:6]}")[0])
    await publish_submissions(
        endpoints.kafka, [(good.subject, good.to_bytes()), ("garbage", b"\xff not json")]
    )


async def received(intake: str, token: str, since: datetime) -> Any:
    """Intake's figures since `since`, as an operator reads them."""
    async with httpx.AsyncClient(base_url=intake, timeout=10) as http:
        answer = await http.get(
            "/received", params={"since": since.isoformat()}, headers=bearer(token)
        )
    assert answer.status_code == 200, answer.text
    return answer.json()


async def test_staff_read_what_intake_received_since_a_moment_and_others_may_not(
    intake: str, stack_settings: Settings, stack_endpoints: Endpoints
) -> None:
    operator = await signed_token(stack_settings, Role.OPERATOR)
    officer = await signed_token(stack_settings, Role.LICENSING_OFFICER)
    chair = await signed_token(stack_settings, Role.COMMITTEE_CHAIR)
    stakeholder = await signed_token(stack_settings, Role.STAKEHOLDER, stakeholder="us-dod-dtsa")
    since = utcnow()
    await one_good_one_broken(stack_endpoints)

    async def both_counted() -> bool:
        figures = await received(intake, operator, since)
        return bool(figures["registered"] >= 1 and sum(figures["refused"].values()) >= 1)

    await eventually(both_counted, "the registration and the refusal counted")
    as_officer = await received(intake, officer, since)
    tomorrow = await received(intake, operator, since + timedelta(days=1))
    async with httpx.AsyncClient(base_url=intake, timeout=10) as http:
        refused = [
            (await http.get("/received", params={"since": since.isoformat()}, headers=h))
            for h in ({}, bearer(stakeholder), bearer(chair))
        ]
        no_moment = await http.get("/received", headers=bearer(operator))

    assert as_officer["submissions"] >= 2
    assert as_officer["refused"].get("unreadable", 0) >= 1
    assert (tomorrow["submissions"], tomorrow["registered"], tomorrow["refused"]) == (0, 0, {})
    assert [answer.status_code for answer in refused] == [401, 403, 403]
    assert no_moment.status_code == 422


def figure(summary: str, label: str) -> int:
    """The number beside `label` in the flow's tables; the rightmost one where two tables share
    a label (the case status `registered` and intake's registrations today)."""
    found = re.findall(rf"{label}\s*│\s*(\d+)", summary)
    assert found, f"no {label!r} in:\n{summary}"
    return int(found[-1])


async def test_flow_shows_intakes_figures_today_and_consultations_referrals(
    intake: str,
    consultation: httpx.AsyncClient,
    stack_settings: Settings,
    stack_endpoints: Endpoints,
) -> None:
    operator = await signed_token(stack_settings, Role.OPERATOR)
    midnight = utcnow().replace(hour=0, minute=0, second=0, microsecond=0)
    before = await received(intake, operator, midnight)
    await one_good_one_broken(stack_endpoints)

    async def counted() -> bool:
        figures = await received(intake, operator, midnight)
        return bool(
            figures["registered"] > before["registered"]
            and figures["submissions"] >= before["submissions"] + 2
        )

    await eventually(counted, "the registration and the refusal counted")
    # Other tests' messages and cases may still arrive: the flow's figures lie between what
    # the services answer just before and just after it.
    earlier = await received(intake, operator, midnight)
    referred = (await consultation.get("/referral-counts")).json()
    summary = await caseflow(stack_settings, "flow", token=operator)
    today = await received(intake, operator, midnight)
    referrals = (await consultation.get("/referral-counts")).json()
    not_signed_in = await caseflow(stack_settings, "flow", status=1)
    stakeholder = await signed_token(stack_settings, Role.STAKEHOLDER, stakeholder="us-dod-dtsa")
    as_stakeholder = await caseflow(stack_settings, "flow", status=1, token=stakeholder)

    assert earlier["registered"] <= figure(summary, "registered") <= today["registered"]
    assert earlier["submissions"] <= figure(summary, "submissions") <= today["submissions"]
    open_referrals = sorted([referred["by_status"]["open"], referrals["by_status"]["open"]])
    assert open_referrals[0] <= figure(summary, "open referrals") <= open_referrals[1]
    assert "does not answer" not in summary
    assert "not signed in" in not_signed_in
    assert "refused" in as_stakeholder


async def test_flow_shows_the_rest_when_intake_does_not_answer(
    consultation: httpx.AsyncClient, stack_settings: Settings
) -> None:
    operator = await signed_token(stack_settings, Role.OPERATOR)
    [nobody] = free_ports(1)

    summary = await caseflow(
        stack_settings,
        "flow",
        token=operator,
        environment={"CASEFLOW_INTAKE_URL": f"http://127.0.0.1:{nobody}"},
    )

    assert "intake does not answer" in summary
    assert "open referrals" in summary
    assert "Cases" in summary


async def test_an_agency_reads_where_its_own_reference_stands_and_no_other_agencys(
    intake: str, stack_settings: Settings, stack_endpoints: Endpoints
) -> None:
    application = sample_applications(f"-standing-{uuid.uuid4().hex[:6]}")[0]
    agency, reference = application.submitting_agency, application.agency_reference
    own = await signed_token(stack_settings, Role.AGENCY, agency=agency)
    other = await signed_token(stack_settings, Role.AGENCY, agency="FR-SBDU")
    operator = await signed_token(stack_settings, Role.OPERATOR)
    stakeholder = await signed_token(stack_settings, Role.STAKEHOLDER, stakeholder="us-dod-dtsa")
    good = submission(application)
    await publish_submissions(stack_endpoints.kafka, [(good.subject, good.to_bytes())])

    async def registered() -> bool:
        async with httpx.AsyncClient(base_url=intake, timeout=10) as http:
            answer = await http.get(
                "/standing", params={"agency": agency, "reference": reference}, headers=bearer(own)
            )
        return bool(answer.json()["case"])

    await eventually(registered, "the application registered")
    as_agency = await caseflow(stack_settings, "status", agency, reference, token=own)
    as_operator = await caseflow(stack_settings, "status", agency, reference, token=operator)
    as_other = await caseflow(stack_settings, "status", agency, reference, status=1, token=other)
    as_stakeholder = await caseflow(
        stack_settings, "status", agency, reference, status=1, token=stakeholder
    )
    not_signed_in = await caseflow(stack_settings, "status", agency, reference, status=1)
    nothing = await caseflow(
        stack_settings, "status", agency, f"{reference}-never", status=1, token=own
    )

    for told in (as_agency, as_operator):
        assert f"{agency} {reference}: case " in told
        assert "registered" in told
    assert "refused" in as_other
    assert "its own references" in as_other
    assert "case " not in as_other
    assert "refused" in as_stakeholder
    assert "not signed in" in not_signed_in
    assert f"no case and no refusal under {agency} {reference}-never" in nothing
