"""Review rules: who may do what to a case, and every reason a task is refused."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from entrypoints.samples import sample_applications, sample_assessment
from schemas.cases import CaseReceived, CaseStatus, DecisionOutcome, DenialGround
from schemas.consultation import ConsultationConcluded, Position, StakeholderPosition
from schemas.screening import NoticeKind, PartnerConsultation, RiskLevel, ScreeningCompleted
from workflows import review
from workflows.consultation import notice_states
from workflows.model import CasePolicy, CaseState, Consultation, DecisionRecorded, PartnerWaiver
from workflows.tasks import (
    ConsultationReferral,
    Countersignature,
    EscalationResolution,
    InformationRequest,
    PartnerWaiverRequest,
    ReviewDecision,
    Reviewer,
    ReviewerRole,
    ReviewerTask,
    ViewRequest,
)

NOW = datetime(2026, 11, 23, 12, tzinfo=UTC)
OFFICER = Reviewer(id="officer-1")
OTHER = Reviewer(id="officer-2")
SENIOR = Reviewer(id="senior-1", role=ReviewerRole.SENIOR_OFFICER)


def a_case(risk: RiskLevel = RiskLevel.LOW, claimant: Reviewer | None = OFFICER) -> CaseState:
    application = sample_applications()[0]
    received = CaseReceived(
        case_id="c-1", control_number="T000001", registered_at=NOW, application=application
    )
    screening = ScreeningCompleted(
        request_id="c-1/screening/1",
        case_id="c-1",
        risk_level=risk,
        policy_version="p",
        list_version="l",
        screened_at=NOW,
    )
    return CaseState(
        received=received,
        correlation_id="x",
        policy=CasePolicy(),
        application=application,
        status=CaseStatus.UNDER_REVIEW,
        screening=screening,
        claimant=claimant,
    )


def decision(outcome: DecisionOutcome, **fields: object) -> ReviewDecision:
    return ReviewDecision.model_validate(
        {
            "reviewer": OFFICER,
            "outcome": outcome,
            "rationale": "Because.",
            "assessment": sample_assessment(),
            **fields,
        }
    )


def mitigated_approval() -> ReviewDecision:
    """An approval at high risk, its condition named as the mitigation."""
    condition = "Post-shipment verification"
    return decision(
        DecisionOutcome.APPROVED_WITH_CONDITIONS,
        conditions=[condition],
        assessment=sample_assessment(mitigations=[condition]),
    )


def test_an_unclaimed_case_can_be_claimed_by_any_officer() -> None:
    assert review.claim_problems(a_case(claimant=None), ReviewerTask(reviewer=OTHER)) == []


def test_a_claimed_case_cannot_be_claimed_again() -> None:
    problems = review.claim_problems(a_case(), ReviewerTask(reviewer=OTHER))
    assert problems == ["officer-1 holds the case already"]


def test_only_the_claimant_can_release() -> None:
    assert review.release_problems(a_case(), ReviewerTask(reviewer=OFFICER)) == []
    assert review.release_problems(a_case(), ReviewerTask(reviewer=OTHER)) == [
        "only officer-1, who claimed the case, can act on it"
    ]


def test_a_decision_without_a_reviewer_id_or_rationale_is_refused_with_both_reasons() -> None:
    anonymous = decision(DecisionOutcome.APPROVED, reviewer=Reviewer(id=" "), rationale="")
    problems = review.decision_problems(a_case(), anonymous)
    assert "a reviewer id is required" in problems
    assert "a rationale is required" in problems


@pytest.mark.parametrize(
    ("outcome", "fields", "reason"),
    [
        (DecisionOutcome.APPROVED_WITH_CONDITIONS, {}, "needs at least one condition"),
        (DecisionOutcome.APPROVED, {"conditions": ["x"]}, "conditions belong to an approval"),
        (DecisionOutcome.DENIED, {}, "a denial needs at least one ground"),
        (
            DecisionOutcome.APPROVED,
            {"grounds": [DenialGround(text="x")]},
            "grounds belong to a denial",
        ),
        (DecisionOutcome.WITHDRAWN, {}, "a reviewer cannot record 'withdrawn'"),
    ],
)
def test_a_decision_missing_what_its_outcome_needs_is_refused(
    outcome: DecisionOutcome, fields: dict[str, object], reason: str
) -> None:
    problems = review.decision_problems(a_case(), decision(outcome, **fields))
    assert any(reason in problem for problem in problems), problems


def test_a_decided_case_refuses_every_task_saying_how_it_was_decided() -> None:
    case = a_case()
    case.decided = DecisionRecorded(
        case_id="c-1",
        control_number="T000001",
        outcome=DecisionOutcome.APPROVED,
        decided_at=NOW,
        decided_by="officer-1",
        rationale="ok",
    )
    assert "the case is already decided (approved)" in review.decision_problems(
        case, decision(DecisionOutcome.APPROVED)
    )
    assert review.open_actions(case, ViewRequest(role=ReviewerRole.SENIOR_OFFICER)) == []


def test_every_denial_and_risky_approval_needs_four_eyes_but_a_low_risk_approval_does_not() -> None:
    denial = decision(DecisionOutcome.DENIED, grounds=[DenialGround(text="x")])
    approval = decision(DecisionOutcome.APPROVED)
    assert review.needs_countersignature(a_case(RiskLevel.LOW), denial)
    assert review.needs_countersignature(a_case(RiskLevel.HIGH), approval)
    assert review.needs_countersignature(a_case(RiskLevel.CRITICAL), approval)
    assert not review.needs_countersignature(a_case(RiskLevel.MEDIUM), approval)
    returned = decision(DecisionOutcome.RETURNED_WITHOUT_ACTION)
    assert not review.needs_countersignature(a_case(RiskLevel.CRITICAL), returned)


def test_which_risk_levels_need_a_countersignature_is_policy() -> None:
    case = a_case(RiskLevel.MEDIUM)
    case.policy = CasePolicy(countersigned_risk_levels=[RiskLevel.MEDIUM])
    assert review.needs_countersignature(case, decision(DecisionOutcome.APPROVED))


def test_a_countersignature_needs_a_different_senior_officer() -> None:
    case = a_case(RiskLevel.HIGH, claimant=SENIOR)
    case.status = CaseStatus.SIGNED_OFF
    case.sign_off = decision(DecisionOutcome.APPROVED, reviewer=SENIOR)
    assert review.countersign_problems(case, Countersignature(reviewer=SENIOR)) == [
        "the officer who signed off cannot also countersign"
    ]
    assert review.countersign_problems(case, Countersignature(reviewer=OFFICER)) == [
        "only a senior officer can countersign"
    ]
    other_senior = Reviewer(id="senior-2", role=ReviewerRole.SENIOR_OFFICER)
    assert review.countersign_problems(case, Countersignature(reviewer=other_senior)) == []


def test_a_case_not_signed_off_cannot_be_countersigned() -> None:
    problems = review.countersign_problems(a_case(), Countersignature(reviewer=SENIOR))
    assert problems == ["the case is under_review, not signed off"]


def test_a_request_for_information_needs_a_question_and_the_claim() -> None:
    problems = review.hold_problems(a_case(), InformationRequest(reviewer=OTHER, questions=[" "]))
    assert problems == [
        "only officer-1, who claimed the case, can act on it",
        "a request for information needs at least one question",
    ]


def test_the_claimant_sees_every_decision_and_others_see_nothing_to_do() -> None:
    case = a_case()
    mine = review.open_actions(case, ViewRequest(role=OFFICER.role, reviewer_id="officer-1"))
    assert mine == [
        "release",
        "approved",
        "approved_with_conditions",
        "denied",
        "returned_without_action",
        "request_information",
        "refer_for_consultation",
    ]
    assert review.open_actions(case, ViewRequest(role=OTHER.role, reviewer_id="officer-2")) == []
    assert review.open_actions(case, ViewRequest()) == []


def test_only_the_claimant_refers_a_screened_case_for_consultation() -> None:
    referral = ConsultationReferral(reviewer=OTHER, stakeholders=["ngo-1", " "])
    assert review.referral_problems(a_case(), referral) == [
        "only officer-1, who claimed the case, can act on it",
        "a proposed stakeholder id is empty",
    ]
    assert review.referral_problems(a_case(), ConsultationReferral(reviewer=OFFICER)) == []


def test_only_a_senior_officer_resolves_an_escalation_with_a_recommendation_and_reasons() -> None:
    case = a_case()
    case.status = CaseStatus.ESCALATED
    resolution = EscalationResolution(reviewer=OFFICER, recommendation="", rationale="")
    assert review.resolution_problems(case, resolution) == [
        "only a senior officer chairs the Operating Committee",
        "the committee's recommendation is required",
        "a rationale is required",
    ]
    assert review.open_actions(case, ViewRequest(role=ReviewerRole.SENIOR_OFFICER)) == [
        "resolve_escalation"
    ]


def test_an_approval_waits_for_the_partner_state_that_denied_an_identical_transaction() -> None:
    case = a_case(RiskLevel.HIGH)
    assert case.screening is not None
    case.screening = case.screening.model_copy(
        update={"partner_consultations": [consult("DE", NoticeKind.DENIAL, "DE-2026-7")]}
    )
    problems = review.decision_problems(case, mitigated_approval())
    assert problems == [
        "DE denied an essentially identical transaction: refer the case for consultation "
        "before approving (EU 2021/821 Art. 16)"
    ]
    denial = decision(DecisionOutcome.DENIED, grounds=[DenialGround(text="x")])
    assert review.decision_problems(case, denial) == []
    case.consultation = concluded_consultation()
    assert review.decision_problems(case, mitigated_approval()) == []


def concluded_consultation(
    *positions: StakeholderPosition, unheard: list[str] | None = None
) -> Consultation:
    """A consultation round that concluded with these positions (dissent if one objects), the
    partner states `unheard` not consulted."""
    silent = [p.stakeholder_id for p in positions if p.deemed_no_objection]
    objecting = [p.stakeholder_id for p in positions if p.position is Position.RECOMMEND_DENIAL]
    return Consultation(
        request_id="c-1/consultation/1",
        referred_by="officer-1",
        requested_at=NOW,
        due_at=NOW,
        concluded=ConsultationConcluded(
            case_id="c-1",
            request_id="c-1/consultation/1",
            positions=list(positions),
            deemed_no_objection=silent,
            dissent=bool(objecting),
            dissent_summary=", ".join(f"{who} recommends denial" for who in objecting),
            unheard_states=unheard or [],
            concluded_at=NOW,
        ),
    )


def consult(state: str, kind: NoticeKind, notice_id: str) -> PartnerConsultation:
    return PartnerConsultation(state=state, kind=kind, notice_id=notice_id)


def test_the_states_to_consult_are_those_whose_notices_screening_matched() -> None:
    screening = a_case().screening
    assert screening is not None
    routed = screening.model_copy(
        update={
            "partner_consultations": [
                consult("FR", NoticeKind.RISK, "FR-9"),
                consult("DE", NoticeKind.DENIAL, "DE-7"),
                consult("DE", NoticeKind.DENIAL, "DE-8"),
            ]
        }
    )
    assert notice_states(routed) == ["FR", "DE"]
    assert notice_states(routed, NoticeKind.DENIAL) == ["DE"]


def test_a_partner_state_that_could_not_be_referred_holds_approval_until_a_senior_records_why() -> (
    None
):
    case = a_case(RiskLevel.HIGH)
    assert case.screening is not None
    case.screening = case.screening.model_copy(
        update={"partner_consultations": [consult("JP", NoticeKind.DENIAL, "JP-2026-3")]}
    )
    case.consultation = concluded_consultation(unheard=["JP"])
    [problem] = review.decision_problems(case, mitigated_approval())
    assert problem.startswith("JP denied an essentially identical transaction and could not be")
    assert "a senior officer record why" in problem

    waiver = PartnerWaiverRequest(reviewer=OFFICER, states=["JP", "FR"], reason=" ")
    assert review.waiver_problems(case, waiver) == [
        "only a senior officer records why a partner state is not consulted",
        "the reason the partner state cannot be consulted is required",
        "no denial notice of FR matched this case",
    ]
    case.partner_waivers.append(
        PartnerWaiver(state="JP", reason="No channel since the embassy closed", by="s", at=NOW)
    )
    assert review.decision_problems(case, mitigated_approval()) == []
    again = PartnerWaiverRequest(reviewer=SENIOR, states=["JP"], reason="again")
    assert review.waiver_problems(case, again) == ["why JP is not consulted is already recorded"]
