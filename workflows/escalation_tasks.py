"""Escalation levels on a case: a committee decides, a dissenting agency may appeal to the next
level within the window, an unappealed decision becomes final; and the referral target."""

from __future__ import annotations

from datetime import datetime

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from schemas.cases import CaseStatus
    from schemas.topics import CASES
    from workflows import actors, escalation, events, review
    from workflows.clock import Alarm
    from workflows.consultation_tasks import ConsultationTasks
    from workflows.deadlines import next_referral_alarm, referral_alarm, referral_due
    from workflows.tasks import ActionRecorded, EscalationAppeal, EscalationResolution


class EscalationTasks(ConsultationTasks):
    """The committees' updates and the steps that time them."""

    @workflow.update
    async def resolve_escalation(self, resolution: EscalationResolution) -> ActionRecorded:
        """The committee at the case's level decides; it stands once the appeal window closes."""
        resolution = actors.acting(resolution)
        self._refuse_if(review.resolution_problems(self._case, resolution))
        case, now = self._case, workflow.now()
        decided = case.escalation
        assert decided is not None
        decided.resolved_by = resolution.reviewer.id
        decided.recommendation = resolution.recommendation
        note = f"recommends {resolution.recommendation} — {resolution.rationale}"
        if not self._levelled:  # one committee, no appeal: back to the officer at once
            self._enter(
                CaseStatus.UNDER_REVIEW, f"escalation resolved by {decided.resolved_by}: {note}"
            )
            return await self._recorded(resolution)
        decided.rationale, decided.resolved_at = resolution.rationale, now
        level = escalation.level_of(case.policy, decided)
        decided.final = escalation.is_last_level(case.policy, decided)
        if not decided.final:
            decided.appeal_due_at = now + level.appeal_time
        self._outbox.add(case, CASES, events.escalation_decided(case))
        note = f"{level.committee} decided by {decided.resolved_by}: {note}"
        if decided.final:
            self._enter(CaseStatus.UNDER_REVIEW, f"{note}; final (the last level)")
        else:
            self._note(f"{note}; appealable until {decided.appeal_due_at:%Y-%m-%d %H:%M:%S} UTC")
        return await self._recorded(resolution)

    @resolve_escalation.validator
    def _validate_resolve_escalation(self, resolution: EscalationResolution) -> None:
        resolution = actors.verified(
            resolution, actors.CHAIRS, "record an escalation committee's decision"
        )
        self._refuse_if(review.resolution_problems(self._case, resolution))

    @workflow.update
    async def appeal_escalation(self, appeal: EscalationAppeal) -> ActionRecorded:
        """A dissenting agency appeals the committee's decision: the next level decides."""
        appeal = actors.acting(appeal)
        case, now = self._case, workflow.now()
        self._refuse_if(review.appeal_problems(case, appeal, now))
        assert case.escalation is not None
        case.escalation = escalation.appealed(case.policy, case.escalation, appeal, now)
        self._outbox.add(case, CASES, events.escalation_appealed(case))
        committee = escalation.level_of(case.policy, case.escalation).committee
        self._note(
            f"appealed to the {committee} on behalf of {appeal.on_behalf_of} "
            f"(recorded by {appeal.reviewer.id}): {appeal.grounds}; "
            f"due {case.escalation.due_at:%Y-%m-%d %H:%M:%S} UTC"
        )
        return await self._recorded(appeal)

    @appeal_escalation.validator
    def _validate_appeal_escalation(self, appeal: EscalationAppeal) -> None:
        appeal = actors.verified(appeal, actors.SENIOR, "record an appeal")
        self._refuse_if(review.appeal_problems(self._case, appeal, workflow.now()))

    def _raise_escalation_alarms_if_due(self) -> None:
        """Raise that the committee is due soon, then that it is overdue, once each."""
        case, now = self._case, workflow.now()
        alarm = escalation.due_alarm(case, now, warn=self._levelled)
        if alarm is None or case.escalation is None:
            return
        case.escalation.warned = True
        case.escalation.overdue_raised = alarm is Alarm.BREACHED
        self._outbox.add(case, CASES, events.escalation_raised(case, alarm, now))
        committee = escalation.level_of(case.policy, case.escalation).committee
        said = "overdue" if alarm is Alarm.BREACHED else "approaching"
        self._note(
            f"escalation {said}: the {committee} is to decide by "
            f"{case.escalation.due_at:%Y-%m-%d %H:%M} UTC"
        )

    def _make_unappealed_decision_final(self) -> None:
        """Once the appeal window closes unappealed, the committee's decision stands."""
        decided = self._case.escalation
        if decided is None or not escalation.appeal_window_closed(decided, workflow.now()):
            return
        decided.final = True
        committee = escalation.level_of(self._case.policy, decided).committee
        self._enter(
            CaseStatus.UNDER_REVIEW,
            f"the {committee}'s decision is final (not appealed in time): "
            f"recommends {decided.recommendation}",
        )

    def _raise_referral_target_if_due(self) -> None:
        """Raise that a case needing consultation nears, then missed, its referral target."""
        case, now = self._case, workflow.now()
        alarm = referral_alarm(case, now) if self._levelled else None
        due = referral_due(case)
        if alarm is None or due is None:
            return
        case.referral_warned = True
        case.referral_missed = alarm is Alarm.BREACHED
        self._outbox.add(case, CASES, events.referral_target_raised(case, alarm, now))
        said = "missed" if case.referral_missed else "approaching"
        self._note(f"referral target {said}: refer by {due:%Y-%m-%d %H:%M:%S} UTC")

    def _alarm_times(self) -> list[datetime]:
        """The committee's alarms and appeal window, and the referral target's alarms."""
        levelled = self._levelled
        moments = [escalation.next_moment(self._case, warn=levelled)]
        if levelled:
            moments.append(next_referral_alarm(self._case))
        return [moment for moment in moments if moment is not None]
