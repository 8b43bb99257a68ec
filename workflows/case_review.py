"""Review of a case: the reviewer's tasks (claim, decide, countersign, hold) and the deadlines
it runs against (the decision, and the referral target of a case that needs consultation)."""

from __future__ import annotations

from datetime import datetime

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from schemas.cases import CaseStatus
    from schemas.topics import CASES
    from workflows import events, review
    from workflows.case_record import CaseRecord
    from workflows.clock import Alarm, deadline, due_alarm, next_alarm
    from workflows.deadlines import next_referral_alarm, referral_alarm, referral_due
    from workflows.model import Hold
    from workflows.tasks import Countersignature, InformationRequest, ReviewDecision


class CaseReview:
    """What reviewers do to the case, and the alarms of its decision and referral deadlines."""

    def __init__(self, record: CaseRecord) -> None:
        self._record = record

    def decide(self, decision: ReviewDecision) -> None:
        """Sign off the decision; a denial or a risky approval first awaits a countersignature."""
        record = self._record
        record.case.sign_off = decision
        if review.needs_countersignature(record.case, decision):
            record.enter(
                CaseStatus.SIGNED_OFF,
                f"{decision.outcome.value} signed off by {decision.reviewer.id}; "
                "awaits a senior officer's countersignature",
            )
        else:
            record.close(decision.outcome, decision.reviewer.id, decision.rationale)

    def countersign(self, signature: Countersignature) -> None:
        """A senior officer's countersignature closes the case; sent back, it is reviewed again."""
        record = self._record
        signed = record.case.sign_off
        assert signed is not None
        senior = signature.reviewer.id
        if signature.agree:
            record.enter(CaseStatus.COUNTERSIGNED, f"countersigned by {senior}")
            record.close(signed.outcome, signed.reviewer.id, signed.rationale, senior)
        else:
            record.case.sign_off = None
            record.enter(CaseStatus.UNDER_REVIEW, f"sent back by {senior}: {signature.note}")

    def hold(self, request: InformationRequest) -> None:
        """Ask the agency for information: the case goes on hold and the decision clock stops."""
        questions = [question for question in request.questions if question.strip()]
        self._record.case.hold = Hold(
            since=workflow.now(), requested_by=request.reviewer.id, questions=questions
        )
        self._record.enter(
            CaseStatus.ON_HOLD,
            f"information requested by {request.reviewer.id}: " + "; ".join(questions),
        )

    def deadline_alarm_due(self) -> datetime | None:
        """When the decision deadline is next raised: approaching, then breached (hold time
        excluded)."""
        return next_alarm(self._record.case)

    def raise_deadline(self) -> None:
        """Raise the approaching or breached decision deadline, once each."""
        case, now = self._record.case, workflow.now()
        alarm = due_alarm(case, now)
        assert alarm is not None
        case.warned = True
        case.breached = alarm is Alarm.BREACHED
        self._record.outbox.add(case, CASES, events.deadline_raised(case, alarm, now))
        self._record.note(f"deadline {alarm.value}: due {deadline(case):%Y-%m-%d %H:%M:%S} UTC")

    def referral_alarm_due(self) -> datetime | None:
        """When a case that needs consultation is next raised for its referral target."""
        return next_referral_alarm(self._record.case)

    def raise_referral_target(self) -> None:
        """Raise that the case nears, then missed, its referral target, once each."""
        case, now = self._record.case, workflow.now()
        alarm, due = referral_alarm(case, now), referral_due(case)
        assert alarm is not None
        assert due is not None
        case.referral_warned = True
        case.referral_missed = alarm is Alarm.BREACHED
        self._record.outbox.add(case, CASES, events.referral_target_raised(case, alarm, now))
        said = "missed" if case.referral_missed else "approaching"
        self._record.note(f"referral target {said}: refer by {due:%Y-%m-%d %H:%M:%S} UTC")
