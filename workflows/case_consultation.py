"""Consultation on a case: refer, hear the stakeholders by their deadline (silence counts as no
objection), remind them before it, and escalate a dissent."""

from __future__ import annotations

from datetime import datetime

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from schemas.cases import CaseStatus
    from schemas.consultation import ConsultationConcluded, ConsultationOpened, ReferralExtended
    from schemas.topics import CONSULTATION_REQUESTS
    from workflows.case_record import CaseRecord
    from workflows.consultation import (
        consultation_requested,
        deadline_passed,
        opening,
        reminder_at,
        reminder_due,
    )
    from workflows.model import Consultation, Escalation, PartnerWaiver
    from workflows.tasks import ConsultationReferral, PartnerWaiverRequest
    from workflows.versions import (
        CONSULTATION_OPENING_NOTED,
        CONSULTATION_REMINDERS,
        ESCALATION_DEADLINE,
        RESEND_CONSULTATION_REQUEST,
        retired,
    )


class CaseConsultation:
    """The consultation round: what the claimant and the consultation service tell it, and its
    deadlines."""

    def __init__(self, record: CaseRecord) -> None:
        self._record = record

    def refer(self, referral: ConsultationReferral) -> None:
        """The claimant refers the case; stakeholders answer within the policy's time."""
        record = self._record
        case, now = record.case, workflow.now()
        record.cancel_open_consultation("superseded by a new consultation round")
        case.consultation_round += 1
        case.unconsulted_partners = []  # this round consults every state whose denial matched
        retired(CONSULTATION_REMINDERS)
        case.consultation = Consultation(
            request_id=f"{case.case_id}/consultation/{case.consultation_round}",
            referred_by=referral.reviewer.id,
            requested_at=now,
            due_at=now + case.policy.consultation_time,
            stakeholders=referral.stakeholders,
            request_sent_at=now,
            reminders=True,
        )
        request = consultation_requested(case, referral.stakeholders)
        record.outbox.add(case, CONSULTATION_REQUESTS, request)
        proposed = ", ".join(referral.stakeholders) or "as the routing policy proposes"
        record.enter(
            CaseStatus.REFERRED,
            f"referred for consultation by {referral.reviewer.id} ({proposed}); "
            f"answers due {case.consultation.due_at:%Y-%m-%d %H:%M:%S} UTC",
        )

    def waive(self, waiver: PartnerWaiverRequest) -> str:
        """Record why partner states cannot be consulted; the timeline's note."""
        now, by = workflow.now(), waiver.reviewer.id
        self._record.case.partner_waivers += [
            PartnerWaiver(state=state, reason=waiver.reason, by=by, at=now)
            for state in waiver.states
        ]
        return f"{', '.join(waiver.states)} not consulted, recorded by {by}: {waiver.reason}"

    def conclude(self, concluded: ConsultationConcluded) -> None:
        """Every stakeholder answered or stayed silent: back to review, or escalate on dissent."""
        record = self._record
        case, consultation = record.case, record.case.consultation
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
            record.note(summary)
        elif concluded.dissent:
            now = workflow.now()
            retired(ESCALATION_DEADLINE)
            case.escalation = Escalation(
                since=now,
                dissent=concluded.dissent_summary,
                due_at=now + case.policy.escalation_levels[0].decision_time,
            )
            record.enter(CaseStatus.ESCALATED, f"{summary}; dissent: {concluded.dissent_summary}")
        else:
            record.enter(CaseStatus.UNDER_REVIEW, summary)

    def opened(self, opened: ConsultationOpened) -> None:
        """The consultation service referred the stakeholders: its due time is the deadline."""
        consultation = self._record.case.consultation
        if consultation is None or consultation.request_id != opened.request_id:
            return
        first, consultation.opened = consultation.opened is None, opened
        moved = consultation.due_at != opened.due_at
        if consultation.concluded is not None or not (moved or first):
            return
        if not moved:
            retired(CONSULTATION_OPENING_NOTED)
        consultation.due_at, consultation.deadline_sent_at = opened.due_at, None
        self._record.note(opening(opened))

    def extended(self, extended: ReferralExtended) -> None:
        """A referral got its one extension: the consultation's deadline moves with it."""
        consultation = self._record.case.consultation
        if consultation is None or consultation.request_id != extended.request_id:
            return
        if consultation.concluded is None and extended.due_at > consultation.due_at:
            consultation.due_at, consultation.deadline_sent_at = extended.due_at, None
            self._record.note(
                f"referral to {extended.stakeholder_id} extended to "
                f"{extended.due_at:%Y-%m-%d %H:%M:%S} UTC"
            )

    def resend_due(self) -> datetime | None:
        """When a request the service has not opened goes again."""
        consultation = self._record.case.consultation
        if (
            consultation is None
            or consultation.opened is not None
            or consultation.concluded is not None
            or consultation.cancelled_at is not None
            or consultation.request_sent_at is None
        ):
            return None
        retired(RESEND_CONSULTATION_REQUEST)
        return consultation.request_sent_at + self._record.case.policy.screening_answer_wait

    def resend(self) -> None:
        """Re-send a consultation request the service has not opened in time (a broker that
        lost it, say); the service answers a request it knows with where it stands."""
        case = self._record.case
        consultation = case.consultation
        assert consultation is not None
        consultation.request_sent_at = workflow.now()
        request = consultation_requested(case, consultation.stakeholders)
        self._record.outbox.add(case, CONSULTATION_REQUESTS, request)
        self._record.note(
            "consultation request re-sent: the consultation service has not opened it"
        )

    def reminder_due(self) -> datetime | None:
        """When silent stakeholders are reminded (the policy's lead before the deadline)."""
        case = self._record.case
        if case.consultation is None:
            return None
        lead = case.policy.consultation_reminder_before
        return reminder_at(case.consultation, lead, workflow.now())

    def remind(self) -> None:
        """Have the stakeholders that have not answered reminded, once per deadline."""
        case = self._record.case
        consultation = case.consultation
        assert consultation is not None
        consultation.reminded_for = consultation.due_at
        self._record.outbox.add(case, CONSULTATION_REQUESTS, reminder_due(case, consultation))
        self._record.note(
            "stakeholders that have not answered are reminded: answers due "
            f"{consultation.due_at:%Y-%m-%d %H:%M:%S} UTC"
        )

    def deadline_due(self) -> datetime | None:
        """The round's deadline; after it, when the service is told again until it concludes."""
        case = self._record.case
        consultation = case.consultation
        if consultation is None or consultation.concluded is not None:
            return None
        sent = consultation.deadline_sent_at
        if sent is None:
            return consultation.due_at
        return max(consultation.due_at, sent + case.policy.screening_answer_wait)

    def tell_deadline_passed(self) -> None:
        """Past the deadline, silent stakeholders count as not objecting: tell the consultation
        service (again after the re-send wait, until it concludes)."""
        case = self._record.case
        consultation = case.consultation
        assert consultation is not None
        first = consultation.deadline_sent_at is None
        consultation.deadline_sent_at = workflow.now()
        self._record.outbox.add(case, CONSULTATION_REQUESTS, deadline_passed(case, consultation))
        if first:
            self._record.note("consultation deadline passed: silence counts as no objection")
