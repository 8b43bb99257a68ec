"""The steps of a case between reviewer tasks: screening rounds, deadlines, continue-as-new."""

from __future__ import annotations

import asyncio
import contextlib
from datetime import datetime, timedelta

from temporalio import workflow

# Patch: a consultation request the service has not opened in time is sent again.
RESEND_CONSULTATION_REQUEST = "resend-consultation-request"

with workflow.unsafe.imports_passed_through():
    from schemas.cases import CaseStatus
    from schemas.screening import ScreeningCompleted
    from schemas.topics import CASES, CONSULTATION_REQUESTS, SCREENING_REQUESTS
    from workflows import events
    from workflows.case_record import REVIEW_TIMER, CaseRecord
    from workflows.clock import SHORTEST_WAIT, Alarm, deadline, due_alarm, time_to_next_alarm
    from workflows.consultation import (
        consultation_requested,
        deadline_passed,
        reminder_at,
        reminder_due,
    )
    from workflows.consultation import due as consultation_due
    from workflows.model import LicenseCaseInput


class CaseSteps(CaseRecord):
    """Each step does its part if it is due, and returns at once if not."""

    _timer: asyncio.Task[None] | None
    _timer_at: datetime | None

    @property
    def _screening_request_id(self) -> str:
        return f"{self._case.case_id}/screening/{self._case.screening_round}"

    def _request_screening_if_wanted(self) -> None:
        """Open a screening round (at registration, after each amendment)."""
        case = self._case
        if not case.screening_wanted:
            return
        case.screening_wanted, case.awaiting_screening = False, True
        case.screening_round += 1
        case.screening_attempts = 0
        reason = "registration" if case.screening_round == 1 else "amendment"
        self._enter(CaseStatus.SCREENING, f"screening requested ({reason})")
        self._send_screening_request(reason)

    def _resend_screening_if_unanswered(self) -> None:
        """Re-send a screening request that got no answer in time: a lost message only delays."""
        case = self._case
        sent = case.screening_sent_at
        if case.awaiting_screening and sent and workflow.now() >= sent + self._resend_wait:
            self._note(f"screening re-sent (try {case.screening_attempts + 1})")
            self._send_screening_request("re-sent")

    def _send_screening_request(self, reason: str) -> None:
        case = self._case
        case.screening_attempts += 1
        case.screening_sent_at = workflow.now()
        request = events.screening_requested(case, self._screening_request_id, reason)
        self._outbox.add(case, SCREENING_REQUESTS, request)

    def _review_once_screened(self) -> None:
        """The awaited screening arrived: the case waits for a reviewer."""
        case = self._case
        if case.status is CaseStatus.SCREENING and not case.awaiting_screening:
            assert case.screening is not None
            risk, findings = case.screening.risk_level.value, len(case.screening.findings)
            self._enter(CaseStatus.UNDER_REVIEW, f"screened: {risk} risk, {findings} finding(s)")

    def _take_in_list_update(self, result: ScreeningCompleted) -> None:
        """A list update re-screened the case: alert the reviewer."""
        case = self._case
        was = case.screening.risk_level.value if case.screening else "unscreened"
        case.list_versions.append(result.list_version)
        case.screening = result
        case.alert = (
            f"re-screened after list update {result.list_version}: "
            f"{result.risk_level.value} risk (was {was}), {len(result.findings)} finding(s)"
        )
        self._note(case.alert)

    def _raise_deadline_if_due(self) -> None:
        """Raise the approaching or breached deadline once each (hold time excluded)."""
        case = self._case
        alarm = due_alarm(case, workflow.now())
        if alarm is None:
            return
        case.warned = True
        case.breached = alarm is Alarm.BREACHED
        self._outbox.add(case, CASES, events.deadline_raised(case, alarm, workflow.now()))
        self._note(f"deadline {alarm.value}: due {deadline(case):%Y-%m-%d %H:%M:%S} UTC")

    async def _continue_as_new_if_history_is_long(self) -> None:
        """Carry the state into a fresh run before the history grows large."""
        info = workflow.info()
        limit = self._case.policy.history_events_before_continue
        if info.get_current_history_length() < limit and not info.is_continue_as_new_suggested():
            return
        await workflow.wait_condition(workflow.all_handlers_finished)
        await self._flush()
        case = self._case
        workflow.continue_as_new(
            LicenseCaseInput(
                received=case.received,
                correlation_id=case.correlation_id,
                policy=case.policy,
                state=case,
            )
        )

    def _tell_consultation_its_deadline_passed(self) -> None:
        """Past the consultation's deadline, silent stakeholders count as not objecting: tell the
        consultation service (again after the re-send wait, until it concludes)."""
        case, now = self._case, workflow.now()
        consultation = case.consultation
        if consultation is None or not consultation_due(consultation, now):
            return
        sent = consultation.deadline_sent_at
        if sent is None or now >= sent + self._resend_wait:
            consultation.deadline_sent_at = now
            self._outbox.add(case, CONSULTATION_REQUESTS, deadline_passed(case, consultation))
            if sent is None:
                self._note("consultation deadline passed: silence counts as no objection")

    def _resend_consultation_request_if_unopened(self) -> None:
        """Re-send a consultation request the service has not opened in time (a broker that
        lost it, say); the service answers a request it knows with where it stands."""
        case, due = self._case, self._consultation_request_resend_due()
        if due is None or workflow.now() < due:
            return
        consultation = case.consultation
        assert consultation is not None
        consultation.request_sent_at = workflow.now()
        request = consultation_requested(case, consultation.stakeholders)
        self._outbox.add(case, CONSULTATION_REQUESTS, request)
        self._note("consultation request re-sent: the consultation service has not opened it")

    def _consultation_request_resend_due(self) -> datetime | None:
        """When an unopened consultation request is to be sent again (None: not at all)."""
        consultation = self._case.consultation
        if (
            consultation is None
            or consultation.opened is not None
            or consultation.concluded is not None
            or consultation.cancelled_at is not None
            or consultation.request_sent_at is None
            or not workflow.patched(RESEND_CONSULTATION_REQUEST)
        ):
            return None
        return consultation.request_sent_at + self._resend_wait

    def _remind_stakeholders_if_due(self) -> None:
        """Some time before the consultation's deadline (policy), have the stakeholders that
        have not answered reminded, once per deadline."""
        case, now = self._case, workflow.now()
        consultation = case.consultation
        if consultation is None:
            return
        at = reminder_at(consultation, case.policy.consultation_reminder_before, now)
        if at is None or now < at:
            return
        consultation.reminded_for = consultation.due_at
        self._outbox.add(case, CONSULTATION_REQUESTS, reminder_due(case, consultation))
        self._note(
            "stakeholders that have not answered are reminded: answers due "
            f"{consultation.due_at:%Y-%m-%d %H:%M:%S} UTC"
        )

    async def _wait_for_something_to_do(self) -> None:
        """Sleep until a handler changed the case, a deadline falls due or a re-send is due."""
        case = self._case
        timeout = self._time_to_wake_up()
        steps = len(case.timeline)  # any new step may bring the history over its limit
        if not workflow.patched(REVIEW_TIMER):  # cases begun before it: a timer for each wait
            with contextlib.suppress(TimeoutError):
                await workflow.wait_condition(
                    lambda: self._something_to_do() or len(case.timeline) != steps, timeout=timeout
                )
            return
        self._push_shown()
        timer = self._wake_up_timer(timeout)
        await workflow.wait_condition(
            lambda: (
                self._something_to_do()
                or self._to_show
                or len(case.timeline) != steps
                or (timer is not None and timer.done())
            )
        )

    def _wake_up_timer(self, timeout: timedelta | None) -> asyncio.Task[None] | None:
        """The timer that wakes the case `timeout` from now: the running one while its moment
        stays the same (a reviewer action moves no deadline), else a new one in its place."""
        if timeout is not None:
            timeout = max(timeout, SHORTEST_WAIT)  # a timer cannot start in the past
        at = None if timeout is None else workflow.now() + timeout
        running = self._timer
        if running is not None and not running.done() and at == self._timer_at:
            return running
        if running is not None:
            running.cancel()
        self._timer_at = at
        self._timer = None if timeout is None else asyncio.ensure_future(workflow.sleep(timeout))
        return self._timer

    def _time_to_wake_up(self) -> timedelta | None:
        """How long until the next deadline, alarm or re-send falls due; None: none is to come."""
        case = self._case
        waits = [time_to_next_alarm(case, workflow.now())]
        if case.awaiting_screening and case.screening_sent_at is not None:
            waits.append(case.screening_sent_at + self._resend_wait - workflow.now())
        waits += [max(at - workflow.now(), SHORTEST_WAIT) for at in self._alarm_times()]
        resend_due = self._consultation_request_resend_due()
        if resend_due is not None:
            waits.append(max(resend_due - workflow.now(), SHORTEST_WAIT))
        consultation = case.consultation
        if consultation is not None and consultation.concluded is None:
            sent = consultation.deadline_sent_at
            due = consultation.due_at if sent is None else sent + self._resend_wait
            waits.append(max(due - workflow.now(), SHORTEST_WAIT))
            remind_at = reminder_at(
                consultation, case.policy.consultation_reminder_before, workflow.now()
            )
            if remind_at is not None:
                waits.append(max(remind_at - workflow.now(), SHORTEST_WAIT))
        return min((wait for wait in waits if wait is not None), default=None)

    def _alarm_times(self) -> list[datetime]:
        """Further moments the case must wake at (escalation and referral steps add theirs)."""
        return []

    def _something_to_do(self) -> bool:
        case = self._case
        screened = case.status is CaseStatus.SCREENING and not case.awaiting_screening
        return case.decided is not None or case.screening_wanted or screened or self._outbox.pending

    @property
    def _resend_wait(self) -> timedelta:
        return self._case.policy.screening_answer_wait
