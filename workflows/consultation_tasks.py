"""Consultation on a case: refer, hear the stakeholders, escalate a dissent."""

from __future__ import annotations

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from schemas.cases import CaseStatus
    from schemas.consultation import ConsultationConcluded, ConsultationOpened, ReferralExtended
    from schemas.topics import CONSULTATION_REQUESTS
    from workflows import actors, review
    from workflows.case_steps import CaseSteps
    from workflows.consultation import consultation_requested, opening
    from workflows.model import Consultation, Escalation, PartnerWaiver
    from workflows.tasks import ActionRecorded, ConsultationReferral, PartnerWaiverRequest


ESCALATION_DEADLINE = "escalation-deadline"
# Patches: rounds referred before reminders existed get none; their opening was noted only when
# the service moved the due time.
CONSULTATION_REMINDERS = "consultation-reminders"
CONSULTATION_OPENING_NOTED = "consultation-opening-noted"


class ConsultationTasks(CaseSteps):
    """The consultation's updates and signals; its deadline is a step of the main loop."""

    @workflow.update
    async def refer_for_consultation(self, referral: ConsultationReferral) -> ActionRecorded:
        """The claimant refers the case; stakeholders answer within the policy's time."""
        referral = actors.acting(referral)
        self._refuse_if(review.referral_problems(self._case, referral))
        case, now = self._case, workflow.now()
        self._cancel_open_consultation("superseded by a new consultation round")
        case.consultation_round += 1
        case.consultation = Consultation(
            request_id=f"{case.case_id}/consultation/{case.consultation_round}",
            referred_by=referral.reviewer.id,
            requested_at=now,
            due_at=now + case.policy.consultation_time,
            stakeholders=referral.stakeholders,
            request_sent_at=now,
            reminders=workflow.patched(CONSULTATION_REMINDERS),
        )
        request = consultation_requested(case, referral.stakeholders)
        self._outbox.add(case, CONSULTATION_REQUESTS, request)
        proposed = ", ".join(referral.stakeholders) or "as the routing policy proposes"
        self._enter(
            CaseStatus.REFERRED,
            f"referred for consultation by {referral.reviewer.id} ({proposed}); "
            f"answers due {case.consultation.due_at:%Y-%m-%d %H:%M:%S} UTC",
        )
        return await self._recorded(referral)

    @refer_for_consultation.validator
    def _validate_refer_for_consultation(self, referral: ConsultationReferral) -> None:
        referral = actors.verified(referral, actors.OFFICERS, "refer a case for consultation")
        self._refuse_if(review.referral_problems(self._case, referral))

    @workflow.update
    async def record_partner_waiver(self, waiver: PartnerWaiverRequest) -> ActionRecorded:
        """A senior officer records why partner states that denied an essentially identical
        transaction cannot be consulted; approval no longer waits for them."""
        waiver = actors.acting(waiver)
        self._refuse_if(review.waiver_problems(self._case, waiver))
        now, by = workflow.now(), waiver.reviewer.id
        self._case.partner_waivers += [
            PartnerWaiver(state=state, reason=waiver.reason, by=by, at=now)
            for state in waiver.states
        ]
        states = ", ".join(waiver.states)
        note = f"{states} not consulted, recorded by {by}: {waiver.reason}"
        return await self._recorded(waiver, note)

    @record_partner_waiver.validator
    def _validate_record_partner_waiver(self, waiver: PartnerWaiverRequest) -> None:
        waiver = actors.verified(
            waiver, actors.SENIOR, "record why a partner state is not consulted"
        )
        self._refuse_if(review.waiver_problems(self._case, waiver))

    @workflow.signal
    def consultation_concluded(self, concluded: ConsultationConcluded) -> None:
        """Every stakeholder answered or stayed silent: back to review, or escalate on dissent."""
        case, consultation = self._case, self._case.consultation
        if (
            case.decided is not None
            or consultation is None
            or consultation.request_id != concluded.request_id
            or consultation.concluded is not None
        ):
            workflow.logger.info("consultation outcome ignored: %s", concluded.request_id)
            return
        consultation.concluded = concluded
        summary = (
            f"consultation concluded: {len(concluded.positions)} position(s), "
            f"{len(concluded.deemed_no_objection)} silent (no objection)"
        )
        if case.status is not CaseStatus.REFERRED:
            self._note(summary)
        elif concluded.dissent:
            now = workflow.now()
            # Escalations opened before the deadline existed have none: no timer to replay.
            timed = workflow.patched(ESCALATION_DEADLINE)
            case.escalation = Escalation(
                since=now,
                dissent=concluded.dissent_summary,
                due_at=now + case.policy.escalation_levels[0].decision_time if timed else None,
            )
            self._enter(CaseStatus.ESCALATED, f"{summary}; dissent: {concluded.dissent_summary}")
        else:
            self._enter(CaseStatus.UNDER_REVIEW, summary)

    @workflow.signal
    def consultation_opened(self, opened: ConsultationOpened) -> None:
        """The consultation service referred the stakeholders: its due time is the deadline."""
        consultation = self._case.consultation
        if consultation is None or consultation.request_id != opened.request_id:
            return
        first, consultation.opened = consultation.opened is None, opened
        moved = consultation.due_at != opened.due_at
        if consultation.concluded is None and (
            moved or (first and workflow.patched(CONSULTATION_OPENING_NOTED))
        ):
            consultation.due_at, consultation.deadline_sent_at = opened.due_at, None
            self._note(opening(opened))

    @workflow.signal
    def referral_extended(self, extended: ReferralExtended) -> None:
        """A referral got its one extension: the consultation's deadline moves with it."""
        consultation = self._case.consultation
        if consultation is None or consultation.request_id != extended.request_id:
            return
        if consultation.concluded is None and extended.due_at > consultation.due_at:
            consultation.due_at, consultation.deadline_sent_at = extended.due_at, None
            self._note(
                f"referral to {extended.stakeholder_id} extended to "
                f"{extended.due_at:%Y-%m-%d %H:%M:%S} UTC"
            )
