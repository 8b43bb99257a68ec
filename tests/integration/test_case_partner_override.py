"""EU 2021/821 Art. 16 on a real workflow: a case approved although a partner state's denial
matched asks the consultation service to tell partner states why; nothing else does."""

from __future__ import annotations

import pytest

from entrypoints.samples import sample_assessment
from schemas.cases import CaseStatus, DecisionOutcome, DenialGround
from schemas.screening import RiskLevel
from schemas.topics import CONSULTATION_REQUESTS
from tests.actors import token_for
from tests.integration.case_harness import OFFICER, SENIOR, CaseHarness
from workflows import case_client
from workflows.tasks import ConsultationReferral, Countersignature, ReviewDecision, ReviewerTask

pytestmark = [pytest.mark.integration]

SHARED = "ShareApprovalDespiteDenial"
RATIONALE = "The end user's new oversight law and on-site checks answer the grounds of the denial."


async def consulted(cases: CaseHarness, *denied_by: str) -> str:
    """A low-risk case whose screening matched the denials of `denied_by`, referred and back in
    review once its consultation concluded without objection."""
    case_id = await cases.open_case(risk=None)
    await cases.until_published(case_id, "ScreeningRequested")
    await cases.screen(case_id, RiskLevel.LOW, denied_by=denied_by)
    await cases.until(case_id, lambda view: view.status is CaseStatus.UNDER_REVIEW)
    await case_client.claim(cases.client, case_id, ReviewerTask(token=token_for(OFFICER)))
    await case_client.refer_for_consultation(
        cases.client, case_id, ConsultationReferral(token=token_for(OFFICER))
    )
    await cases.conclude(case_id)
    await cases.until(case_id, lambda view: view.status is CaseStatus.UNDER_REVIEW)
    return case_id


def approval(rationale: str = RATIONALE) -> ReviewDecision:
    return ReviewDecision(
        token=token_for(OFFICER),
        outcome=DecisionOutcome.APPROVED,
        rationale=rationale,
        assessment=sample_assessment(),
    )


async def test_an_approval_despite_a_partner_denial_asks_to_tell_partner_states_why(
    cases: CaseHarness,
) -> None:
    case_id = await consulted(cases, "JP")
    with pytest.raises(case_client.ActionRefused, match=r"rationale is required: JP denied"):
        await case_client.decide(cases.client, case_id, approval(" "))

    recorded = await case_client.decide(cases.client, case_id, approval())

    assert recorded.outcome is DecisionOutcome.APPROVED
    [shared] = await cases.until_published(case_id, SHARED)
    view = await cases.view(case_id)
    assert shared["topic"] == CONSULTATION_REQUESTS.name  # the consultation service shares it
    assert shared["data"]["overridden"] == [{"state": "JP", "notice_id": "JP-1"}]
    assert shared["data"]["explanation"] == RATIONALE
    assert shared["data"]["decision"] == "approved"
    assert shared["data"]["notice_id"] == f"DE/{view.control_number}/approval"
    assert view.decided is not None
    assert [(d.state, d.notice_id) for d in view.decided.partners_informed] == [("JP", "JP-1")]
    assert "partner states informed: approved despite the denial of JP (JP-1)" in (
        view.timeline[-1].note
    )
    assert "**Partner states informed** of the approval despite the denial of JP" in (
        await cases.card(case_id)
    )


async def test_a_denial_of_such_a_case_or_an_approval_without_a_partner_denial_tells_nobody(
    cases: CaseHarness,
) -> None:
    denied = await consulted(cases, "JP")
    denial = ReviewDecision(
        token=token_for(OFFICER),
        outcome=DecisionOutcome.DENIED,
        rationale="Same grounds as the partner's denial.",
        grounds=[DenialGround(text="Risk of use against protesters", human_rights=True)],
        assessment=sample_assessment("Serious risk of use against protesters."),
    )
    await case_client.decide(cases.client, denied, denial)
    await case_client.countersign(cases.client, denied, Countersignature(token=token_for(SENIOR)))
    plain = await cases.open_case(RiskLevel.LOW)
    await case_client.claim(cases.client, plain, ReviewerTask(token=token_for(OFFICER)))
    await case_client.decide(cases.client, plain, approval())

    for case_id in (denied, plain):
        await cases.until_published(case_id, "CaseDecided")
        view = await cases.view(case_id)
        assert view.decided is not None
        assert view.decided.partners_informed == []
        assert cases.published.of(case_id, SHARED) == []
    assert cases.published.of(denied, "ShareNotice")  # the denial itself is shared, as before
