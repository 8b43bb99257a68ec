"""The Licence workflow: one per issued licence, from issue to expiry or revocation."""

from __future__ import annotations

from temporalio import workflow
from temporalio.exceptions import ApplicationError

with workflow.unsafe.imports_passed_through():
    from schemas.licences import (
        LicenceStatusChanged,
        ShipmentRecorded,
        ShipmentRefused,
        ShipmentReported,
    )
    from schemas.screening import ScreeningCompleted
    from workflows import actors
    from workflows.licence_issue import issued_licence, licence_about
    from workflows.licence_model import (
        ConditionFulfilled,
        LicenceActionRecorded,
        LicenceInformation,
        LicenceInput,
        LicenceReviewDecision,
        LicenceView,
        ReviewAction,
        ShipmentChecked,
        ShipmentOutcome,
    )
    from workflows.licence_outbox import LicenceOutbox
    from workflows.licence_review import (
        ENDED,
        fulfilment_problems,
        information_problems,
        review_problems,
        status_after,
    )
    from workflows.licence_rules import after_shipment, shipment_problems
    from workflows.licence_steps import LicenceSteps


@workflow.defn
class Licence(LicenceSteps):
    """Issue, shipments against what is left, conditions due, review, suspension, revocation."""

    @workflow.init
    def __init__(self, start: LicenceInput) -> None:
        self._licence = start.state or issued_licence(start, workflow.now())
        self._outbox = LicenceOutbox(self._licence)
        self._changed = False

    @workflow.run
    async def run(self, start: LicenceInput) -> LicenceView:
        """The licence as a story: issued, used, reviewed; it ends revoked or expired."""
        if start.state is None:
            self._outbox.add(self._licence.issued)
            self._note(f"issued to {self._licence.issued.holder}")
        while self._licence.status not in ENDED:
            self._remind_or_raise_conditions()
            self._expire_if_due()
            self._show()
            await self._outbox.flush()
            await self._continue_as_new_if_history_is_long()
            await self._wait_for_something_to_do()
        await workflow.wait_condition(workflow.all_handlers_finished)
        self._show()
        await self._outbox.flush()
        return self.view()

    # What the agency reports, through intake and the bridge.

    @workflow.update
    async def report_shipment(self, reported: ShipmentReported) -> ShipmentChecked:
        """Check a shipment against the licence: record it, or refuse it with every reason."""
        licence, shipment = self._licence, reported.shipment
        earlier = next(
            (
                seen
                for seen in licence.shipments
                if seen.shipment_reference == shipment.shipment_reference
            ),
            None,
        )
        if earlier is not None:
            return self._checked(earlier, duplicate=True)
        issued = licence.issued
        problems = shipment_problems(
            shipment,
            status=licence.status,
            remaining=licence.remaining,
            destination_country=issued.destination_country,
            valid_from=issued.valid_from,
            valid_until=issued.valid_until,
        )
        outcome = ShipmentOutcome(
            shipment_reference=shipment.shipment_reference,
            shipped_on=shipment.shipped_on.isoformat(),
            recorded=not problems,
            reasons=problems,
            lines=shipment.lines,
            checked_at=workflow.now(),
        )
        licence.shipments.append(outcome)
        about = licence_about(licence)
        if problems:
            self._outbox.add(
                ShipmentRefused(
                    **about,
                    shipment_reference=shipment.shipment_reference,
                    refused_at=workflow.now(),
                    reasons=problems,
                )
            )
            self._note(f"shipment {shipment.shipment_reference} refused: " + "; ".join(problems))
        else:
            licence.remaining = after_shipment(licence.remaining, shipment.lines)
            self._outbox.add(
                ShipmentRecorded(
                    **about,
                    shipment_reference=shipment.shipment_reference,
                    shipped_on=shipment.shipped_on,
                    lines=shipment.lines,
                    remaining=licence.remaining,
                )
            )
            self._note(f"shipment {shipment.shipment_reference} recorded")
        await self._outbox.flush()
        return self._checked(outcome)

    # New information: screening after a list update, or an officer.

    @workflow.signal
    def list_update_matched(self, result: ScreeningCompleted) -> None:
        """A list update or a partner's notice matched a party of the licence: a review opens."""
        licence = self._licence
        if licence.status in ENDED or result.request_id in licence.screening_seen:
            return
        licence.screening_seen.append(result.request_id)
        trigger = result.reason.split(":", 1)[0]  # `list_update` or `partner_notice`
        self._open_review(trigger, result.reason, raised_by=None)

    @workflow.update
    async def record_information(self, task: LicenceInformation) -> LicenceActionRecorded:
        """An officer records new human-rights information: a review opens (or grows)."""
        task = actors.acting(task)
        self._refuse_if(information_problems(self._licence))
        self._open_review("officer", task.information, raised_by=task.reviewer.id)
        return await self._recorded(f"information recorded by {task.reviewer.id}")

    @record_information.validator
    def _validate_record_information(self, task: LicenceInformation) -> None:
        actors.verified(task, actors.OFFICERS, "record information on a licence")
        self._refuse_if(information_problems(self._licence))

    @workflow.update
    async def decide_review(self, decision: LicenceReviewDecision) -> LicenceActionRecorded:
        """A senior officer suspends, revokes or confirms the licence, with grounds."""
        decision = actors.acting(decision)
        licence = self._licence
        self._refuse_if(review_problems(licence, decision))
        senior = decision.reviewer.id
        licence.status = status_after(decision.action)
        if decision.action is not ReviewAction.SUSPEND:
            licence.review = None
        self._outbox.add(
            LicenceStatusChanged(
                **licence_about(licence),
                status=licence.status,
                changed_at=workflow.now(),
                grounds=decision.grounds.strip(),
            )
        )
        note = f"{decision.action.value} by {senior}: {decision.grounds.strip()}"
        self._note(note)
        return await self._recorded(note)

    @decide_review.validator
    def _validate_decide_review(self, decision: LicenceReviewDecision) -> None:
        decision = actors.verified(decision, actors.SENIOR, "suspend, revoke or confirm a licence")
        self._refuse_if(review_problems(self._licence, decision))

    @workflow.update
    async def fulfil_condition(self, task: ConditionFulfilled) -> LicenceActionRecorded:
        """An officer records that a condition was met: no more reminders for it."""
        task = actors.acting(task)
        self._refuse_if(fulfilment_problems(self._licence, task))
        condition = self._licence.conditions[task.condition - 1]
        self._licence.conditions[task.condition - 1] = condition.model_copy(
            update={"fulfilled_at": workflow.now()}
        )
        return await self._recorded(f"condition {task.condition} met: {task.evidence}")

    @fulfil_condition.validator
    def _validate_fulfil_condition(self, task: ConditionFulfilled) -> None:
        actors.verified(task, actors.OFFICERS, "record a condition as met")
        self._refuse_if(fulfilment_problems(self._licence, task))

    @workflow.query
    def view(self) -> LicenceView:
        """The licence, what is left of it, its conditions, shipments, review and timeline."""
        licence = self._licence
        return LicenceView(
            licence=licence.issued,
            status=licence.status,
            remaining=licence.remaining,
            conditions=licence.conditions,
            shipments=licence.shipments,
            review=licence.review,
            timeline=licence.timeline,
        )

    def _checked(self, outcome: ShipmentOutcome, duplicate: bool = False) -> ShipmentChecked:
        return ShipmentChecked(
            licence_number=self._licence.issued.licence_number,
            shipment_reference=outcome.shipment_reference,
            recorded=outcome.recorded,
            reasons=outcome.reasons,
            duplicate=duplicate,
        )

    async def _recorded(self, note: str) -> LicenceActionRecorded:
        self._changed = True
        await self._outbox.flush()
        return LicenceActionRecorded(
            licence_number=self._licence.issued.licence_number,
            status=self._licence.status,
            note=note,
        )

    @staticmethod
    def _refuse_if(problems: list[str]) -> None:
        if problems:
            raise ApplicationError("; ".join(problems), type="ActionRefused", non_retryable=True)
