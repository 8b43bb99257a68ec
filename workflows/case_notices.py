"""A partner state's notice (denial or risk) re-screened an open case: which result the case
takes, and what it does to a sign-off awaiting its countersignature. Pure rules, no Temporal."""

from __future__ import annotations

from schemas.cases import CaseStatus
from schemas.screening import NoticeKind, ScreeningCompleted
from workflows.consultation import APPROVALS, notice_states
from workflows.model import CaseState

# Why screening ran unasked when a notice matched: the result's reason begins with it.
NOTICE_REASON = "partner_notice"


def notice_rescreen_id(case_id: str, issuing_state: str, notice_id: str) -> str:
    """The request id screening gives a case's re-screening for one partner notice."""
    return f"{case_id}/rescreen/notice/{issuing_state}/{notice_id}"


def notice_taken_in(case: CaseState, result: ScreeningCompleted) -> str | None:
    """The notice (`<state>/<notice id>`) whose re-screening this result is, when the case takes
    it: open, for this case, not a notice taken before; None otherwise."""
    prefix = f"{case.case_id}/rescreen/notice/"
    notice = result.request_id.removeprefix(prefix)
    state, _, notice_id = notice.partition("/")
    if (
        case.decided is not None
        or result.case_id != case.case_id
        or not result.reason.startswith(NOTICE_REASON)
        or not result.request_id.startswith(prefix)
        or not (state and notice_id)
        or notice in case.notices
    ):
        return None
    return notice


def sign_off_withdrawn(case: CaseState) -> bool:
    """A sign-off awaiting countersignature goes back to review when it approves: the officer
    approved without the partner's notice (and, for a denial notice, without consulting the
    denying state, EU 2021/821 Art. 16). A denial stands: the notice only adds to its grounds."""
    signed = case.sign_off
    return (
        case.status is CaseStatus.SIGNED_OFF and signed is not None and signed.outcome in APPROVALS
    )


def notice_alert(result: ScreeningCompleted, was: ScreeningCompleted | None) -> str:
    """What the reviewer reads: the notice and its issuing state, and the risk before and now."""
    notice = result.reason.removeprefix(NOTICE_REASON).lstrip(": ")
    risk, before = result.risk_level.value, was.risk_level.value if was else "unscreened"
    raised = was is not None and result.risk_level.rank > was.risk_level.rank
    change = "raised to" if raised else "now"
    return (
        f"re-screened after {notice}: risk {change} {risk} (was {before}), "
        f"{len(result.findings)} finding(s)"
    )


def denials_after_referral(case: CaseState, result: ScreeningCompleted) -> list[str]:
    """Partner states whose denial the result brings and the case's referral did not consult:
    a referral made before the notice matched (EU 2021/821 Art. 16). Empty when not referred."""
    if case.consultation is None:
        return []
    before = notice_states(case.screening, NoticeKind.DENIAL) if case.screening else []
    known = set(before) | set(case.unconsulted_partners)
    return [state for state in notice_states(result, NoticeKind.DENIAL) if state not in known]
