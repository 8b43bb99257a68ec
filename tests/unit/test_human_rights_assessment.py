"""The human-rights assessment every decision records: each part required, each reference real,
and an approval at high or critical risk mitigated by its own licence conditions."""

from __future__ import annotations

import pytest

from desk.web import TEMPLATES
from entrypoints.samples import sample_assessment
from schemas.cases import CaseDecided, DecisionOutcome, DenialGround, HumanRightsAssessment
from schemas.consultation import Position, StakeholderKind, StakeholderPosition
from schemas.screening import Finding, FindingCategory, RiskLevel
from tests.unit.test_review_rules import NOW, a_case, concluded_consultation, decision
from workflows import events, review
from workflows.assessment import assessment_problems
from workflows.case_card import case_card, case_view
from workflows.model import CasePolicy, CaseState, DecisionRecorded
from workflows.tasks import ReviewerRole, ViewRequest

CONDITION = "Post-shipment verification by the embassy within 6 months"


def screened_with(state: CaseState, *references: str) -> CaseState:
    """The case with one finding per reference."""
    assert state.screening is not None
    findings = [
        Finding(
            category=FindingCategory.ITEM,
            severity=RiskLevel.HIGH,
            evidence=reference,
            explanation="controlled for surveillance",
            reference=reference,
        )
        for reference in references
    ]
    state.screening = state.screening.model_copy(update={"findings": findings})
    return state


def position(stakeholder_id: str) -> StakeholderPosition:
    return StakeholderPosition(
        referral_id=f"r-{stakeholder_id}",
        stakeholder_id=stakeholder_id,
        stakeholder_name=stakeholder_id,
        stakeholder_kind=StakeholderKind.CIVIL_SOCIETY,
        position=Position.RECOMMEND_DENIAL,
        deemed_no_objection=False,
        answered_at=NOW,
    )


def test_a_critical_risk_approval_without_an_assessment_is_refused_naming_every_part() -> None:
    approval = decision(
        DecisionOutcome.APPROVED_WITH_CONDITIONS, conditions=[CONDITION], assessment=None
    )
    problems = review.decision_problems(a_case(RiskLevel.CRITICAL), approval)
    assert problems == [
        "a human-rights assessment is required, with: the risk from the end user and its "
        "record; the item's potential for surveillance or repression; the destination's "
        "human-rights situation; the sources relied on; the conclusion",
        "an approval at critical risk needs the mitigations that make it acceptable in its "
        "human-rights assessment, each one of the licence conditions",
    ]


@pytest.mark.parametrize(
    "outcome", [DecisionOutcome.DENIED, DecisionOutcome.RETURNED_WITHOUT_ACTION]
)
def test_every_decision_not_only_approvals_needs_an_assessment(outcome: DecisionOutcome) -> None:
    grounds = [DenialGround(text="risk of repression")] if outcome is DecisionOutcome.DENIED else []
    bare = decision(outcome, grounds=grounds, assessment=None)
    [problem] = review.decision_problems(a_case(RiskLevel.LOW), bare)
    assert problem.startswith("a human-rights assessment is required")
    assert review.decision_problems(a_case(), decision(outcome, grounds=grounds)) == []


def test_each_empty_part_is_named_on_its_own() -> None:
    partial = HumanRightsAssessment(end_user="Ministry of the Interior", sources=[" "])
    problems = assessment_problems(a_case(), decision(DecisionOutcome.APPROVED, assessment=partial))
    assert problems == [
        "the human-rights assessment lacks the item's potential for surveillance or repression",
        "the human-rights assessment lacks the destination's human-rights situation",
        "the human-rights assessment lacks the sources relied on",
        "the human-rights assessment lacks the conclusion",
    ]


def test_findings_answered_must_be_findings_of_the_case() -> None:
    state = screened_with(a_case(), "control_code:5A001.j", "red_flag:covert")
    answering = sample_assessment(findings=["control_code:5A001.j", "entity:nso-1"])
    problems = assessment_problems(state, decision(DecisionOutcome.APPROVED, assessment=answering))
    assert problems == [
        "the human-rights assessment answers finding(s) the case's screening does not have: "
        "entity:nso-1 (name findings by their reference: control_code:5A001.j, red_flag:covert)"
    ]
    known = sample_assessment(findings=["control_code:5A001.j", "red_flag:covert"])
    assert assessment_problems(state, decision(DecisionOutcome.APPROVED, assessment=known)) == []


def test_positions_answered_must_be_stakeholders_the_consultation_heard() -> None:
    state = a_case()
    answering = sample_assessment(positions=["amnesty"])
    problems = assessment_problems(state, decision(DecisionOutcome.APPROVED, assessment=answering))
    assert problems == [
        "the human-rights assessment answers position(s) of stakeholder(s) the case's "
        "consultation did not hear: amnesty (stakeholders heard: none)"
    ]
    state.consultation = concluded_consultation(position("amnesty"))
    assert (
        assessment_problems(state, decision(DecisionOutcome.APPROVED, assessment=answering)) == []
    )


@pytest.mark.parametrize("risk", [RiskLevel.HIGH, RiskLevel.CRITICAL])
def test_an_approval_at_high_or_critical_risk_names_its_conditions_as_mitigations(
    risk: RiskLevel,
) -> None:
    unmitigated = decision(DecisionOutcome.APPROVED_WITH_CONDITIONS, conditions=[CONDITION])
    [problem] = assessment_problems(a_case(risk), unmitigated)
    assert problem.startswith(f"an approval at {risk.value} risk needs the mitigations")
    mitigated = decision(
        DecisionOutcome.APPROVED_WITH_CONDITIONS,
        conditions=[CONDITION, "No re-export"],
        assessment=sample_assessment(mitigations=[f" {CONDITION} "]),
    )
    assert assessment_problems(a_case(risk), mitigated) == []


def test_a_mitigation_that_is_not_a_licence_condition_is_refused() -> None:
    approval = decision(
        DecisionOutcome.APPROVED_WITH_CONDITIONS,
        conditions=[CONDITION],
        assessment=sample_assessment(mitigations=["The end user promised to behave"]),
    )
    assert assessment_problems(a_case(RiskLevel.HIGH), approval) == [
        "the mitigation 'The end user promised to behave' is not one of the decision's conditions"
    ]


def test_a_plain_approval_at_high_risk_cannot_be_mitigated_it_needs_conditions() -> None:
    approval = decision(
        DecisionOutcome.APPROVED, assessment=sample_assessment(mitigations=[CONDITION])
    )
    assert assessment_problems(a_case(RiskLevel.HIGH), approval) == [
        f"the mitigation '{CONDITION}' is not one of the decision's conditions"
    ]


def test_low_and_medium_risk_approvals_need_no_mitigation_and_denials_take_none() -> None:
    assert assessment_problems(a_case(RiskLevel.MEDIUM), decision(DecisionOutcome.APPROVED)) == []
    denial = decision(
        DecisionOutcome.DENIED,
        grounds=[DenialGround(text="x")],
        assessment=sample_assessment(mitigations=[CONDITION]),
    )
    assert assessment_problems(a_case(RiskLevel.HIGH), denial) == [
        "mitigations belong to an approval"
    ]


def test_which_risk_levels_need_mitigations_is_policy() -> None:
    state = a_case(RiskLevel.MEDIUM)
    state.policy = CasePolicy(mitigated_risk_levels=[RiskLevel.MEDIUM])
    [problem] = assessment_problems(state, decision(DecisionOutcome.APPROVED))
    assert problem.startswith("an approval at medium risk needs the mitigations")


def test_the_case_card_shows_the_signed_off_assessment_part_by_part() -> None:
    state = a_case(RiskLevel.HIGH)
    state.sign_off = decision(
        DecisionOutcome.APPROVED_WITH_CONDITIONS,
        conditions=[CONDITION],
        assessment=sample_assessment(
            "Acceptable once verified.", findings=["control_code:5A001.j"], mitigations=[CONDITION]
        ),
    )
    card = case_card(state, NOW)
    assert "### Human-rights assessment" in card
    assert "- **conclusion:** Acceptable once verified." in card
    assert "- **findings answered:** `control_code:5A001.j`" in card
    assert f"- **mitigations:** {CONDITION}" in card


def test_a_decision_recorded_before_assessments_reads_with_its_summary() -> None:
    state = a_case()
    state.sign_off = decision(
        DecisionOutcome.APPROVED, assessment=None, human_rights_assessment="Low: civilian."
    )
    assert "- summary: Low: civilian." in case_card(state, NOW)


def test_case_decided_carries_the_assessment_and_its_conclusion_as_the_summary() -> None:
    state = a_case()
    state.sign_off = decision(DecisionOutcome.APPROVED, assessment=sample_assessment("Low risk."))
    state.decided = DecisionRecorded(
        case_id="c-1",
        control_number="T000001",
        outcome=DecisionOutcome.APPROVED,
        decided_at=NOW,
        decided_by="officer-1",
        rationale="Because.",
    )
    decided = events.case_decided(state)
    assert decided.assessment == sample_assessment("Low risk.")
    assert decided.human_rights_assessment == "Low risk."
    wire = CaseDecided.model_validate_json(decided.model_dump_json())
    assert wire.assessment is not None
    assert wire.assessment.conclusion == "Low risk."


def test_the_desk_decision_form_lists_the_case_s_findings_and_positions_to_answer() -> None:
    state = screened_with(a_case(RiskLevel.HIGH), "control_code:5A001.j")
    state.consultation = concluded_consultation(position("cso-digital-rights"))
    view = case_view(
        state, ViewRequest(role=ReviewerRole.LICENSING_OFFICER, reviewer_id="officer-1")
    )
    form = TEMPLATES.env.get_template("actions.html").render(case=view, csrf="token")
    assert 'name="hr_findings" value="control_code:5A001.j"' in form
    assert 'name="hr_positions" value="cso-digital-rights"' in form
    assert form.count('name="hr_conclusion"') == 4  # one per outcome
    assert form.count('name="hr_mitigations"') == 2  # the approvals only
