"""How a case records what happens to it: timeline, search attributes, case card, events."""

from __future__ import annotations

from temporalio import workflow
from temporalio.exceptions import ApplicationError

with workflow.unsafe.imports_passed_through():
    from schemas.cases import CaseStatus, DecisionOutcome
    from schemas.topics import CASES, CONSULTATION_REQUESTS, REVIEW_ACTIONS
    from workflows import events
    from workflows import search_attributes as sa
    from workflows.case_card import case_card
    from workflows.consultation import cancellation, share_approval, share_denial
    from workflows.deadlines import next_deadline
    from workflows.model import CaseState, DecisionRecorded, TimelineEntry
    from workflows.outbox import CaseOutbox
    from workflows.tasks import ActionRecorded, ReviewerTasks
    from workflows.versions import (
        CONSULTATION_CANCELLED_AT_END,
        ESCALATION_LEVELS,
        PARTNERS_INFORMED_OF_APPROVAL,
        REVIEW_TIMER,
        REVIEWER_ACTIONS_PUBLISHED,
        retired,
    )


class CaseRecord:
    """The case's state and what records it: shared by every part of the LicenseCase workflow."""

    def __init__(self, case: CaseState) -> None:
        self.case = case
        self.outbox = CaseOutbox()
        self._shown: dict[str, object] = {}
        self.to_show = False

    def close(
        self, outcome: DecisionOutcome, by: str, rationale: str, countersigned_by: str | None = None
    ) -> None:
        """Record the decision and tell the agency (and partner states, where it concerns them)."""
        case = self.case
        self.end_hold()
        case.decided = DecisionRecorded(
            case_id=case.case_id,
            control_number=case.control_number,
            outcome=outcome,
            decided_at=workflow.now(),
            decided_by=by,
            countersigned_by=countersigned_by,
            rationale=rationale,
        )
        self.outbox.add(case, CASES, events.case_decided(case))
        self.cancel_open_consultation(f"the case ended: {outcome.value}")
        notice = share_denial(case)
        if notice is not None:
            self.outbox.add(case, CONSULTATION_REQUESTS, notice)
        self.enter(CaseStatus.DECIDED, f"{outcome.value} by {by}")
        self._inform_partners_of_approval()

    def _inform_partners_of_approval(self) -> None:
        """An approval that went against a partner state's denial is told to partner states
        with the officer's rationale; the consultation service shares it."""
        case = self.case
        shared = share_approval(case)
        if shared is None:
            return
        retired(PARTNERS_INFORMED_OF_APPROVAL)
        assert case.decided is not None
        case.decided.partners_informed = shared.overridden
        self.outbox.add(case, CONSULTATION_REQUESTS, shared)
        denials = ", ".join(f"{d.state} ({d.notice_id})" for d in shared.overridden)
        self.note(f"partner states informed: approved despite the denial of {denials}")

    def cancel_open_consultation(self, reason: str) -> None:
        """A consultation left open (the case ended, or is referred anew) is cancelled at the
        consultation service, which closes its open referrals; stakeholders are told `reason`
        and nothing more."""
        case = self.case
        cancelled = cancellation(case, reason)
        if cancelled is None:
            return
        retired(CONSULTATION_CANCELLED_AT_END)
        assert case.consultation is not None
        case.consultation.cancelled_at = workflow.now()
        self.outbox.add(case, CONSULTATION_REQUESTS, cancelled)
        self.note(f"consultation {case.consultation.request_id} cancelled: {reason}")

    def end_hold(self) -> bool:
        """End a hold, adding its time to the time off the clock; False if none was on."""
        case = self.case
        if case.hold is None:
            return False
        case.held += workflow.now() - case.hold.since
        case.hold = None
        return True

    def enter(self, status: CaseStatus, note: str) -> None:
        """Move to `status`: timeline, search attributes, case card, and the agency's event."""
        self.case.status = status
        self.note(note)
        self.outbox.add(self.case, CASES, events.status_changed(self.case, workflow.now()))

    def note(self, note: str) -> None:
        """Add to the timeline; the case is shown anew before the next publishing or wait."""
        case = self.case
        case.timeline.append(TimelineEntry(at=workflow.now(), status=case.status, note=note))
        self.to_show = True
        retired(REVIEW_TIMER)

    async def flush(self) -> None:
        """Show the case as it stands, then publish every queued event."""
        self.show()
        await self.outbox.flush()

    def show(self) -> None:
        """Push changed search attributes (one upsert for all the steps of a workflow task) and
        the case card to the Temporal UI."""
        if not self.to_show:
            return
        self.to_show = False
        retired(ESCALATION_LEVELS)
        case = self.case
        what, at, overdue = next_deadline(case)
        wanted = sa.of_case(case.status, case.screening, case.claimant, at, overdue, what)
        changed = [update for name, value, update in wanted if self._shown.get(name) != value]
        if changed:
            workflow.upsert_search_attributes(changed)
            self._shown.update({name: value for name, value, _ in wanted})
        workflow.set_current_details(case_card(case, workflow.now()))

    async def recorded(self, task: ReviewerTasks, note: str = "") -> ActionRecorded:
        """Note a reviewer task, publish it (the audit trail) with what it caused, and answer
        where the case stands."""
        case = self.case
        if note:
            self.note(note)
        retired(REVIEWER_ACTIONS_PUBLISHED)
        action = workflow.current_update_info()
        name = action.name if action else "task"
        self.outbox.add(
            case, REVIEW_ACTIONS, events.reviewer_acted(case, name, task, workflow.now())
        )
        await self.flush()
        return ActionRecorded(
            case_id=case.case_id,
            control_number=case.control_number,
            status=case.status,
            note=case.timeline[-1].note,
            outcome=case.decided.outcome if case.decided else None,
        )


def refuse_if(problems: list[str]) -> None:
    """Refuse a reviewer task with every reason it cannot be accepted now."""
    if problems:
        raise ApplicationError("; ".join(problems), type="ActionRefused", non_retryable=True)
