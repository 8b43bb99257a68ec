"""The LicenseCase workflow: one per case, from registration to decision.

Each human task is a wait for a named message (an Update from a reviewer, a signal from the
agency, screening or the consultation service) or a named deadline in the case's one list of due
steps, whichever comes first; a deadline that passes raises an alarm or takes the safe default
(silence is no objection, an unappealed committee decision is final).
"""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from schemas.cases import CaseAmended, CaseStatus, CaseWithdrawn, DecisionOutcome
    from schemas.consultation import ConsultationConcluded, ConsultationOpened, ReferralExtended
    from schemas.screening import ScreeningCompleted
    from workflows import actors, review, versions
    from workflows.case_card import case_view
    from workflows.case_consultation import CaseConsultation
    from workflows.case_escalation import CaseEscalation
    from workflows.case_record import CaseRecord, refuse_if
    from workflows.case_review import CaseReview
    from workflows.case_screening import CaseScreening
    from workflows.clock import SHORTEST_WAIT
    from workflows.due_steps import DueStep, act_on_due, set_off, time_to_next
    from workflows.model import CaseState, CaseView, DecisionRecorded, LicenseCaseInput
    from workflows.tasks import (
        ActionRecorded,
        ConsultationReferral,
        Countersignature,
        EscalationAppeal,
        EscalationResolution,
        InformationRequest,
        PartnerWaiverRequest,
        ReviewDecision,
        ReviewerTask,
        ViewRequest,
    )


@workflow.defn
class LicenseCase:
    """Screening, review (consultation, escalation and four eyes where needed), decision."""

    @workflow.init
    def __init__(self, start: LicenseCaseInput) -> None:
        # Set before any handler runs: a signal may come in the same task as the start.
        record = self._record = CaseRecord(
            start.state
            or CaseState(
                received=start.received,
                correlation_id=start.correlation_id,
                policy=start.policy,
                application=start.received.application,
            )
        )
        screening = self._screening = CaseScreening(record)
        consultation = self._consultation = CaseConsultation(record)
        escalation = self._escalation = CaseEscalation(record)
        case_review = self._review = CaseReview(record)
        # The case's one list of due steps, in the order they act: each deadline is declared
        # here once, and both wakes the case and is acted on. (Untimed steps are set off by a
        # message and act at once.)
        self._due = [
            DueStep("screening wanted", screening.wanted, screening.request, timed=False),
            DueStep("screening unanswered", screening.resend_due, screening.resend),
            DueStep("consultation request unopened", consultation.resend_due, consultation.resend),
            DueStep("screened", screening.screened, screening.to_review, timed=False),
            DueStep(
                "decision deadline", case_review.deadline_alarm_due, case_review.raise_deadline
            ),
            DueStep("stakeholders to remind", consultation.reminder_due, consultation.remind),
            DueStep(
                "consultation deadline",
                consultation.deadline_due,
                consultation.tell_deadline_passed,
            ),
            DueStep("committee deadline", escalation.alarm_due, escalation.raise_alarm),
            DueStep("appeal window", escalation.appeal_window_closes, escalation.make_final),
            DueStep(
                "referral target",
                case_review.referral_alarm_due,
                case_review.raise_referral_target,
            ),
        ]
        self._timer: asyncio.Task[None] | None = None
        self._timer_at: datetime | None = None

    @workflow.run
    async def run(self, start: LicenseCaseInput) -> DecisionRecorded:
        """The case as a story: registered, screened, reviewed, decided — on time or raised."""
        self._mark_retired_patches()
        self._register()
        while self._case.decided is None:
            self._do_what_is_due()
            await self._record.flush()
            await self._continue_as_new_if_history_is_long()
            await self._wait_for_a_message_or_the_next_deadline()
        return await self._finish()

    @property
    def _case(self) -> CaseState:
        return self._record.case

    def _mark_retired_patches(self) -> None:
        """Stand where the retired patches were first asked, so supported histories replay."""
        for patch_id in versions.RUN_START:
            versions.retired(patch_id)

    def _register(self) -> None:
        """A new case is registered under its control number (a continued run already is)."""
        if self._case.status is CaseStatus.RECEIVED:
            self._record.enter(CaseStatus.REGISTERED, f"registered as {self._case.control_number}")

    def _do_what_is_due(self) -> None:
        """Act, in the list's order, on every step due now."""
        done = act_on_due(self._due, workflow.now())
        if done:
            workflow.logger.debug("case %s: %s", self._case.case_id, ", ".join(done))

    async def _continue_as_new_if_history_is_long(self) -> None:
        """Carry the state into a fresh run before the history grows large."""
        info = workflow.info()
        limit = self._case.policy.history_events_before_continue
        if info.get_current_history_length() < limit and not info.is_continue_as_new_suggested():
            return
        await workflow.wait_condition(workflow.all_handlers_finished)
        await self._record.flush()
        case = self._case
        workflow.continue_as_new(
            LicenseCaseInput(
                received=case.received,
                correlation_id=case.correlation_id,
                policy=case.policy,
                state=case,
            )
        )

    async def _wait_for_a_message_or_the_next_deadline(self) -> None:
        """Sleep until a message changed the case or the list's next deadline falls due."""
        record, case = self._record, self._case
        timeout = time_to_next(self._due, workflow.now())
        steps = len(case.timeline)  # any new step may bring the history over its limit
        record.show()
        timer = self._wake_up_timer(timeout)
        await workflow.wait_condition(
            lambda: (
                case.decided is not None
                or set_off(self._due)
                or record.outbox.pending
                or record.to_show
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

    async def _finish(self) -> DecisionRecorded:
        """Let running handlers answer, publish the last events, and return the decision."""
        await workflow.wait_condition(workflow.all_handlers_finished)
        await self._record.flush()
        assert self._case.decided is not None
        return self._case.decided

    # Reviewer tasks: each validated before it enters the history, with every reason, and
    # checked again when it runs (two updates of one task are validated before either runs).

    @workflow.update
    async def claim(self, task: ReviewerTask) -> ActionRecorded:
        """A reviewer takes the case; only the claimant acts on it from now on."""
        task = actors.acting(task)
        refuse_if(review.claim_problems(self._case, task))
        self._case.claimant = task.reviewer
        return await self._record.recorded(task, f"claimed by {task.reviewer.id}")

    @claim.validator
    def _validate_claim(self, task: ReviewerTask) -> None:
        task = actors.verified(task, actors.OFFICERS, "claim")
        refuse_if(review.claim_problems(self._case, task))

    @workflow.update
    async def release(self, task: ReviewerTask) -> ActionRecorded:
        """The claimant hands the case back to the queue."""
        task = actors.acting(task)
        refuse_if(review.release_problems(self._case, task))
        self._case.claimant = None
        return await self._record.recorded(task, f"released by {task.reviewer.id}")

    @release.validator
    def _validate_release(self, task: ReviewerTask) -> None:
        task = actors.verified(task, actors.OFFICERS, "release")
        refuse_if(review.release_problems(self._case, task))

    @workflow.update
    async def decide(self, decision: ReviewDecision) -> ActionRecorded:
        """The claimant decides; a denial or a risky approval first awaits a countersignature."""
        decision = actors.acting(decision)
        versions.retired(versions.PARTNER_CONSULTED_BEFORE_APPROVAL)
        versions.retired(versions.HUMAN_RIGHTS_ASSESSED)
        refuse_if(review.decision_problems(self._case, decision))
        self._review.decide(decision)
        return await self._record.recorded(decision)

    @decide.validator
    def _validate_decide(self, decision: ReviewDecision) -> None:
        decision = actors.verified(decision, actors.OFFICERS, "decide")
        refuse_if(review.decision_problems(self._case, decision))

    @workflow.update
    async def countersign(self, signature: Countersignature) -> ActionRecorded:
        """A second, senior officer countersigns the sign-off (or sends it back to review)."""
        signature = actors.acting(signature)
        refuse_if(review.countersign_problems(self._case, signature))
        self._review.countersign(signature)
        return await self._record.recorded(signature)

    @countersign.validator
    def _validate_countersign(self, signature: Countersignature) -> None:
        signature = actors.verified(signature, actors.SENIOR, "countersign")
        refuse_if(review.countersign_problems(self._case, signature))

    @workflow.update
    async def request_information(self, request: InformationRequest) -> ActionRecorded:
        """The claimant asks the agency for information; the decision clock stops."""
        request = actors.acting(request)
        refuse_if(review.hold_problems(self._case, request))
        self._review.hold(request)
        return await self._record.recorded(request)

    @request_information.validator
    def _validate_request_information(self, request: InformationRequest) -> None:
        request = actors.verified(request, actors.OFFICERS, "ask the agency for information")
        refuse_if(review.hold_problems(self._case, request))

    @workflow.update
    async def refer_for_consultation(self, referral: ConsultationReferral) -> ActionRecorded:
        """The claimant refers the case; stakeholders answer within the policy's time."""
        referral = actors.acting(referral)
        refuse_if(review.referral_problems(self._case, referral))
        self._consultation.refer(referral)
        return await self._record.recorded(referral)

    @refer_for_consultation.validator
    def _validate_refer_for_consultation(self, referral: ConsultationReferral) -> None:
        referral = actors.verified(referral, actors.OFFICERS, "refer a case for consultation")
        refuse_if(review.referral_problems(self._case, referral))

    @workflow.update
    async def record_partner_waiver(self, waiver: PartnerWaiverRequest) -> ActionRecorded:
        """A senior officer records why partner states that denied an essentially identical
        transaction cannot be consulted; approval no longer waits for them."""
        waiver = actors.acting(waiver)
        refuse_if(review.waiver_problems(self._case, waiver))
        return await self._record.recorded(waiver, self._consultation.waive(waiver))

    @record_partner_waiver.validator
    def _validate_record_partner_waiver(self, waiver: PartnerWaiverRequest) -> None:
        waiver = actors.verified(
            waiver, actors.SENIOR, "record why a partner state is not consulted"
        )
        refuse_if(review.waiver_problems(self._case, waiver))

    @workflow.update
    async def resolve_escalation(self, resolution: EscalationResolution) -> ActionRecorded:
        """The committee at the case's level decides; it stands once the appeal window closes."""
        resolution = actors.acting(resolution)
        refuse_if(review.resolution_problems(self._case, resolution))
        self._escalation.resolve(resolution)
        return await self._record.recorded(resolution)

    @resolve_escalation.validator
    def _validate_resolve_escalation(self, resolution: EscalationResolution) -> None:
        resolution = actors.verified(
            resolution, actors.CHAIRS, "record an escalation committee's decision"
        )
        refuse_if(review.resolution_problems(self._case, resolution))

    @workflow.update
    async def appeal_escalation(self, appeal: EscalationAppeal) -> ActionRecorded:
        """A dissenting agency appeals the committee's decision: the next level decides."""
        appeal = actors.acting(appeal)
        refuse_if(review.appeal_problems(self._case, appeal, workflow.now()))
        self._escalation.appeal(appeal)
        return await self._record.recorded(appeal)

    @appeal_escalation.validator
    def _validate_appeal_escalation(self, appeal: EscalationAppeal) -> None:
        appeal = actors.verified(appeal, actors.SENIOR, "record an appeal")
        refuse_if(review.appeal_problems(self._case, appeal, workflow.now()))

    @workflow.query
    def view(self, viewer: ViewRequest) -> CaseView:
        """The case as a reviewer sees it, with the actions open to the viewer's role."""
        return case_view(self._case, viewer)

    # What the agency, screening and the consultation service tell the case (via the bridge).

    @workflow.signal
    def screening_completed(self, result: ScreeningCompleted) -> None:
        """A screening result: the one awaited, or a re-screening after a list update."""
        self._screening.take_in(result)

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
        resumed = self._record.end_hold()
        if case.status is CaseStatus.SIGNED_OFF:
            case.sign_off = None  # signed off on what the agency has since changed
        self._record.note(
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
        self._record.close(DecisionOutcome.WITHDRAWN, agency, withdrawn.reason)

    @workflow.signal
    def consultation_concluded(self, concluded: ConsultationConcluded) -> None:
        """Every stakeholder answered or stayed silent: back to review, or escalate on dissent."""
        self._consultation.conclude(concluded)

    @workflow.signal
    def consultation_opened(self, opened: ConsultationOpened) -> None:
        """The consultation service referred the stakeholders: its due time is the deadline."""
        self._consultation.opened(opened)

    @workflow.signal
    def referral_extended(self, extended: ReferralExtended) -> None:
        """A referral got its one extension: the consultation's deadline moves with it."""
        self._consultation.extended(extended)
