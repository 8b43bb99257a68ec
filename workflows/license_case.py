"""The LicenseCase workflow: one per case, from registration to decision."""

from __future__ import annotations

import asyncio
from datetime import datetime

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from schemas.cases import CaseAmended, CaseStatus, CaseWithdrawn, DecisionOutcome
    from schemas.screening import ScreeningCompleted
    from workflows import actors, review
    from workflows.case_card import case_view
    from workflows.case_record import REVIEW_TIMER, REVIEWER_ACTIONS_PUBLISHED
    from workflows.escalation_tasks import EscalationTasks
    from workflows.model import CaseState, CaseView, DecisionRecorded, Hold, LicenseCaseInput
    from workflows.outbox import CaseOutbox
    from workflows.tasks import (
        ActionRecorded,
        Countersignature,
        InformationRequest,
        ReviewDecision,
        ReviewerTask,
        ViewRequest,
    )


PARTNER_CONSULTED_BEFORE_APPROVAL = "partner-consulted-before-approval"
# Patch: every decision records a complete human-rights assessment (workflows/assessment.py).
HUMAN_RIGHTS_ASSESSED = "human-rights-assessed"


@workflow.defn
class LicenseCase(EscalationTasks):
    """Screening, review (consultation, escalation and four eyes where needed), decision."""

    @workflow.init
    def __init__(self, start: LicenseCaseInput) -> None:
        # Set before any handler runs: a signal may come in the same task as the start.
        self._case = start.state or CaseState(
            received=start.received,
            correlation_id=start.correlation_id,
            policy=start.policy,
            application=start.received.application,
        )
        self._outbox = CaseOutbox()
        self._shown: dict[str, object] = {}
        self._to_show = False
        self._timer: asyncio.Task[None] | None = None
        self._timer_at: datetime | None = None

    @workflow.run
    async def run(self, start: LicenseCaseInput) -> DecisionRecorded:
        """The case as a story: registered, screened, reviewed, decided — on time or raised."""
        if workflow.patched(REVIEW_TIMER):
            # Marked in the run's first task, so that no reviewer action pays for a patch
            # marker and the search attribute that lists patches.
            workflow.patched(REVIEWER_ACTIONS_PUBLISHED)
            workflow.patched(PARTNER_CONSULTED_BEFORE_APPROVAL)
            workflow.patched(HUMAN_RIGHTS_ASSESSED)
        if self._case.status is CaseStatus.RECEIVED:
            self._enter(CaseStatus.REGISTERED, f"registered as {self._case.control_number}")
        while self._case.decided is None:
            self._request_screening_if_wanted()
            self._resend_screening_if_unanswered()
            self._resend_consultation_request_if_unopened()
            self._review_once_screened()
            self._raise_deadline_if_due()
            self._remind_stakeholders_if_due()
            self._tell_consultation_its_deadline_passed()
            self._raise_escalation_alarms_if_due()
            self._make_unappealed_decision_final()
            self._raise_referral_target_if_due()
            await self._flush()
            await self._continue_as_new_if_history_is_long()
            await self._wait_for_something_to_do()
        await workflow.wait_condition(workflow.all_handlers_finished)
        await self._flush()
        return self._case.decided

    # Reviewer tasks: each validated before it enters the history, with every reason.

    @workflow.update
    async def claim(self, task: ReviewerTask) -> ActionRecorded:
        """A reviewer takes the case; only the claimant acts on it from now on."""
        task = actors.acting(task)
        self._refuse_if(review.claim_problems(self._case, task))
        self._case.claimant = task.reviewer
        return await self._recorded(task, f"claimed by {task.reviewer.id}")

    @claim.validator
    def _validate_claim(self, task: ReviewerTask) -> None:
        task = actors.verified(task, actors.OFFICERS, "claim")
        self._refuse_if(review.claim_problems(self._case, task))

    @workflow.update
    async def release(self, task: ReviewerTask) -> ActionRecorded:
        """The claimant hands the case back to the queue."""
        task = actors.acting(task)
        self._refuse_if(review.release_problems(self._case, task))
        self._case.claimant = None
        return await self._recorded(task, f"released by {task.reviewer.id}")

    @release.validator
    def _validate_release(self, task: ReviewerTask) -> None:
        task = actors.verified(task, actors.OFFICERS, "release")
        self._refuse_if(review.release_problems(self._case, task))

    @workflow.update
    async def decide(self, decision: ReviewDecision) -> ActionRecorded:
        """The claimant decides; a denial or a risky approval first awaits a countersignature."""
        decision = actors.acting(decision)
        # Checked again here, as two updates of one task are validated before either runs; a
        # rule added later is behind a patch, so decisions accepted before it replay as they ran.
        partner_rule = workflow.patched(PARTNER_CONSULTED_BEFORE_APPROVAL)
        assessment_rule = workflow.patched(HUMAN_RIGHTS_ASSESSED)
        self._refuse_if(
            review.decision_problems(self._case, decision, partner_rule, assessment_rule)
        )
        self._case.sign_off = decision
        if review.needs_countersignature(self._case, decision):
            self._enter(
                CaseStatus.SIGNED_OFF,
                f"{decision.outcome.value} signed off by {decision.reviewer.id}; "
                "awaits a senior officer's countersignature",
            )
        else:
            self._close(decision.outcome, decision.reviewer.id, decision.rationale)
        return await self._recorded(decision)

    @decide.validator
    def _validate_decide(self, decision: ReviewDecision) -> None:
        decision = actors.verified(decision, actors.OFFICERS, "decide")
        self._refuse_if(review.decision_problems(self._case, decision))

    @workflow.update
    async def countersign(self, signature: Countersignature) -> ActionRecorded:
        """A second, senior officer countersigns the sign-off (or sends it back to review)."""
        signature = actors.acting(signature)
        self._refuse_if(review.countersign_problems(self._case, signature))
        signed = self._case.sign_off
        assert signed is not None
        senior = signature.reviewer.id
        if signature.agree:
            self._enter(CaseStatus.COUNTERSIGNED, f"countersigned by {senior}")
            self._close(signed.outcome, signed.reviewer.id, signed.rationale, senior)
        else:
            self._case.sign_off = None
            self._enter(CaseStatus.UNDER_REVIEW, f"sent back by {senior}: {signature.note}")
        return await self._recorded(signature)

    @countersign.validator
    def _validate_countersign(self, signature: Countersignature) -> None:
        signature = actors.verified(signature, actors.SENIOR, "countersign")
        self._refuse_if(review.countersign_problems(self._case, signature))

    @workflow.update
    async def request_information(self, request: InformationRequest) -> ActionRecorded:
        """The claimant asks the agency for information; the decision clock stops."""
        request = actors.acting(request)
        self._refuse_if(review.hold_problems(self._case, request))
        questions = [question for question in request.questions if question.strip()]
        self._case.hold = Hold(
            since=workflow.now(), requested_by=request.reviewer.id, questions=questions
        )
        self._enter(
            CaseStatus.ON_HOLD,
            f"information requested by {request.reviewer.id}: " + "; ".join(questions),
        )
        return await self._recorded(request)

    @request_information.validator
    def _validate_request_information(self, request: InformationRequest) -> None:
        request = actors.verified(request, actors.OFFICERS, "ask the agency for information")
        self._refuse_if(review.hold_problems(self._case, request))

    @workflow.query
    def view(self, viewer: ViewRequest) -> CaseView:
        """The case as a reviewer sees it, with the actions open to the viewer's role."""
        return case_view(self._case, viewer)

    # What the agency and screening tell the case, signalled in by the bridge.

    @workflow.signal
    def screening_completed(self, result: ScreeningCompleted) -> None:
        """A screening result: the one awaited, or a re-screening after a list update."""
        case = self._case
        if case.decided is not None:
            workflow.logger.info("screening result after decision ignored: %s", result.request_id)
        elif case.awaiting_screening and result.request_id == self._screening_request_id:
            case.screening, case.awaiting_screening = result, False
        elif (
            result.reason.startswith("list_update")
            and result.request_id == f"{case.case_id}/rescreen/{result.list_version}"
            and result.list_version not in case.list_versions
        ):
            self._take_in_list_update(result)

    @workflow.signal
    def case_amended(self, amended: CaseAmended) -> None:
        """The agency amended the case: screen it again; an amendment ends a hold."""
        case = self._case
        if case.decided is not None or amended.amended_at in case.amendments:
            workflow.logger.info("amendment ignored (decided or seen): %s", case.case_id)
            return
        case.amendments.append(amended.amended_at)
        case.application, case.changes = amended.application, amended.changes
        case.screening_wanted = True
        resumed = self._end_hold()
        if case.status is CaseStatus.SIGNED_OFF:
            case.sign_off = None  # signed off on what the agency has since changed
        self._note(
            f"amended ({len(amended.changes)} change(s)): {amended.reason}"
            + ("; the clock resumes" if resumed else "")
        )

    @workflow.signal
    def case_withdrawn(self, withdrawn: CaseWithdrawn) -> None:
        """The agency withdrew the case: it ends as withdrawn."""
        if self._case.decided is not None:
            workflow.logger.info("withdrawal after decision ignored: %s", self._case.case_id)
            return
        agency = self._case.application.submitting_agency
        self._close(DecisionOutcome.WITHDRAWN, agency, withdrawn.reason)
