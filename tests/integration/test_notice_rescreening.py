"""A partner state's notice on real servers: screening keeps it and re-screens the open cases
and valid licences it matches; the case under review shows its finding, naming the issuing
state, and the licence goes under review."""

from __future__ import annotations

import asyncio
import time
import uuid
from datetime import UTC, date, datetime

import pytest
from temporalio.client import Client

from caseflow.settings import Endpoints
from entrypoints.samples import sample_assessment
from schemas.application import TechnologyCategory
from schemas.cases import CaseStatus, DecisionOutcome
from schemas.consultation import ConsultationConcluded
from schemas.licences import LicenceStatus
from schemas.screening import FindingCategory, NoticeKind, NoticeParty, PartnerNotice, RiskLevel
from schemas.topics import SHARING_NOTICES
from tests.actors import token_for
from tests.integration.case_harness import OFFICER as HARNESS_OFFICER
from tests.integration.case_harness import CaseHarness
from tests.integration.test_approval_despite_denial_shared import OFFICER, decided
from tests.integration.test_case_partner_override import approval, consulted
from tests.integration.test_license_case import submit_and_await_review
from tests.integration.test_screening_findings import to_ministry
from tests.integration.test_screening_service import publish
from workflows import case_client
from workflows.licence_desk import LicenceNotFound, licence_view
from workflows.licence_model import LicenceView
from workflows.license_case import LicenseCase
from workflows.model import CaseView
from workflows.tasks import ConsultationReferral, ReviewDecision, ReviewerTask

pytestmark = [pytest.mark.integration]

INTERCEPTION = "Lawful interception of IP traffic for criminal investigations under warrant."


def notice_on(ministry: str, state: str, kind: NoticeKind, notice_id: str) -> PartnerNotice:
    """`state`'s notice on network surveillance for the Egyptian `ministry`."""
    return PartnerNotice(
        notice_id=notice_id,
        kind=kind,
        issuing_state=state,
        issued_on=date(2026, 12, 6),
        parties=[NoticeParty(role="end_user", name=ministry, country="EG")],
        technology_categories=[TechnologyCategory.NETWORK_SURVEILLANCE],
        destination_country="EG",
        reason="The directorate's interception centre was used against peaceful protesters.",
    )


async def ministry_case_in_review(endpoints: Endpoints, temporal: Client) -> tuple[str, str]:
    """A case of interception equipment for a ministry, awaiting review: the ministry, the id."""
    ministry = f"Interior Signals Directorate {uuid.uuid4().hex[:6].upper()}"
    application = to_ministry(ministry, "EG", INTERCEPTION)
    return ministry, (await submit_and_await_review(endpoints, temporal, application)).case_id


async def case_once(temporal: Client, case_id: str, notice_id: str) -> CaseView:
    """The case once its workflow has taken in the notice's re-screening."""
    deadline = time.monotonic() + 90
    while notice_id not in (view := await case_client.case_view(temporal, case_id)).alert:
        assert time.monotonic() < deadline, f"{case_id}: no alert for {notice_id}: {view.timeline}"
        await asyncio.sleep(0.5)
    return view


async def licence_once(temporal: Client, case_id: str, done: str) -> LicenceView:
    """The case's licence once `done` (`issued`, `under review`) holds."""
    deadline = time.monotonic() + 90
    while True:
        try:
            view = await licence_view(temporal, case_id)
        except LicenceNotFound:
            view = None
        if view is not None and (done == "issued" or view.review is not None):
            return view
        assert time.monotonic() < deadline, f"{case_id}: licence not {done}: {view}"
        await asyncio.sleep(0.5)


async def test_a_risk_notice_reaches_the_case_under_review_naming_its_issuing_state(
    case_services: None, stack_endpoints: Endpoints, temporal: Client
) -> None:
    ministry, case_id = await ministry_case_in_review(stack_endpoints, temporal)
    notice_id = f"FR/risk/{uuid.uuid4().hex[:6]}/EG"
    notice = notice_on(ministry, "FR", NoticeKind.RISK, notice_id)

    await publish(stack_endpoints, SHARING_NOTICES, notice, f"notice:{notice_id}")

    view = await case_once(temporal, case_id, notice_id)
    assert view.status is CaseStatus.UNDER_REVIEW
    assert f"re-screened after risk notice {notice_id} from FR" in view.alert
    assert view.screening is not None
    assert view.screening.request_id == f"{case_id}/rescreen/notice/FR/{notice_id}"
    [finding] = [
        found
        for found in view.screening.findings
        if found.category is FindingCategory.PARTNER_NOTICE
    ]
    assert finding.evidence.startswith(f"risk notice {notice_id} from FR")
    assert view.timeline[-1].note == view.alert
    # The consultation route names the warning state, as for a notice known at registration.
    assert [p.state for p in view.screening.partner_consultations] == ["FR"]


async def test_a_denial_notice_puts_a_valid_licence_under_review_and_leaves_its_case_closed(
    case_services: None, stack_endpoints: Endpoints, temporal: Client
) -> None:
    ministry, case_id = await ministry_case_in_review(stack_endpoints, temporal)
    await case_client.claim(temporal, case_id, ReviewerTask(token=token_for(OFFICER)))
    warrant = "Interception only under a judicial warrant, reported to the licensing authority"
    approval = ReviewDecision(
        token=token_for(OFFICER),
        outcome=DecisionOutcome.APPROVED_WITH_CONDITIONS,
        rationale="Under judicial warrant.",
        conditions=[warrant],
        assessment=sample_assessment("Acceptable under warrant.", mitigations=[warrant]),
    )
    await decided(temporal, case_id, approval)
    await licence_once(temporal, case_id, "issued")
    notice_id = f"NL-{uuid.uuid4().hex[:8]}"

    denial = notice_on(ministry, "NL", NoticeKind.DENIAL, notice_id)
    await publish(stack_endpoints, SHARING_NOTICES, denial, f"notice:{notice_id}")

    licence = await licence_once(temporal, case_id, "under review")
    assert licence.review is not None
    assert licence.status is LicenceStatus.UNDER_REVIEW
    assert licence.review.trigger == "partner_notice"
    assert f"denial notice {notice_id} from NL" in " ".join(licence.review.information)
    closed = await case_client.case_view(temporal, case_id)
    assert closed.status is CaseStatus.DECIDED
    assert closed.alert == ""


async def test_a_denial_matching_after_the_referral_holds_approval_until_the_state_is_consulted(
    cases: CaseHarness,
) -> None:
    case_id = await consulted(cases)  # referred and concluded: no partner's notice matched then
    notice = "partner_notice: denial notice NL-1 from NL (2026-12-06): end user 'x'"
    await cases.screen(
        case_id,
        RiskLevel.MEDIUM,
        request_id=f"{case_id}/rescreen/notice/NL/NL-1",
        reason=notice,
        denied_by=("NL",),
    )
    await cases.until(case_id, lambda view: "NL-1 from NL" in view.alert)
    with pytest.raises(case_client.ActionRefused, match=r"NL denied .* after the case"):
        await case_client.decide(cases.client, case_id, approval())

    await case_client.refer_for_consultation(
        cases.client, case_id, ConsultationReferral(token=token_for(HARNESS_OFFICER))
    )
    [_, again] = await cases.until_published(case_id, "ConsultationRequested", count=2)
    assert again["data"]["notice_states"] == ["NL"]
    concluded = ConsultationConcluded(
        case_id=case_id,
        request_id=again["data"]["request_id"],
        positions=[],
        deemed_no_objection=[],
        dissent=False,
        dissent_summary="",
        concluded_at=datetime.now(UTC),
    )
    await cases.handle(case_id).signal(LicenseCase.consultation_concluded, concluded)
    await cases.until(case_id, lambda view: view.status is CaseStatus.UNDER_REVIEW)

    recorded = await case_client.decide(cases.client, case_id, approval())

    assert recorded.outcome is DecisionOutcome.APPROVED
    [shared] = await cases.until_published(case_id, "ShareApprovalDespiteDenial")
    assert shared["data"]["overridden"] == [{"state": "NL", "notice_id": "NL-1"}]
