"""Reviewer tasks on a real LicenseCase workflow: claim, release, decide, countersign, hold."""

from __future__ import annotations

import json

import pytest

from entrypoints.samples import sample_assessment
from schemas.cases import CaseStatus, DecisionOutcome, DenialGround
from schemas.screening import RiskLevel
from schemas.topics import CONSULTATION_REQUESTS
from tests.actors import token_for
from tests.integration.case_harness import (
    OFFICER,
    OTHER_OFFICER,
    SENIOR,
    CaseHarness,
)
from workflows import case_client
from workflows.tasks import (
    Countersignature,
    InformationRequest,
    ReviewDecision,
    Reviewer,
    ReviewerRole,
    ReviewerTask,
)

pytestmark = [pytest.mark.integration]

VERIFIED = "Post-shipment verification by the embassy within 6 months"


def approval() -> ReviewDecision:
    """A low-risk approval by the officer, with its assessment."""
    return ReviewDecision(
        token=token_for(OFFICER),
        outcome=DecisionOutcome.APPROVED,
        rationale="Teaching equipment for a university.",
        assessment=sample_assessment("Low: civilian end user."),
    )


def mitigated_approval() -> ReviewDecision:
    """An approval at high or critical risk: it names its mitigations, each one of its
    conditions."""
    return approval().model_copy(
        update={
            "outcome": DecisionOutcome.APPROVED_WITH_CONDITIONS,
            "conditions": [VERIFIED],
            "assessment": sample_assessment("Acceptable once verified.", mitigations=[VERIFIED]),
        }
    )


def denial() -> ReviewDecision:
    """A denial on human-rights grounds by the officer."""
    return ReviewDecision(
        token=token_for(OFFICER),
        outcome=DecisionOutcome.DENIED,
        rationale="End user designated for supplying spyware.",
        grounds=[
            DenialGround(text="Risk of use in surveillance of journalists", human_rights=True),
            DenialGround(text="End user on the Entity List"),
        ],
        assessment=sample_assessment("Critical: intrusion software to a designated end user."),
    )


async def claimed(cases: CaseHarness, risk: RiskLevel, reviewer: Reviewer = OFFICER) -> str:
    case_id = await cases.open_case(risk)
    await case_client.claim(cases.client, case_id, ReviewerTask(token=token_for(reviewer)))
    return case_id


async def test_a_claimed_case_is_found_by_its_assigned_reviewer(cases: CaseHarness) -> None:
    case_id = await claimed(cases, RiskLevel.LOW)
    view = await cases.view(case_id)
    assert view.assigned_reviewer == "officer-1"
    assert "claimed by officer-1" in view.timeline[-1].note
    await cases.until_listed("AssignedReviewer = 'officer-1'", case_id)
    assert "**Reviewer** officer-1" in await cases.card(case_id)


async def test_only_the_claimant_acts_and_others_are_told_who_holds_the_case(
    cases: CaseHarness,
) -> None:
    case_id = await claimed(cases, RiskLevel.LOW)
    other = approval().model_copy(update={"token": token_for(OTHER_OFFICER)})
    with pytest.raises(case_client.ActionRefused, match="only officer-1, who claimed the case"):
        await case_client.decide(cases.client, case_id, other)
    with pytest.raises(case_client.ActionRefused, match="officer-1 holds the case already"):
        await case_client.claim(cases.client, case_id, ReviewerTask(token=token_for(OTHER_OFFICER)))
    with pytest.raises(case_client.ActionRefused, match="only officer-1"):
        await case_client.release(
            cases.client, case_id, ReviewerTask(token=token_for(OTHER_OFFICER))
        )
    assert (await cases.view(case_id)).status is CaseStatus.UNDER_REVIEW


async def test_an_unclaimed_case_cannot_be_decided(cases: CaseHarness) -> None:
    case_id = await cases.open_case(RiskLevel.LOW)
    with pytest.raises(case_client.ActionRefused, match="claim the case first"):
        await case_client.decide(cases.client, case_id, approval())


async def test_a_released_case_goes_back_to_the_queue_for_anyone_to_claim(
    cases: CaseHarness,
) -> None:
    case_id = await claimed(cases, RiskLevel.LOW)
    released = await case_client.release(
        cases.client, case_id, ReviewerTask(token=token_for(OFFICER))
    )
    assert released.note == "released by officer-1"
    assert (await cases.view(case_id)).assigned_reviewer is None
    await case_client.claim(cases.client, case_id, ReviewerTask(token=token_for(OTHER_OFFICER)))
    assert (await cases.view(case_id)).assigned_reviewer == "officer-2"


async def test_a_low_risk_approval_is_decided_at_once_and_the_agency_told(
    cases: CaseHarness,
) -> None:
    case_id = await claimed(cases, RiskLevel.LOW)
    recorded = await case_client.decide(cases.client, case_id, approval())
    assert recorded.status is CaseStatus.DECIDED
    assert recorded.outcome is DecisionOutcome.APPROVED
    [decided] = cases.published.of(case_id, "CaseDecided")
    assert decided["data"]["decided_by"] == "officer-1"
    assert decided["data"]["countersigned_by"] is None
    assert decided["data"]["human_rights_assessment"] == "Low: civilian end user."
    assert decided["data"]["assessment"]["conclusion"] == "Low: civilian end user."
    assert await cases.handle(case_id).result() is not None


async def test_an_approval_with_conditions_carries_its_conditions_to_the_agency(
    cases: CaseHarness,
) -> None:
    case_id = await claimed(cases, RiskLevel.MEDIUM)
    conditional = approval().model_copy(
        update={
            "outcome": DecisionOutcome.APPROVED_WITH_CONDITIONS,
            "conditions": ["No re-export without prior authorisation"],
        }
    )
    recorded = await case_client.decide(cases.client, case_id, conditional)
    assert recorded.outcome is DecisionOutcome.APPROVED_WITH_CONDITIONS
    [decided] = cases.published.of(case_id, "CaseDecided")
    assert decided["data"]["conditions"] == ["No re-export without prior authorisation"]


async def test_a_case_returned_without_action_is_decided_at_once(cases: CaseHarness) -> None:
    case_id = await claimed(cases, RiskLevel.HIGH)
    returned = approval().model_copy(
        update={
            "outcome": DecisionOutcome.RETURNED_WITHOUT_ACTION,
            "rationale": "No licence required for EAR99 items to Japan.",
        }
    )
    recorded = await case_client.decide(cases.client, case_id, returned)
    assert recorded.outcome is DecisionOutcome.RETURNED_WITHOUT_ACTION


async def test_a_denial_is_decided_only_once_a_different_senior_officer_countersigns(
    cases: CaseHarness,
) -> None:
    case_id = await claimed(cases, RiskLevel.CRITICAL, reviewer=SENIOR)
    signed = await case_client.decide(
        cases.client, case_id, denial().model_copy(update={"token": token_for(SENIOR)})
    )
    assert signed.status is CaseStatus.SIGNED_OFF
    assert cases.published.of(case_id, "CaseDecided") == []
    with pytest.raises(case_client.ActionRefused, match="only a senior officer can countersign"):
        await case_client.countersign(
            cases.client, case_id, Countersignature(token=token_for(OFFICER))
        )
    with pytest.raises(case_client.ActionRefused, match="who signed off cannot also countersign"):
        await case_client.countersign(
            cases.client, case_id, Countersignature(token=token_for(SENIOR))
        )
    other_senior = Reviewer(id="senior-2", role=ReviewerRole.SENIOR_OFFICER)
    recorded = await case_client.countersign(
        cases.client, case_id, Countersignature(token=token_for(other_senior))
    )
    assert recorded.outcome is DecisionOutcome.DENIED
    view = await cases.view(case_id)
    assert [entry.status for entry in view.timeline[-3:]] == [
        CaseStatus.SIGNED_OFF,
        CaseStatus.COUNTERSIGNED,
        CaseStatus.DECIDED,
    ]
    [decided] = cases.published.of(case_id, "CaseDecided")
    assert decided["data"]["decided_by"] == "senior-1"
    assert decided["data"]["countersigned_by"] == "senior-2"
    assert decided["data"]["grounds"][0] == {
        "text": "Risk of use in surveillance of journalists",
        "human_rights": True,
    }
    [notice] = cases.published.of(case_id, "ShareNotice")
    view = await cases.view(case_id)
    assert notice["topic"] == CONSULTATION_REQUESTS.name  # consultation shares it with partners
    assert notice["data"]["kind"] == "denial"
    assert notice["data"]["issuing_state"] == "DE"
    assert notice["data"]["notice_id"] == f"DE/{view.control_number}"
    assert notice["data"]["reason"] == "Risk of use in surveillance of journalists"
    assert {"ultimate_consignee", "end_user"} <= {p["role"] for p in notice["data"]["parties"]}
    assert notice["data"]["control_codes"] == view.control_codes
    assert "value" not in json.dumps(notice["data"])


async def test_a_denial_on_other_than_human_rights_grounds_is_not_shared_with_partners(
    cases: CaseHarness,
) -> None:
    case_id = await claimed(cases, RiskLevel.HIGH)
    plain = denial().model_copy(update={"grounds": [DenialGround(text="Incomplete licence file")]})
    await case_client.decide(cases.client, case_id, plain)
    await case_client.countersign(cases.client, case_id, Countersignature(token=token_for(SENIOR)))
    assert cases.published.of(case_id, "CaseDecided")
    assert cases.published.of(case_id, "ShareNotice") == []


async def test_a_high_risk_approval_awaits_a_countersignature(cases: CaseHarness) -> None:
    case_id = await claimed(cases, RiskLevel.HIGH)
    signed = await case_client.decide(cases.client, case_id, mitigated_approval())
    assert signed.status is CaseStatus.SIGNED_OFF
    recorded = await case_client.countersign(
        cases.client, case_id, Countersignature(token=token_for(SENIOR))
    )
    assert recorded.status is CaseStatus.DECIDED
    assert recorded.outcome is DecisionOutcome.APPROVED_WITH_CONDITIONS
    [decided] = cases.published.of(case_id, "CaseDecided")
    assert decided["data"]["assessment"]["mitigations"] == [VERIFIED]
    assert f"- **mitigations:** {VERIFIED}" in await cases.card(case_id)


async def test_a_critical_risk_approval_without_an_assessment_is_refused_and_leaves_no_trace(
    cases: CaseHarness,
) -> None:
    case_id = await claimed(cases, RiskLevel.CRITICAL)
    unassessed = mitigated_approval().model_copy(update={"assessment": None})
    with pytest.raises(case_client.ActionRefused) as refusal:
        await case_client.decide(cases.client, case_id, unassessed)
    refused = str(refusal.value)
    assert "a human-rights assessment is required, with: the risk from the end user" in refused
    for part in ("surveillance or repression", "the sources relied on", "the conclusion"):
        assert part in refused
    assert "an approval at critical risk needs the mitigations" in refused
    unmitigated = mitigated_approval().model_copy(update={"assessment": sample_assessment()})
    with pytest.raises(
        case_client.ActionRefused, match="needs the mitigations that make it acceptable"
    ):
        await case_client.decide(cases.client, case_id, unmitigated)
    assert await _accepted_decisions(cases, case_id) == []
    assert (await cases.view(case_id)).status is CaseStatus.UNDER_REVIEW
    signed = await case_client.decide(cases.client, case_id, mitigated_approval())
    assert signed.status is CaseStatus.SIGNED_OFF
    recorded = (await cases.view(case_id)).sign_off
    assert recorded is not None
    assert recorded.reviewer.id == OFFICER.id
    assert recorded.token is None  # verified, then dropped: never recorded
    sent = mitigated_approval().model_dump(exclude={"token", "reviewer"})
    assert recorded.model_dump(exclude={"token", "reviewer"}) == sent


async def test_a_senior_officer_sends_a_sign_off_back_to_review_with_a_note(
    cases: CaseHarness,
) -> None:
    case_id = await claimed(cases, RiskLevel.CRITICAL)
    await case_client.decide(cases.client, case_id, denial())
    with pytest.raises(case_client.ActionRefused, match="needs a note"):
        await case_client.countersign(
            cases.client, case_id, Countersignature(token=token_for(SENIOR), agree=False)
        )
    back = await case_client.countersign(
        cases.client,
        case_id,
        Countersignature(token=token_for(SENIOR), agree=False, note="Cite the designation notice."),
    )
    assert back.status is CaseStatus.UNDER_REVIEW
    view = await cases.view(case_id)
    assert view.sign_off is None
    assert view.assigned_reviewer == "officer-1"
    assert "Cite the designation notice." in view.timeline[-1].note


async def test_an_invalid_decision_is_refused_with_every_reason_and_leaves_no_trace(
    cases: CaseHarness,
) -> None:
    case_id = await claimed(cases, RiskLevel.CRITICAL)
    empty_denial = ReviewDecision(
        token=token_for(OFFICER), outcome=DecisionOutcome.DENIED, rationale=""
    )
    with pytest.raises(case_client.ActionRefused) as refusal:
        await case_client.decide(cases.client, case_id, empty_denial)
    assert "a rationale is required" in str(refusal.value)
    assert "a denial needs at least one ground" in str(refusal.value)
    assert await _accepted_decisions(cases, case_id) == []
    assert (await cases.view(case_id)).status is CaseStatus.UNDER_REVIEW


async def _accepted_decisions(cases: CaseHarness, case_id: str) -> list[object]:
    """The `decide` Updates the case's history accepted."""
    history = await cases.handle(case_id).fetch_history()
    return [
        event
        for event in history.events
        if event.HasField("workflow_execution_update_accepted_event_attributes")
        and event.workflow_execution_update_accepted_event_attributes.accepted_request.input.name
        == "decide"
    ]


async def test_the_view_lists_the_actions_open_to_the_callers_role(cases: CaseHarness) -> None:
    case_id = await cases.open_case(RiskLevel.CRITICAL)
    assert (await cases.view(case_id, ReviewerRole.LICENSING_OFFICER)).open_actions == ["claim"]
    assert (await cases.view(case_id)).open_actions == []
    await case_client.claim(cases.client, case_id, ReviewerTask(token=token_for(OFFICER)))
    mine = await case_client.case_view(
        cases.client, case_id, ReviewerRole.LICENSING_OFFICER, "officer-1"
    )
    assert {"release", "approved", "denied", "request_information"} <= set(mine.open_actions)
    theirs = await case_client.case_view(
        cases.client, case_id, ReviewerRole.LICENSING_OFFICER, "officer-2"
    )
    assert theirs.open_actions == []
    await case_client.decide(cases.client, case_id, denial())
    senior = await case_client.case_view(
        cases.client, case_id, ReviewerRole.SENIOR_OFFICER, "senior-1"
    )
    assert senior.open_actions == ["countersign", "send_back"]
    officer = await cases.view(case_id, ReviewerRole.LICENSING_OFFICER)
    assert officer.open_actions == []


async def test_a_request_for_information_puts_the_case_on_hold_and_stops_the_clock(
    cases: CaseHarness,
) -> None:
    case_id = await claimed(cases, RiskLevel.MEDIUM)
    with pytest.raises(case_client.ActionRefused, match="at least one question"):
        await case_client.request_information(
            cases.client, case_id, InformationRequest(token=token_for(OFFICER))
        )
    held = await case_client.request_information(
        cases.client,
        case_id,
        InformationRequest(token=token_for(OFFICER), questions=["Who operates the system?"]),
    )
    assert held.status is CaseStatus.ON_HOLD
    view = await cases.view(case_id)
    assert view.hold is not None
    assert view.hold.questions == ["Who operates the system?"]
    assert view.deadline_at is None
    with pytest.raises(case_client.ActionRefused, match="the case is on_hold, not under review"):
        await case_client.decide(cases.client, case_id, approval())
    assert "**clock stopped** awaiting the agency's information" in await cases.card(case_id)
