"""Screening on a case: a round at registration and after each amendment, re-sent while
unanswered, and re-screenings after a list update or a partner's notice taken in."""

from __future__ import annotations

from datetime import datetime

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from schemas.cases import CaseStatus
    from schemas.screening import ScreeningCompleted
    from schemas.topics import SCREENING_REQUESTS
    from workflows import events, versions
    from workflows.case_notices import (
        denials_after_referral,
        notice_alert,
        notice_taken_in,
        sign_off_withdrawn,
    )
    from workflows.case_record import CaseRecord


class CaseScreening:
    """Asks screening about the case and takes in what it answers."""

    def __init__(self, record: CaseRecord) -> None:
        self._record = record

    def take_in(self, result: ScreeningCompleted) -> None:
        """A screening result: the one awaited, or a re-screening after a list update or a
        partner's notice."""
        case = self._record.case
        if case.decided is not None:
            workflow.logger.info("screening result after decision ignored: %s", result.request_id)
        elif case.awaiting_screening and result.request_id == self._request_id:
            case.screening, case.awaiting_screening = result, False
        elif (
            result.reason.startswith("list_update")
            and result.request_id == f"{case.case_id}/rescreen/{result.list_version}"
            and result.list_version not in case.list_versions
        ):
            self._take_in_list_update(result)
        elif (notice := notice_taken_in(case, result)) is not None and workflow.patched(
            versions.NOTICE_RESCREENED
        ):
            self._take_in_notice(result, notice)

    @property
    def _request_id(self) -> str:
        return f"{self._record.case.case_id}/screening/{self._record.case.screening_round}"

    def wanted(self) -> datetime | None:
        """Now, when a round is wanted (at registration, after an amendment)."""
        return workflow.now() if self._record.case.screening_wanted else None

    def request(self) -> None:
        """Open a screening round (at registration, after each amendment)."""
        case = self._record.case
        case.screening_wanted, case.awaiting_screening = False, True
        case.screening_round += 1
        case.screening_attempts = 0
        reason = "registration" if case.screening_round == 1 else "amendment"
        self._record.enter(CaseStatus.SCREENING, f"screening requested ({reason})")
        self._send(reason)

    def resend_due(self) -> datetime | None:
        """When the request goes again if still unanswered."""
        case = self._record.case
        sent = case.screening_sent_at
        if not case.awaiting_screening or sent is None:
            return None
        return sent + case.policy.screening_answer_wait

    def resend(self) -> None:
        """Re-send a screening request that got no answer in time: a lost message only delays."""
        self._record.note(f"screening re-sent (try {self._record.case.screening_attempts + 1})")
        self._send("re-sent")

    def _send(self, reason: str) -> None:
        case = self._record.case
        case.screening_attempts += 1
        case.screening_sent_at = workflow.now()
        request = events.screening_requested(case, self._request_id, reason)
        self._record.outbox.add(case, SCREENING_REQUESTS, request)

    def screened(self) -> datetime | None:
        """Now, once the awaited answer is in."""
        case = self._record.case
        screened = case.status is CaseStatus.SCREENING and not case.awaiting_screening
        return workflow.now() if screened else None

    def to_review(self) -> None:
        """The screened case waits for a reviewer."""
        case = self._record.case
        assert case.screening is not None
        risk, findings = case.screening.risk_level.value, len(case.screening.findings)
        self._record.enter(CaseStatus.UNDER_REVIEW, f"screened: {risk} risk, {findings} finding(s)")

    def _take_in_list_update(self, result: ScreeningCompleted) -> None:
        """A list update re-screened the case: alert the reviewer."""
        case = self._record.case
        was = case.screening.risk_level.value if case.screening else "unscreened"
        case.list_versions.append(result.list_version)
        case.screening = result
        case.alert = (
            f"re-screened after list update {result.list_version}: "
            f"{result.risk_level.value} risk (was {was}), {len(result.findings)} finding(s)"
        )
        self._record.note(case.alert)

    def _take_in_notice(self, result: ScreeningCompleted, notice: str) -> None:
        """A partner's notice re-screened the case: the reviewer reads its findings, naming the
        issuing state; an approval awaiting countersignature goes back to review."""
        record, case = self._record, self._record.case
        case.notices.append(notice)
        case.unconsulted_partners += denials_after_referral(case, result)
        case.alert = notice_alert(result, case.screening)
        case.screening = result
        if sign_off_withdrawn(case):
            case.sign_off = None
            record.enter(CaseStatus.UNDER_REVIEW, f"{case.alert}; the approval goes back to review")
        else:
            record.note(case.alert)
