"""Which re-screening after a partner's notice a case takes (once per notice, open cases only),
what its reviewer reads, and what becomes of a sign-off awaiting its countersignature."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from schemas.cases import CaseStatus, DecisionOutcome
from schemas.screening import NoticeKind, RiskLevel, ScreeningCompleted
from tests.unit.test_review_rules import (
    a_case,
    concluded_consultation,
    consult,
    decision,
    mitigated_approval,
)
from workflows import review
from workflows.case_notices import (
    denials_after_referral,
    notice_alert,
    notice_rescreen_id,
    notice_taken_in,
    sign_off_withdrawn,
)
from workflows.model import DecisionRecorded, PartnerWaiver

NOW = datetime(2026, 12, 6, tzinfo=UTC)
EVIDENCE = (
    "risk notice FR/risk/1/AE from FR (2026-12-06): end user 'Falcon Vision' is the notice's "
    "'Falcon Vision Systems'; same technology (facial_recognition); same destination AE"
)


def rescreened(
    request_id: str = "", reason: str = f"partner_notice: {EVIDENCE}", case_id: str = "c-1"
) -> ScreeningCompleted:
    return ScreeningCompleted(
        request_id=request_id or notice_rescreen_id(case_id, "FR", "FR/risk/1/AE"),
        case_id=case_id,
        reason=reason,
        risk_level=RiskLevel.HIGH,
        policy_version="p",
        list_version="l",
        screened_at=NOW,
    )


def test_an_open_case_takes_a_notice_s_re_screening_once() -> None:
    case = a_case()
    assert notice_taken_in(case, rescreened()) == "FR/FR/risk/1/AE"
    case.notices.append("FR/FR/risk/1/AE")
    assert notice_taken_in(case, rescreened()) is None
    another = rescreened(notice_rescreen_id("c-1", "NL", "NL-2026-0042"))
    assert notice_taken_in(case, another) == "NL/NL-2026-0042"


@pytest.mark.parametrize(
    ("request_id", "reason", "case_id"),
    [
        ("c-1/rescreen/entity-list@2", "partner_notice: x", "c-1"),  # not a notice's id
        ("c-1/rescreen/notice/FR", "partner_notice: x", "c-1"),  # no notice id
        ("c-1/notice/FR/FR-1", "partner_notice: x", "c-1"),  # the old, unasked shape
        ("", "list_update: entity-list 2", "c-1"),  # another reason
        ("c-2/rescreen/notice/FR/FR-1", "partner_notice: x", "c-2"),  # another case's
    ],
)
def test_a_result_not_shaped_as_this_case_s_notice_re_screening_is_not_taken(
    request_id: str, reason: str, case_id: str
) -> None:
    assert notice_taken_in(a_case(), rescreened(request_id, reason, case_id)) is None


def test_a_decided_case_takes_no_notice() -> None:
    case = a_case()
    case.decided = DecisionRecorded(
        case_id="c-1",
        control_number="T000001",
        outcome=DecisionOutcome.DENIED,
        decided_at=NOW,
        decided_by="officer-1",
        rationale="r",
    )
    assert notice_taken_in(case, rescreened()) is None


def test_the_alert_names_the_notice_its_state_and_the_raised_risk() -> None:
    was = a_case(RiskLevel.LOW).screening
    alert = notice_alert(rescreened(), was)
    assert alert.startswith("re-screened after risk notice FR/risk/1/AE from FR (2026-12-06)")
    assert alert.endswith("risk raised to high (was low), 0 finding(s)")
    assert "risk now high (was critical)" in notice_alert(
        rescreened(), a_case(RiskLevel.CRITICAL).screening
    )


def test_an_approval_awaiting_countersignature_goes_back_and_a_denial_stands() -> None:
    case = a_case(RiskLevel.HIGH)
    assert not sign_off_withdrawn(case)  # under review: nothing signed off
    case.status = CaseStatus.SIGNED_OFF
    case.sign_off = decision(DecisionOutcome.APPROVED_WITH_CONDITIONS, conditions=["c"])
    assert sign_off_withdrawn(case)
    case.sign_off = decision(DecisionOutcome.DENIED)
    assert not sign_off_withdrawn(case)


def denied_by(*states: str) -> ScreeningCompleted:
    return rescreened().model_copy(
        update={
            "partner_consultations": [
                consult(state, NoticeKind.DENIAL, f"{state}-1") for state in states
            ]
            + [consult("FR", NoticeKind.RISK, "FR/risk/1/AE")]
        }
    )


def test_a_denial_matching_after_the_referral_names_a_state_the_referral_did_not_consult() -> None:
    case = a_case(RiskLevel.HIGH)
    assert denials_after_referral(case, denied_by("JP")) == []  # not referred: the referral will
    case.consultation = concluded_consultation()
    assert denials_after_referral(case, denied_by("JP")) == ["JP"]  # a risk notice's FR is not
    case.screening = denied_by("JP")
    assert denials_after_referral(case, denied_by("JP", "NL")) == ["NL"]


def test_approval_waits_for_a_state_whose_denial_matched_after_the_referral() -> None:
    case = a_case(RiskLevel.HIGH)
    case.screening = denied_by("JP")
    case.consultation = concluded_consultation()
    case.unconsulted_partners = ["JP"]

    [problem] = review.decision_problems(case, mitigated_approval())

    assert problem.startswith("JP denied an essentially identical transaction after the case was")
    assert "refer the case again" in problem
    case.partner_waivers.append(PartnerWaiver(state="JP", reason="No channel", by="s", at=NOW))
    assert review.decision_problems(case, mitigated_approval()) == []
