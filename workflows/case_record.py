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
    from workflows.clock import deadline
    from workflows.consultation import cancellation, share_approval, share_denial
    from workflows.deadlines import next_deadline
    from workflows.model import CaseState, DecisionRecorded, TimelineEntry
    from workflows.outbox import CaseOutbox
    from workflows.tasks import ActionRecorded, ReviewerTasks

# Since this patch every accepted reviewer task is published for the audit trail.
REVIEWER_ACTIONS_PUBLISHED = "reviewer-actions-published"

# Patch: escalation levels with appeals, the referral target, and the next deadline shown.
ESCALATION_LEVELS = "escalation-levels"


# Patch: a consultation left open when the case ends (or is referred anew) is cancelled; cases
# that did so before replay as they ran.
CONSULTATION_CANCELLED_AT_END = "consultation-cancelled-at-end"

# Patch: an approval despite a partner's denial is told to partner states (EU 2021/821 Art. 16).
PARTNERS_INFORMED_OF_APPROVAL = "partners-informed-of-approval"

# Patch: a reviewer action costs Temporal fewer history events. The case is shown (search
# attributes, case card) once per workflow task, before its events are published, rather
# than at each step of the timeline; and the wake-up timer runs on while its moment stays the
# same rather than being cancelled and started again (workflows/case_steps.py).
REVIEW_TIMER = "review-timer"


class CaseRecord:
    """The LicenseCase workflow's record keeping, shared by its steps and handlers."""

    _case: CaseState
    _outbox: CaseOutbox
    _shown: dict[str, object]
    _to_show: bool

    def _close(
        self, outcome: DecisionOutcome, by: str, rationale: str, countersigned_by: str | None = None
    ) -> None:
        """Record the decision and tell the agency."""
        case = self._case
        self._end_hold()
        case.decided = DecisionRecorded(
            case_id=case.case_id,
            control_number=case.control_number,
            outcome=outcome,
            decided_at=workflow.now(),
            decided_by=by,
            countersigned_by=countersigned_by,
            rationale=rationale,
        )
        self._outbox.add(case, CASES, events.case_decided(case))
        self._cancel_open_consultation(f"the case ended: {outcome.value}")
        notice = share_denial(case)
        if notice is not None:
            self._outbox.add(case, CONSULTATION_REQUESTS, notice)
        self._enter(CaseStatus.DECIDED, f"{outcome.value} by {by}")
        self._inform_partners_of_approval()

    def _inform_partners_of_approval(self) -> None:
        """An approval that went against a partner state's denial is told to partner states
        with the officer's rationale; the consultation service shares it."""
        case = self._case
        shared = share_approval(case)
        if shared is None or not workflow.patched(PARTNERS_INFORMED_OF_APPROVAL):
            return
        assert case.decided is not None
        case.decided.partners_informed = shared.overridden
        self._outbox.add(case, CONSULTATION_REQUESTS, shared)
        denials = ", ".join(f"{d.state} ({d.notice_id})" for d in shared.overridden)
        self._note(f"partner states informed: approved despite the denial of {denials}")

    def _cancel_open_consultation(self, reason: str) -> None:
        """A consultation left open (the case ended, or is referred anew) is cancelled at the
        consultation service, which closes its open referrals; stakeholders are told `reason`
        and nothing more."""
        case = self._case
        cancelled = cancellation(case, reason)
        if cancelled is None or not workflow.patched(CONSULTATION_CANCELLED_AT_END):
            return
        assert case.consultation is not None
        case.consultation.cancelled_at = workflow.now()
        self._outbox.add(case, CONSULTATION_REQUESTS, cancelled)
        self._note(f"consultation {case.consultation.request_id} cancelled: {reason}")

    def _end_hold(self) -> bool:
        """End a hold, adding its time to the time off the clock; False if none was on."""
        case = self._case
        if case.hold is None:
            return False
        case.held += workflow.now() - case.hold.since
        case.hold = None
        return True

    def _enter(self, status: CaseStatus, note: str) -> None:
        """Move to `status`: timeline, search attributes, case card, and the agency's event."""
        self._case.status = status
        self._note(note)
        self._outbox.add(self._case, CASES, events.status_changed(self._case, workflow.now()))

    def _note(self, note: str) -> None:
        """Add to the timeline and show the case anew."""
        case = self._case
        case.timeline.append(TimelineEntry(at=workflow.now(), status=case.status, note=note))
        self._show()

    def _show(self) -> None:
        """Show the case anew: at once for cases begun before `review-timer`, else before the
        next publishing or wait (one search-attribute upsert for all the steps of a task)."""
        self._to_show = True
        if not workflow.patched(REVIEW_TIMER):
            self._push_shown()

    async def _flush(self) -> None:
        """Show the case as it stands, then publish every queued event."""
        self._push_shown()
        await self._outbox.flush()

    def _push_shown(self) -> None:
        """Push changed search attributes and the case card to the Temporal UI."""
        if not self._to_show:
            return
        self._to_show = False
        case = self._case
        if self._levelled:
            what, at, overdue = next_deadline(case)
            wanted = sa.of_case(case.status, case.screening, case.claimant, at, overdue, what)
        else:
            wanted = sa.of_case(
                case.status, case.screening, case.claimant, deadline(case), case.breached
            )
        changed = [update for name, value, update in wanted if self._shown.get(name) != value]
        if changed:
            workflow.upsert_search_attributes(changed)
            self._shown.update({name: value for name, value, _ in wanted})
        workflow.set_current_details(case_card(case, workflow.now()))

    async def _recorded(self, task: ReviewerTasks, note: str = "") -> ActionRecorded:
        """Note a reviewer task, publish what it caused and answer where the case stands."""
        case = self._case
        if note:
            self._note(note)
        if workflow.patched(REVIEWER_ACTIONS_PUBLISHED):
            action = workflow.current_update_info()
            name = action.name if action else "task"
            self._outbox.add(
                case, REVIEW_ACTIONS, events.reviewer_acted(case, name, task, workflow.now())
            )
        await self._flush()
        return ActionRecorded(
            case_id=case.case_id,
            control_number=case.control_number,
            status=case.status,
            note=case.timeline[-1].note,
            outcome=case.decided.outcome if case.decided else None,
        )

    @property
    def _levelled(self) -> bool:
        """Whether the case runs with escalation levels and the referral target (cases begun
        before them replay without)."""
        return workflow.patched(ESCALATION_LEVELS)

    @staticmethod
    def _refuse_if(problems: list[str]) -> None:
        if problems:
            raise ApplicationError("; ".join(problems), type="ActionRefused", non_retryable=True)
