"""Who may rule on an appeal and countersign it, and what a ruling must hold: pure rules."""

from __future__ import annotations

from datetime import UTC, datetime

from schemas.appeals import AppealResult
from tests.replay.record_appeal import filed
from workflows.appeal_rules import (
    AppealCountersignature,
    AppealPolicy,
    AppealRuling,
    AppealState,
    AppealStatus,
    approval_on_appeal,
    countersign_problems,
    ruling_problems,
)
from workflows.tasks import Reviewer, ReviewerRole

OFFICER = Reviewer(id="officer-9", role=ReviewerRole.LICENSING_OFFICER)
SENIOR = Reviewer(id="senior-9", role=ReviewerRole.SENIOR_OFFICER)


def state() -> AppealState:
    return AppealState(filed=filed("case-1"), correlation_id="c", policy=AppealPolicy())


def ruling(result: AppealResult, who: Reviewer = OFFICER, **fields: object) -> AppealRuling:
    return AppealRuling.model_validate(
        {"result": result, "rationale": "Reasons.", "reviewer": who, **fields}
    )


def test_an_officer_who_took_the_decision_may_not_rule_on_its_appeal() -> None:
    deciding = Reviewer(id="officer-1", role=ReviewerRole.LICENSING_OFFICER)  # decided the case
    countersigning = Reviewer(id="senior-1", role=ReviewerRole.SENIOR_OFFICER)
    for who in (deciding, countersigning):
        [problem] = ruling_problems(state(), ruling(AppealResult.UPHELD, who))
        assert "took part in the decision appealed" in problem


def test_an_overturn_needs_its_human_rights_conclusion_and_an_upheld_decision_no_conditions() -> (
    None
):
    assert ruling_problems(state(), ruling(AppealResult.OVERTURNED)) == [
        "assessment_conclusion: an overturned decision approves the licence and records its "
        "human-rights conclusion"
    ]
    upheld = ruling(AppealResult.UPHELD, conditions=["End-use certificate"])
    assert ruling_problems(state(), upheld) == [
        "conditions: only an overturned decision carries licence conditions"
    ]


def test_the_ruling_officer_may_not_countersign_the_ruling() -> None:
    ruled = state().model_copy(
        update={
            "status": AppealStatus.AWAITING_COUNTERSIGNATURE,
            "ruling": ruling(AppealResult.UPHELD, SENIOR),
        }
    )
    signature = AppealCountersignature.model_validate({"reviewer": SENIOR})
    [problem] = countersign_problems(ruled, signature)
    assert "a second senior officer countersigns" in problem


def test_nothing_is_countersigned_before_a_ruling() -> None:
    signature = AppealCountersignature.model_validate({"reviewer": SENIOR})
    [problem] = countersign_problems(state(), signature)
    assert "not awaiting a countersignature" in problem


def test_an_overturned_denial_becomes_an_approval_naming_the_appeal() -> None:
    overturned = ruling(
        AppealResult.OVERTURNED, assessment_conclusion="No serious risk.", conditions=["No resale"]
    )
    decided = state().model_copy(
        update={
            "status": AppealStatus.OVERTURNED,
            "ruling": overturned,
            "countersigned_by": SENIOR.id,
            "decided_at": datetime(2026, 12, 6, tzinfo=UTC),
        }
    )
    approval = approval_on_appeal(decided)
    assert approval.outcome.value == "approved_with_conditions"
    assert approval.appeal_id == decided.filed.appeal_id
    assert (approval.decided_by, approval.countersigned_by) == (OFFICER.id, SENIOR.id)
    assert approval.conditions == ["No resale"]
