"""A referral's rules: answers, late and duplicate ones, the one extension, silence, dissent."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from schemas.consultation import Position, ReferralAnswered, ReferralStatus, StakeholderKind
from services.consultation.domain import (
    AlreadyAnswered,
    ExtensionAlreadyGranted,
    IncompleteAnswer,
    LateResponse,
    Outcome,
    Referral,
    outcome,
)

OPENED = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
DUE = OPENED + timedelta(days=30)
MONTH = timedelta(days=30)


def referral(stakeholder: str = "us-state-drl") -> Referral:
    return Referral(
        referral_id=f"ref-{stakeholder}",
        request_id="req-1",
        case_id="case-1",
        stakeholder_id=stakeholder,
        stakeholder_name=stakeholder,
        stakeholder_kind=StakeholderKind.AGENCY,
        opened_at=OPENED,
        due_at=DUE,
    )


def answer(position: Position, rationale: str = "reasons", *conditions: str) -> ReferralAnswered:
    return ReferralAnswered(
        referral_id="ref", position=position, rationale=rationale, conditions=list(conditions)
    )


def answered(stakeholder: str, position: Position, *conditions: str) -> Referral:
    return referral(stakeholder).answer(answer(position, "why", *conditions), OPENED, MONTH)


def test_an_answer_in_time_is_recorded_with_its_rationale_and_conditions() -> None:
    done = referral().answer(
        answer(Position.APPROVE_WITH_CONDITIONS, "acceptable if audited", "annual audit"),
        DUE,
        MONTH,
    )

    assert done.status is ReferralStatus.ANSWERED
    assert (done.position, done.conditions) == (Position.APPROVE_WITH_CONDITIONS, ("annual audit",))


def test_a_second_answer_is_refused_as_already_answered() -> None:
    done = answered("us-state-drl", Position.NO_OBJECTION)

    with pytest.raises(AlreadyAnswered, match="was answered"):
        done.answer(answer(Position.RECOMMEND_DENIAL), OPENED, MONTH)


def test_an_answer_after_the_deadline_is_refused_as_late() -> None:
    with pytest.raises(LateResponse, match="silence past the deadline counts as no objection"):
        referral().answer(answer(Position.NO_OBJECTION), DUE + timedelta(seconds=1), MONTH)


def test_an_answer_after_silence_was_recorded_is_refused_as_late() -> None:
    expired = referral().expire(DUE)
    assert expired is not None

    with pytest.raises(LateResponse):
        expired.answer(answer(Position.RECOMMEND_DENIAL), OPENED, MONTH)


def test_need_more_time_extends_the_deadline_once_and_only_once() -> None:
    extended = referral().answer(answer(Position.NEED_MORE_TIME), OPENED, MONTH)

    assert (extended.status, extended.due_at, extended.extended) == (
        ReferralStatus.OPEN,
        DUE + MONTH,
        True,
    )
    with pytest.raises(ExtensionAlreadyGranted):
        extended.answer(answer(Position.NEED_MORE_TIME), OPENED, MONTH)


def test_denial_needs_a_rationale_and_conditional_approval_needs_conditions() -> None:
    with pytest.raises(IncompleteAnswer, match="rationale"):
        referral().answer(answer(Position.RECOMMEND_DENIAL, " "), OPENED, MONTH)
    with pytest.raises(IncompleteAnswer, match="condition"):
        referral().answer(answer(Position.APPROVE_WITH_CONDITIONS, "ok"), OPENED, MONTH)


def test_silence_counts_as_no_objection_when_the_workflow_says_the_deadline_passed() -> None:
    # The workflow's timer may fire a moment before the service's own record of the deadline.
    expired = referral().expire(DUE - timedelta(seconds=1))

    assert expired is not None
    assert expired.status is ReferralStatus.DEEMED_NO_OBJECTION
    position = expired.final_position()
    assert (position.position, position.deemed_no_objection, position.answered_at) == (
        Position.NO_OBJECTION,
        True,
        None,
    )


def test_an_extended_referral_outlives_the_original_deadline() -> None:
    extended = referral().extend(MONTH, "officer-17")

    assert extended.expire(DUE) is None
    assert extended.extended_by == "officer-17"


def test_no_outcome_while_a_referral_is_open() -> None:
    assert outcome([answered("a", Position.NO_OBJECTION), referral("b")]) is None


def test_a_consultation_without_referrals_has_an_outcome_without_dissent() -> None:
    assert outcome([]) == Outcome([], dissent=False, summary="no stakeholder could be referred")


def test_denial_against_approval_and_silence_is_dissent() -> None:
    silent = referral("c").expire(DUE)
    assert silent is not None
    result = outcome(
        [
            answered("a", Position.RECOMMEND_DENIAL),
            answered("b", Position.APPROVE_WITH_CONDITIONS, "no resale"),
            silent,
        ]
    )

    assert result is not None
    assert result.dissent
    assert result.deemed == ["c"]
    assert result.summary == "a recommend denial; b, c approve"


@pytest.mark.parametrize(
    ("positions", "dissent"),
    [
        ((Position.NO_OBJECTION, Position.APPROVE_WITH_CONDITIONS), False),
        ((Position.RECOMMEND_DENIAL, Position.RECOMMEND_DENIAL), False),
        ((Position.RECOMMEND_DENIAL, Position.NO_OBJECTION), True),
    ],
)
def test_dissent_is_denial_recommended_while_another_approves(
    positions: tuple[Position, ...], dissent: bool
) -> None:
    referrals = [
        answered(f"s{n}", position, "condition")
        if position is Position.APPROVE_WITH_CONDITIONS
        else answered(f"s{n}", position)
        for n, position in enumerate(positions)
    ]

    result = outcome(referrals)

    assert result is not None
    assert result.dissent is dissent


def test_a_closed_referral_cannot_be_extended() -> None:
    done = answered("a", Position.NO_OBJECTION)

    with pytest.raises(AlreadyAnswered):
        done.extend(MONTH, "officer-17")
