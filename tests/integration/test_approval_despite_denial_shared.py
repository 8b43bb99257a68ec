"""EU 2021/821 Art. 16 through the real services: a partner state's denial notice matches a
case, the state is consulted, the case is approved with a rationale, and partner states get
exactly one `ApprovalDespiteDenial` on `caseflow.sharing.notices` naming no individual; a denial
of such a case shares its own denial and nothing more."""

from __future__ import annotations

import asyncio
import json
import time
import uuid

import httpx
import pytest
from temporalio.client import Client

from caseflow.settings import Endpoints
from entrypoints.samples import sample_assessment
from schemas.application import Address, Party, PartyKind, SubmitApplication
from schemas.cases import CaseStatus, DecisionOutcome, DenialGround
from schemas.topics import CONSULTATION_RESPONSES, SHARING_NOTICES
from tests.actors import token_for
from tests.integration.test_license_case import submit_and_await_review
from tests.integration.test_screening_findings import (
    denied_by_nl,
    screened,
    to_ministry,
)
from tests.integration.test_screening_service import until_true
from tests.support import Event, collect
from workflows import case_client
from workflows.tasks import (
    ConsultationReferral,
    Countersignature,
    ReviewDecision,
    Reviewer,
    ReviewerRole,
    ReviewerTask,
)

pytestmark = [pytest.mark.integration]

OFFICER = Reviewer(id="officer-art16", role=ReviewerRole.LICENSING_OFFICER)
SENIOR = Reviewer(id="senior-art16", role=ReviewerRole.SENIOR_OFFICER)
BROKER = "Karim Ben Salah"  # a sole trader: an individual, whose name is personal data
APPROVED = "ApprovalDespiteDenial.v1"


async def ministry_case(endpoints: Endpoints) -> tuple[SubmitApplication, str]:
    """An application to a ministry whose essentially identical deal the Netherlands denied
    (screening keeps the notice), with a sole trader as intermediate consignee; the notice id."""
    ministry = f"Interior Protection Directorate {uuid.uuid4().hex[:6].upper()}"
    notice = await denied_by_nl(endpoints, ministry)
    statement = "Lawful interception of IP traffic for criminal investigations under warrant."
    application = to_ministry(ministry, "EG", statement)
    broker = Party(
        name=BROKER,
        address=Address(street="4 Port Road", city="Alexandria", country="EG"),
        kind=PartyKind.INDIVIDUAL,
    )
    return application.model_copy(update={"intermediate_consignees": [broker]}), notice.notice_id


async def consulted(
    endpoints: Endpoints, temporal: Client, api: httpx.AsyncClient, application: SubmitApplication
) -> str:
    """Submit, claim and refer the case; every referred stakeholder (the Netherlands among them)
    answers without objection; the case is back in review. Its id."""
    case = await submit_and_await_review(endpoints, temporal, application)
    await case_client.claim(temporal, case.case_id, ReviewerTask(token=token_for(OFFICER)))
    await case_client.refer_for_consultation(
        temporal, case.case_id, ConsultationReferral(token=token_for(OFFICER))
    )
    [opened] = await about(
        endpoints, CONSULTATION_RESPONSES.name, case.case_id, "ConsultationOpened"
    )
    referred = opened["data"]["referred"]
    assert "partner-nl" in referred
    referrals = await about(
        endpoints, CONSULTATION_RESPONSES.name, case.case_id, "ReferralOpened", len(referred)
    )
    for referral in referrals:
        answered = await api.post(
            f"/referrals/{referral['data']['referral_id']}/responses",
            json={"position": "no_objection", "rationale": "No objection on the facts shown."},
        )
        assert answered.status_code == 201, answered.text
    await about(endpoints, CONSULTATION_RESPONSES.name, case.case_id, "ConsultationConcluded")
    await until_in_review(temporal, case.case_id)
    return case.case_id


async def decided(temporal: Client, case_id: str, decision: ReviewDecision) -> None:
    """Decide; a sign-off is countersigned by a second, senior officer."""
    recorded = await case_client.decide(temporal, case_id, decision)
    if recorded.status is CaseStatus.SIGNED_OFF:
        await case_client.countersign(temporal, case_id, Countersignature(token=token_for(SENIOR)))


async def test_an_approval_despite_a_consulted_partner_denial_is_shared_once_with_why(
    consultation: httpx.AsyncClient,
    case_services: None,
    stack_endpoints: Endpoints,
    temporal: Client,
) -> None:
    application, notice_id = await ministry_case(stack_endpoints)
    case_id = await consulted(stack_endpoints, temporal, consultation, application)
    rationale = (
        f"The ministry's interception is now under judicial warrant; {BROKER} no longer takes "
        "part. The Netherlands' grounds no longer apply."
    )
    warrant = "Interception only under a judicial warrant, reported to the licensing authority"
    approval = ReviewDecision(
        token=token_for(OFFICER),
        outcome=DecisionOutcome.APPROVED_WITH_CONDITIONS,
        rationale=rationale,
        conditions=[warrant],
        assessment=sample_assessment("Acceptable under warrant.", mitigations=[warrant]),
    )

    await decided(temporal, case_id, approval)

    [shared] = await about(stack_endpoints, SHARING_NOTICES.name, case_id, APPROVED, linger=5.0)
    notice = shared["data"]
    assert notice["overridden"] == [{"state": "NL", "notice_id": notice_id}]
    assert notice["issuing_state"] == "DE"
    assert notice["decision"] == "approved_with_conditions"
    assert notice["explanation"].startswith("The ministry's interception is now under judicial")
    assert "The Netherlands' grounds no longer apply." in notice["explanation"]
    assert notice["destination_country"] == "EG"
    assert {party["role"] for party in notice["parties"]} == {
        "intermediate_consignee",
        "ultimate_consignee",
        "end_user",
    }
    text = json.dumps(notice)
    for word in BROKER.split():
        assert word not in text
    assert application.applicant.name not in text
    assert application.purchaser.name not in text
    assert str(application.items[0].unit_value) not in text
    view = await case_client.case_view(temporal, case_id)
    assert view.decided is not None
    assert [d.notice_id for d in view.decided.partners_informed] == [notice_id]

    # The notice comes back on the sharing topic: a later case matching the same denial says so.
    kept = "SELECT count(*) = 1 FROM screening.partner_notices WHERE notice_id = $1"
    await until_true(stack_endpoints, kept, notice["notice_id"])
    later = await screened(
        stack_endpoints, application.model_copy(update={"agency_reference": "x"})
    )
    [finding] = [f for f in later["findings"] if f["category"] == "partner_notice"]
    assert (
        "DE approved an essentially identical transaction despite this denial"
        in (finding["explanation"])
    )
    assert "The Netherlands' grounds no longer apply." in finding["explanation"]


async def test_a_denial_of_a_case_a_partner_also_denied_shares_only_its_own_denial(
    consultation: httpx.AsyncClient,
    case_services: None,
    stack_endpoints: Endpoints,
    temporal: Client,
) -> None:
    application, _ = await ministry_case(stack_endpoints)
    case = await submit_and_await_review(stack_endpoints, temporal, application)
    await case_client.claim(temporal, case.case_id, ReviewerTask(token=token_for(OFFICER)))
    denial = ReviewDecision(
        token=token_for(OFFICER),
        outcome=DecisionOutcome.DENIED,
        rationale="The partner's grounds hold.",
        grounds=[DenialGround(text="Risk of use against peaceful protest", human_rights=True)],
        assessment=sample_assessment("Serious risk of use against peaceful protest."),
    )

    await decided(temporal, case.case_id, denial)

    # Its own denial notice follows the decision through the same partition: once it is shared,
    # a notice of approval would have been too.
    shared = await about(
        stack_endpoints, SHARING_NOTICES.name, case.case_id, "PartnerNotice.v1", linger=5.0
    )
    assert [event["data"]["kind"] for event in shared] == ["denial"]
    everything = await collect(
        stack_endpoints.kafka,
        SHARING_NOTICES.name,
        lambda _: True,
        where=lambda event: event["subject"] == case.case_id,
        linger=2.0,
    )
    assert APPROVED not in {event["type"] for event in everything}


async def about(
    endpoints: Endpoints,
    topic: str,
    case_id: str,
    kind: str,
    count: int = 1,
    linger: float = 1.0,
) -> list[Event]:
    """Events of one type about one case on `topic`, once `count` have arrived."""
    kind = kind if kind.endswith(".v1") else f"{kind}.v1"
    return await collect(
        endpoints.kafka,
        topic,
        lambda seen: len(seen) >= count,
        where=lambda event: event["subject"] == case_id and event["type"] == kind,
        timeout=180.0,
        linger=linger,
    )


async def until_in_review(temporal: Client, case_id: str) -> None:
    """Wait until the case is back under review with its consultation concluded."""
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        view = await case_client.case_view(temporal, case_id)
        concluded = view.consultation is not None and view.consultation.concluded is not None
        if concluded and view.status is CaseStatus.UNDER_REVIEW:
            return
        await asyncio.sleep(0.5)
    raise AssertionError(f"case {case_id} never came back to review after its consultation")
