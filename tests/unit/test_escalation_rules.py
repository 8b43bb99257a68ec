"""Escalation levels and the referral target as pure rules: who decides and appeals, and when."""

from __future__ import annotations

from datetime import timedelta

from schemas.cases import CaseStatus
from schemas.consultation import (
    Position,
    StakeholderKind,
    StakeholderPosition,
)
from schemas.screening import NoticeKind, PartnerConsultation, RiskLevel
from tests.unit.test_review_rules import NOW, SENIOR, a_case, concluded_consultation
from workflows import deadlines, escalation, review
from workflows.clock import Alarm
from workflows.model import CaseState, Escalation, EscalationLevel
from workflows.tasks import (
    EscalationAppeal,
    EscalationResolution,
    Reviewer,
    ReviewerRole,
    ViewRequest,
)

CHAIR = Reviewer(id="chair-1", role=ReviewerRole.COMMITTEE_CHAIR)
RECORDER = Reviewer(id="senior-2", role=ReviewerRole.SENIOR_OFFICER)


def position(
    stakeholder_id: str, kind: StakeholderKind, silent: bool = False
) -> StakeholderPosition:
    return StakeholderPosition(
        referral_id=f"r-{stakeholder_id}",
        stakeholder_id=stakeholder_id,
        stakeholder_name=stakeholder_id,
        stakeholder_kind=kind,
        position=Position.NO_OBJECTION if silent else Position.RECOMMEND_DENIAL,
        deemed_no_objection=silent,
        answered_at=None if silent else NOW,
    )


def escalated(decided_by: str | None = None, level: int = 1) -> CaseState:
    """A case whose dissent went to the committee at `level`, decided by `decided_by` if given."""
    case = a_case(RiskLevel.HIGH)
    positions = [
        position("mod", StakeholderKind.AGENCY),
        position("ngo-1", StakeholderKind.CIVIL_SOCIETY),
        position("energy", StakeholderKind.AGENCY, silent=True),
    ]
    case.consultation = concluded_consultation(*positions)
    case.status = CaseStatus.ESCALATED
    case.escalation = Escalation(
        since=NOW, dissent="mod recommends denial", due_at=NOW + timedelta(days=14), level=level
    )
    if decided_by is not None:
        case.escalation.resolved_by, case.escalation.recommendation = decided_by, "approve"
        case.escalation.appeal_due_at = NOW + timedelta(days=5)
    return case


def appeal(on_behalf_of: str = "mod", reviewer: Reviewer = RECORDER) -> EscalationAppeal:
    return EscalationAppeal(reviewer=reviewer, on_behalf_of=on_behalf_of, grounds="Misuse risk.")


def test_the_default_levels_are_the_operating_committee_then_the_acep() -> None:
    levels = a_case().policy.escalation_levels
    assert [(level.committee, level.decision_time.days) for level in levels] == [
        ("Operating Committee", 14),
        ("Advisory Committee on Export Policy", 11),
    ]
    assert [level.appeal_time.days for level in levels] == [5, 5]


def test_an_agency_that_took_a_position_appeals_within_the_window() -> None:
    case = escalated(decided_by=SENIOR.id)
    assert review.appeal_problems(case, appeal(), NOW + timedelta(days=4)) == []
    assert escalation.appellants(case) == ["mod"]
    view = ViewRequest(role=ReviewerRole.SENIOR_OFFICER, reviewer_id=RECORDER.id)
    assert review.open_actions(case, view) == ["appeal_escalation"]


def test_an_appeal_is_refused_with_every_reason() -> None:
    case = escalated(decided_by=SENIOR.id)
    wrong = EscalationAppeal(reviewer=Reviewer(id="officer-1"), on_behalf_of="ngo-1", grounds=" ")
    assert review.appeal_problems(case, wrong, NOW) == [
        "only a senior officer records an appeal",
        "ngo-1 cannot appeal: only an agency that took a position in the consultation can (mod)",
        "an appeal needs its grounds",
    ]
    assert review.appeal_problems(case, appeal("energy", SENIOR), NOW) == [
        "the chair who decided cannot record an appeal against the decision",
        "energy cannot appeal: only an agency that took a position in the consultation can (mod)",
    ]


def test_no_appeal_before_the_decision_after_the_window_or_at_the_last_level() -> None:
    assert review.appeal_problems(escalated(), appeal(), NOW) == [
        "the Operating Committee has not decided yet: there is nothing to appeal"
    ]
    late = NOW + timedelta(days=5)
    assert review.appeal_problems(escalated(decided_by=SENIOR.id), appeal(), late) == [
        "the appeal window closed at 2026-11-28 12:00:00 UTC: the Operating Committee's "
        "decision is final"
    ]
    last = escalated(decided_by=CHAIR.id, level=2)
    assert review.appeal_problems(last, appeal(), NOW) == [
        "the Advisory Committee on Export Policy is the last level: its decision is final"
    ]


def test_each_level_is_decided_by_its_chair_once() -> None:
    resolution = EscalationResolution(reviewer=SENIOR, recommendation="deny", rationale="R.")
    assert review.resolution_problems(escalated(level=2), resolution) == [
        "only a committee chair chairs the Advisory Committee on Export Policy"
    ]
    chaired = resolution.model_copy(update={"reviewer": CHAIR})
    assert review.resolution_problems(escalated(level=2), chaired) == []
    assert review.resolution_problems(escalated(decided_by=SENIOR.id), resolution) == [
        "the Operating Committee decided already (recommends approve)"
    ]
    chair_view = ViewRequest(role=ReviewerRole.COMMITTEE_CHAIR)
    assert review.open_actions(escalated(level=2), chair_view) == ["resolve_escalation"]


def test_a_committee_is_warned_of_then_overdue_and_an_appeal_opens_the_next_level() -> None:
    case = escalated()
    assert escalation.due_alarm(case, NOW + timedelta(days=10)) is None
    assert escalation.due_alarm(case, NOW + timedelta(days=11)) is Alarm.APPROACHING
    assert escalation.due_alarm(case, NOW + timedelta(days=14)) is Alarm.BREACHED
    assert case.escalation is not None
    upper = escalation.appealed(case.policy, case.escalation, appeal(), NOW)
    assert (upper.level, upper.due_at) == (2, NOW + timedelta(days=11))


def test_a_risky_case_not_yet_referred_has_a_referral_target_of_nine_days() -> None:
    case = a_case(RiskLevel.HIGH)
    assert deadlines.referral_due(case) == NOW + timedelta(days=9)
    assert deadlines.referral_alarm(case, NOW + timedelta(days=7)) is Alarm.APPROACHING
    assert deadlines.referral_alarm(case, NOW + timedelta(days=9)) is Alarm.BREACHED
    assert deadlines.next_deadline(case) == (
        "referral",
        NOW + timedelta(days=9),
        False,
    )
    assert deadlines.referral_due(a_case(RiskLevel.LOW)) is None
    assert deadlines.next_deadline(a_case(RiskLevel.LOW)).what == "decision"


def test_the_next_deadline_is_the_committees_then_the_appeal_window() -> None:
    case = escalated()
    assert deadlines.next_deadline(case) == ("committee", NOW + timedelta(days=14), False)
    decided = escalated(decided_by=SENIOR.id)
    assert deadlines.next_deadline(decided) == ("appeal", NOW + timedelta(days=5), False)
    assert escalation.appeal_window_closed(decided.escalation, NOW + timedelta(days=5))
    assert not escalation.appeal_window_closed(decided.escalation, NOW + timedelta(days=4))


def test_a_case_matching_a_partner_states_denial_needs_referral_whatever_its_risk() -> None:
    case = a_case(RiskLevel.LOW)
    assert case.screening is not None
    denial = PartnerConsultation(state="DE", kind=NoticeKind.DENIAL, notice_id="DE-2026-7")
    case.screening = case.screening.model_copy(update={"partner_consultations": [denial]})
    assert deadlines.needs_referral(case)
    assert deadlines.referral_due(case) == NOW + timedelta(days=9)


def test_a_third_level_in_the_policy_makes_the_acep_decision_appealable() -> None:
    case = escalated(decided_by=CHAIR.id, level=2)
    board = EscalationLevel(
        committee="Export Administration Review Board",
        chaired_by=ReviewerRole.COMMITTEE_CHAIR,
        decision_time=timedelta(days=11),
    )
    case.policy.escalation_levels.append(board)
    assert review.appeal_problems(case, appeal(), NOW) == []
    assert case.escalation is not None
    upper = escalation.appealed(case.policy, case.escalation, appeal(), NOW)
    assert (upper.level, upper.due_at) == (3, NOW + timedelta(days=11))
    assert [lower.level for lower in upper.earlier] == [2]
