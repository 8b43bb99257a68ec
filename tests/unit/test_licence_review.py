"""Suspension, revocation and confirmation of a licence (15 CFR 750.8): who may, and when."""

from __future__ import annotations

from datetime import UTC, datetime

from entrypoints.samples import sample_applications
from schemas.cases import CaseDecided, DecisionOutcome
from schemas.licences import LicenceStatus
from workflows.licence_issue import issued_licence
from workflows.licence_model import (
    ConditionFulfilled,
    LicenceInput,
    LicenceReview,
    LicenceReviewDecision,
    LicenceState,
    ReviewAction,
)
from workflows.licence_policy import load_licence_policy
from workflows.licence_review import fulfilment_problems, review_problems
from workflows.tasks import Reviewer, ReviewerRole

NOW = datetime(2026, 12, 6, tzinfo=UTC)
SENIOR = Reviewer(id="senior-1", role=ReviewerRole.SENIOR_OFFICER)


def licence(
    review: LicenceReview | None = None, status: LicenceStatus = LicenceStatus.VALID
) -> LicenceState:
    application = sample_applications()[0]
    decided = CaseDecided(
        case_id="case-1",
        control_number="Z100001",
        submitting_agency=application.submitting_agency,
        agency_reference=application.agency_reference,
        outcome=DecisionOutcome.APPROVED_WITH_CONDITIONS,
        decided_at=NOW,
        decided_by="officer-1",
        rationale="civil end use",
        conditions=["End-use certificate within 90 days"],
        human_rights_assessment="no serious risk",
    )
    start = LicenceInput(
        decided=decided,
        application=application,
        correlation_id="c",
        policy=load_licence_policy(),
    )
    state = issued_licence(start, NOW)
    return state.model_copy(update={"review": review, "status": status})


def decision(
    action: ReviewAction, grounds: str = "listed end user", by: Reviewer = SENIOR
) -> LicenceReviewDecision:
    return LicenceReviewDecision(action=action, grounds=grounds, reviewer=by)


def review(raised_by: str | None = None) -> LicenceReview:
    return LicenceReview(opened_at=NOW, trigger="officer", information=["x"], raised_by=raised_by)


def test_the_issued_licence_names_holder_items_end_users_and_its_validity_basis() -> None:
    issued = licence().issued
    assert issued.licence_number == "LIC-Z100001"
    assert issued.holder == "Rheinland Messtechnik GmbH"
    assert issued.end_users == ["Kyoto University"]
    assert issued.valid_until == datetime(2030, 12, 6, tzinfo=UTC)
    assert issued.validity_basis == "us_ear: 4 years (15 CFR 750.7(g))"
    assert [c.kind for c in issued.conditions] == ["end_use_certificate"]


def test_a_licence_not_under_review_cannot_be_suspended_and_grounds_are_required() -> None:
    assert review_problems(licence(), decision(ReviewAction.SUSPEND, grounds=" ")) == [
        "licence LIC-Z100001 is not under review: a list update, a partner's notice or an "
        "officer's information opens a review first",
        "grounds are required: say why, for the agency and the record",
    ]


def test_the_officer_who_raised_the_information_does_not_decide_it() -> None:
    raised = licence(review("senior-1"), LicenceStatus.UNDER_REVIEW)
    assert review_problems(raised, decision(ReviewAction.REVOKE)) == [
        "senior-1 recorded the information under review: another senior officer decides (four eyes)"
    ]
    other = Reviewer(id="senior-2", role=ReviewerRole.SENIOR_OFFICER)
    assert review_problems(raised, decision(ReviewAction.REVOKE, by=other)) == []


def test_a_suspended_licence_may_be_revoked_or_confirmed_but_not_suspended_again() -> None:
    suspended = licence(review(), LicenceStatus.SUSPENDED)
    assert review_problems(suspended, decision(ReviewAction.REVOKE)) == []
    assert review_problems(suspended, decision(ReviewAction.CONFIRM)) == []
    assert review_problems(suspended, decision(ReviewAction.SUSPEND)) == [
        "licence LIC-Z100001 is suspended already"
    ]


def test_a_revoked_licence_takes_no_decision_and_no_condition() -> None:
    revoked = licence(None, LicenceStatus.REVOKED)
    assert review_problems(revoked, decision(ReviewAction.CONFIRM)) == [
        "licence LIC-Z100001 is revoked"
    ]
    assert fulfilment_problems(revoked, ConditionFulfilled(condition=1)) == [
        "licence LIC-Z100001 is revoked"
    ]


def test_a_condition_is_named_by_its_position() -> None:
    assert fulfilment_problems(licence(), ConditionFulfilled(condition=2)) == [
        "condition 2 does not exist: the licence has 1 condition(s)"
    ]
