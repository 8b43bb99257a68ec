"""Escalation on a case: the committee at each level decides by its deadline, a dissenting agency
may appeal within the window, and an unappealed decision becomes final."""

from __future__ import annotations

from datetime import datetime

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from schemas.cases import CaseStatus
    from schemas.topics import CASES
    from workflows import escalation, events
    from workflows.case_record import CaseRecord
    from workflows.clock import Alarm
    from workflows.tasks import EscalationAppeal, EscalationResolution
    from workflows.versions import ESCALATION_LEVELS, retired


class CaseEscalation:
    """The committees' decisions and appeals, and the deadlines that time them."""

    def __init__(self, record: CaseRecord) -> None:
        self._record = record

    def resolve(self, resolution: EscalationResolution) -> None:
        """The committee at the case's level decides; it stands once the appeal window closes."""
        retired(ESCALATION_LEVELS)
        record = self._record
        case, now = record.case, workflow.now()
        decided = case.escalation
        assert decided is not None
        decided.resolved_by = resolution.reviewer.id
        decided.recommendation = resolution.recommendation
        decided.rationale, decided.resolved_at = resolution.rationale, now
        level = escalation.level_of(case.policy, decided)
        decided.final = escalation.is_last_level(case.policy, decided)
        if not decided.final:
            decided.appeal_due_at = now + level.appeal_time
        record.outbox.add(case, CASES, events.escalation_decided(case))
        note = (
            f"{level.committee} decided by {decided.resolved_by}: "
            f"recommends {resolution.recommendation} — {resolution.rationale}"
        )
        if decided.final:
            record.enter(CaseStatus.UNDER_REVIEW, f"{note}; final (the last level)")
        else:
            record.note(f"{note}; appealable until {decided.appeal_due_at:%Y-%m-%d %H:%M:%S} UTC")

    def appeal(self, appeal: EscalationAppeal) -> None:
        """A dissenting agency appeals the committee's decision: the next level decides."""
        record = self._record
        case, now = record.case, workflow.now()
        assert case.escalation is not None
        case.escalation = escalation.appealed(case.policy, case.escalation, appeal, now)
        record.outbox.add(case, CASES, events.escalation_appealed(case))
        committee = escalation.level_of(case.policy, case.escalation).committee
        record.note(
            f"appealed to the {committee} on behalf of {appeal.on_behalf_of} "
            f"(recorded by {appeal.reviewer.id}): {appeal.grounds}; "
            f"due {case.escalation.due_at:%Y-%m-%d %H:%M:%S} UTC"
        )

    def alarm_due(self) -> datetime | None:
        """When the committee is next raised: due soon, then overdue."""
        retired(ESCALATION_LEVELS)
        case = self._record.case
        if case.escalation is None or case.escalation.resolved_by is not None:
            return None
        return escalation.next_moment(case)

    def raise_alarm(self) -> None:
        """Raise that the committee is due soon, then that it is overdue, once each."""
        case, now = self._record.case, workflow.now()
        alarm = escalation.due_alarm(case, now)
        assert alarm is not None
        assert case.escalation is not None
        case.escalation.warned = True
        case.escalation.overdue_raised = alarm is Alarm.BREACHED
        self._record.outbox.add(case, CASES, events.escalation_raised(case, alarm, now))
        committee = escalation.level_of(case.policy, case.escalation).committee
        said = "overdue" if alarm is Alarm.BREACHED else "approaching"
        self._record.note(
            f"escalation {said}: the {committee} is to decide by "
            f"{case.escalation.due_at:%Y-%m-%d %H:%M} UTC"
        )

    def appeal_window_closes(self) -> datetime | None:
        """When the window to appeal the committee's decision closes."""
        decided = self._record.case.escalation
        if decided is None or decided.resolved_by is None or decided.final:
            return None
        return decided.appeal_due_at

    def make_final(self) -> None:
        """Once the appeal window closes unappealed, the committee's decision stands."""
        case = self._record.case
        decided = case.escalation
        assert decided is not None
        decided.final = True
        committee = escalation.level_of(case.policy, decided).committee
        self._record.enter(
            CaseStatus.UNDER_REVIEW,
            f"the {committee}'s decision is final (not appealed in time): "
            f"recommends {decided.recommendation}",
        )
