"""Escalation levels and the referral target on a real workflow, timelines shortened by policy."""

from __future__ import annotations

from datetime import timedelta

import pytest

from entrypoints.samples import sample_assessment
from schemas.cases import CaseStatus, DecisionOutcome, DenialGround
from schemas.consultation import Position, StakeholderKind
from schemas.screening import RiskLevel
from tests.actors import token_for
from tests.integration.case_harness import OFFICER, SENIOR, CaseHarness
from workflows import case_client
from workflows.model import CasePolicy
from workflows.tasks import (
    ConsultationReferral,
    Countersignature,
    EscalationAppeal,
    EscalationResolution,
    ReviewDecision,
    Reviewer,
    ReviewerRole,
    ReviewerTask,
)

pytestmark = [pytest.mark.integration]

OTHER_SENIOR = Reviewer(id="senior-2", role=ReviewerRole.SENIOR_OFFICER)
CHAIR = Reviewer(id="chair-1", role=ReviewerRole.COMMITTEE_CHAIR)
ACEP = "Advisory Committee on Export Policy"


def levels(
    committee: float = 600, appeal: float = 600, warning: float = 1, last: int = 2
) -> CasePolicy:
    """The default levels (up to `last`), each deciding within `committee` seconds and open to
    appeal for `appeal` seconds."""
    times = {
        "decision_time": timedelta(seconds=committee),
        "warning": timedelta(seconds=warning),
        "appeal_time": timedelta(seconds=appeal),
    }
    shipped = CasePolicy().escalation_levels[:last]
    return CasePolicy(escalation_levels=[level.model_copy(update=times) for level in shipped])


async def escalated(cases: CaseHarness, policy: CasePolicy) -> str:
    """A claimed, referred case on which an agency (stakeholder-0) recommends denial and another
    (stakeholder-1) does not object; silent-0 stays silent."""
    case_id = await cases.open_case(RiskLevel.HIGH, policy=policy)
    await case_client.claim(cases.client, case_id, ReviewerTask(token=token_for(OFFICER)))
    referral = ConsultationReferral(token=token_for(OFFICER), stakeholders=["mod", "energy"])
    await case_client.refer_for_consultation(cases.client, case_id, referral)
    positions = (Position.RECOMMEND_DENIAL, Position.NO_OBJECTION)
    await cases.conclude(case_id, *positions, silent=1, kind=StakeholderKind.AGENCY)
    await cases.until(case_id, lambda view: view.status is CaseStatus.ESCALATED)
    return case_id


def resolution(chair: Reviewer, recommendation: str = "deny") -> EscalationResolution:
    return EscalationResolution(
        token=token_for(chair), recommendation=recommendation, rationale="Credible misuse reports."
    )


def appeal(
    reviewer: Reviewer = OTHER_SENIOR, on_behalf_of: str = "stakeholder-1"
) -> EscalationAppeal:
    return EscalationAppeal(
        token=token_for(reviewer),
        on_behalf_of=on_behalf_of,
        grounds="The end user is a university.",
    )


async def test_dissent_at_a_single_level_is_settled_by_a_senior_officer_then_the_officer_decides(
    cases: CaseHarness,
) -> None:
    case_id = await escalated(cases, levels(last=1))
    view = await cases.view(case_id)
    assert view.escalation is not None
    assert "dissent" in view.timeline[-1].note
    assert "**escalated:**" in await cases.card(case_id)
    senior_view = await case_client.case_view(cases.client, case_id, SENIOR.role, SENIOR.id)
    assert senior_view.open_actions == ["resolve_escalation"]
    # The token's role is checked first: an officer chairs no committee.
    officer_refused = "officer-1 is a licensing officer: only a senior officer or a committee chair"
    with pytest.raises(case_client.ActionRefused, match=officer_refused):
        await case_client.resolve_escalation(cases.client, case_id, resolution(OFFICER))
    resolved = await case_client.resolve_escalation(cases.client, case_id, resolution(SENIOR))
    assert resolved.status is CaseStatus.UNDER_REVIEW
    assert "recommends deny" in resolved.note
    assert resolved.note.endswith("final (the last level)")
    returned = ReviewDecision(
        token=token_for(OFFICER),
        outcome=DecisionOutcome.RETURNED_WITHOUT_ACTION,
        rationale="The agency must resubmit with the committee's questions answered.",
        assessment=sample_assessment("Not assessable until the agency answers."),
    )
    recorded = await case_client.decide(cases.client, case_id, returned)
    assert recorded.outcome is DecisionOutcome.RETURNED_WITHOUT_ACTION


async def test_a_committee_nearing_then_missing_its_deadline_is_raised_and_shown(
    cases: CaseHarness,
) -> None:
    case_id = await escalated(cases, levels(committee=4, warning=2))
    [approaching] = await cases.until_published(case_id, "CaseEscalationApproaching")
    assert (approaching["data"]["level"], approaching["data"]["committee"]) == (
        1,
        "Operating Committee",
    )
    [overdue] = await cases.until_published(case_id, "CaseEscalationOverdue")
    view = await cases.view(case_id)
    assert view.escalation is not None
    assert overdue["data"]["deadline_at"].startswith(f"{view.escalation.due_at:%Y-%m-%dT%H:%M}")
    assert view.timeline[-1].note.startswith("escalation overdue: the Operating Committee")
    assert "**OVERDUE**" in (await cases.card(case_id)).split("### Escalation")[1]
    await cases.until_listed("DeadlineFor = 'committee' AND Overdue = true", case_id)
    await case_client.resolve_escalation(cases.client, case_id, resolution(SENIOR, "approve"))
    await cases.until_listed("DeadlineFor = 'appeal' AND Overdue = false", case_id)
    assert len(cases.published.of(case_id, "CaseEscalationOverdue")) == 1
    assert len(cases.published.of(case_id, "CaseEscalationApproaching")) == 1


async def test_a_decision_not_appealed_in_time_becomes_final_and_returns_to_the_officer(
    cases: CaseHarness,
) -> None:
    case_id = await escalated(cases, levels(appeal=4))
    decided = await case_client.resolve_escalation(cases.client, case_id, resolution(SENIOR))
    assert decided.status is CaseStatus.ESCALATED
    assert "appealable until" in decided.note
    [event] = await cases.until_published(case_id, "CaseEscalationDecided")
    assert event["data"]["appeal_until"] is not None
    recorder = await case_client.case_view(
        cases.client, case_id, OTHER_SENIOR.role, OTHER_SENIOR.id
    )
    assert recorder.open_actions == ["appeal_escalation"]
    view = await cases.until(
        case_id, lambda view: view.status is CaseStatus.UNDER_REVIEW, timeout=30
    )
    assert "Operating Committee's decision is final (not appealed in time)" in (
        view.timeline[-1].note
    )
    with pytest.raises(case_client.ActionRefused, match=r"the appeal window closed at .* is final"):
        await case_client.appeal_escalation(cases.client, case_id, appeal())
    denial = ReviewDecision(
        token=token_for(OFFICER),
        outcome=DecisionOutcome.DENIED,
        rationale="As the committee recommends.",
        grounds=[DenialGround(text="Risk of misuse against protesters", human_rights=True)],
        assessment=sample_assessment("Serious risk of misuse against protesters."),
    )
    signed = await case_client.decide(cases.client, case_id, denial)
    assert signed.status is CaseStatus.SIGNED_OFF


async def test_an_appeal_goes_to_the_higher_committee_whose_decision_is_final(
    cases: CaseHarness,
) -> None:
    case_id = await escalated(cases, levels())
    with pytest.raises(case_client.ActionRefused, match="has not decided yet: there is nothing to"):
        await case_client.appeal_escalation(cases.client, case_id, appeal())
    await case_client.resolve_escalation(cases.client, case_id, resolution(SENIOR))
    refusals = {
        "the chair who decided cannot record": appeal(reviewer=SENIOR),
        "silent-0 cannot appeal: only an agency that took a position": appeal(
            on_behalf_of="silent-0"
        ),
        "only a senior officer can record an appeal": appeal(reviewer=OFFICER),
    }
    for reason, refused in refusals.items():
        with pytest.raises(case_client.ActionRefused, match=reason):
            await case_client.appeal_escalation(cases.client, case_id, refused)

    appealed = await case_client.appeal_escalation(cases.client, case_id, appeal())
    assert appealed.status is CaseStatus.ESCALATED
    assert appealed.note.startswith(f"appealed to the {ACEP} on behalf of stakeholder-1")
    [event] = await cases.until_published(case_id, "CaseEscalationAppealed")
    assert (event["data"]["level"], event["data"]["committee"]) == (2, ACEP)
    assert event["data"]["recorded_by"] == OTHER_SENIOR.id
    view = await cases.view(case_id)
    assert view.escalation is not None
    assert view.escalation.level == 2
    assert [lower.resolved_by for lower in view.escalation.earlier] == [SENIOR.id]
    assert view.escalation_levels[0].endswith("senior-1 recommends deny — appealed")
    card = await cases.card(case_id)
    assert f"{ACEP} (level 2 of 2), appealed by stakeholder-1" in card
    assert "Operating Committee (level 1 of 2): senior-1 recommends deny — appealed" in card
    await cases.until_listed("DeadlineFor = 'committee' AND CaseStatus = 'escalated'", case_id)

    with pytest.raises(
        case_client.ActionRefused, match=f"only a committee chair chairs the {ACEP}"
    ):
        await case_client.resolve_escalation(cases.client, case_id, resolution(SENIOR))
    final = await case_client.resolve_escalation(
        cases.client, case_id, resolution(CHAIR, "approve")
    )
    assert final.status is CaseStatus.UNDER_REVIEW
    assert final.note.startswith(f"{ACEP} decided by chair-1: recommends approve")
    with pytest.raises(case_client.ActionRefused, match=f"the {ACEP} is the last level"):
        await case_client.appeal_escalation(cases.client, case_id, appeal())
    decisions = await cases.until_published(case_id, "CaseEscalationDecided", count=2)
    assert [d["data"]["appeal_until"] is None for d in decisions] == [False, True]


async def test_a_risky_case_not_referred_in_time_raises_its_referral_target_and_shows_it(
    cases: CaseHarness,
) -> None:
    policy = CasePolicy(referral_time=timedelta(seconds=5), referral_warning=timedelta(seconds=3))
    risky = await cases.open_case(RiskLevel.HIGH, policy=policy)
    routine = await cases.open_case(RiskLevel.LOW, policy=policy)
    await cases.until_listed("DeadlineFor = 'referral' AND Overdue = false", risky)
    [approaching] = await cases.until_published(risky, "CaseReferralTargetApproaching")
    [missed] = await cases.until_published(risky, "CaseReferralTargetMissed")
    assert missed["data"]["deadline_at"] == approaching["data"]["deadline_at"]
    view = await cases.view(risky)
    assert view.referral_missed
    assert view.timeline[-1].note.startswith("referral target missed: refer by")
    assert "**MISSED**" in await cases.card(risky)
    await cases.until_listed("DeadlineFor = 'referral' AND Overdue = true", risky)
    assert cases.published.of(routine, "CaseReferralTargetApproaching") == []
    assert (await cases.view(routine)).referral_due_at is None

    await case_client.claim(cases.client, risky, ReviewerTask(token=token_for(OFFICER)))
    referral = ConsultationReferral(token=token_for(OFFICER), stakeholders=["mod"])
    await case_client.refer_for_consultation(cases.client, risky, referral)
    assert (await cases.view(risky)).referral_due_at is None
    await cases.until_listed("DeadlineFor = 'decision' AND Overdue = false", risky)


async def test_four_eyes_still_apply_after_an_escalation(cases: CaseHarness) -> None:
    case_id = await escalated(cases, levels(last=1))
    await case_client.resolve_escalation(cases.client, case_id, resolution(SENIOR))
    denial = ReviewDecision(
        token=token_for(OFFICER),
        outcome=DecisionOutcome.DENIED,
        rationale="As the committee recommends.",
        grounds=[DenialGround(text="Misuse reported", human_rights=True)],
        assessment=sample_assessment("Misuse reported by civil society."),
    )
    await case_client.decide(cases.client, case_id, denial)
    signed = await case_client.countersign(
        cases.client, case_id, Countersignature(token=token_for(OTHER_SENIOR))
    )
    assert signed.outcome is DecisionOutcome.DENIED
    assert (await cases.result(case_id)).countersigned_by == OTHER_SENIOR.id
