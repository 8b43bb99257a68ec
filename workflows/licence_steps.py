"""The Licence workflow's steps: each a small part of the story, on the workflow's state."""

from __future__ import annotations

import contextlib
from datetime import timedelta

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from schemas.licences import (
        LicenceConditionBreached,
        LicenceConditionDue,
        LicenceReviewOpened,
        LicenceStatus,
        LicenceStatusChanged,
    )
    from workflows import search_attributes as sa
    from workflows.licence_issue import licence_about
    from workflows.licence_model import LicenceInput, LicenceReview, LicenceState, TimelineEntry
    from workflows.licence_outbox import LicenceOutbox
    from workflows.licence_rules import next_due


class LicenceSteps:
    """Reviews opened, conditions reminded and raised, expiry, waiting, what operators see."""

    _licence: LicenceState
    _outbox: LicenceOutbox
    _changed: bool

    def _open_review(self, trigger: str, information: str, raised_by: str | None) -> None:
        """Open a review (or add to the open one); the agency is not told until a decision."""
        licence, now = self._licence, workflow.now()
        if licence.review is None:
            licence.review = LicenceReview(
                opened_at=now, trigger=trigger, information=[information], raised_by=raised_by
            )
            if licence.status is LicenceStatus.VALID:
                licence.status = LicenceStatus.UNDER_REVIEW
        else:
            licence.review.information.append(information)
        self._outbox.add(
            LicenceReviewOpened(
                **licence_about(licence), opened_at=now, trigger=trigger, information=information
            )
        )
        self._note(f"review ({trigger}): {information}")

    def _remind_or_raise_conditions(self) -> None:
        """Remind of a condition falling due; raise one not met by its due date."""
        licence, now = self._licence, workflow.now()
        lead = licence.policy.reminder_before
        for index, condition in enumerate(licence.conditions):
            due = condition.due_at
            if due is None or condition.fulfilled_at or condition.breached:
                continue
            if now >= due:
                licence.conditions[index] = condition = condition.model_copy(
                    update={"breached": True}
                )
                self._outbox.add(
                    LicenceConditionBreached(**licence_about(licence), condition=condition)
                )
                self._note(f"condition breached: {condition.text}")
            elif now >= due - lead and condition.reminded_at is None:
                licence.conditions[index] = condition = condition.model_copy(
                    update={"reminded_at": now}
                )
                self._outbox.add(LicenceConditionDue(**licence_about(licence), condition=condition))
                self._note(f"reminder: {condition.text} due {due:%Y-%m-%d}")

    def _expire_if_due(self) -> None:
        """At the end of its validity the licence expires."""
        licence = self._licence
        if workflow.now() < licence.issued.valid_until:
            return
        licence.status = LicenceStatus.EXPIRED
        licence.review = None
        self._outbox.add(
            LicenceStatusChanged(
                **licence_about(licence),
                status=LicenceStatus.EXPIRED,
                changed_at=workflow.now(),
                grounds=f"valid until {licence.issued.valid_until:%Y-%m-%d}",
            )
        )
        self._note("expired")

    async def _wait_for_something_to_do(self) -> None:
        """Sleep until a handler changed the licence, a condition falls due or it expires."""
        self._changed = False
        wake_at = min(
            filter(
                None,
                [
                    next_due(self._licence.conditions, self._licence.policy.reminder_before),
                    self._licence.issued.valid_until,
                ],
            )
        )
        timeout = max(wake_at - workflow.now(), timedelta(seconds=1))
        with contextlib.suppress(TimeoutError):
            await workflow.wait_condition(lambda: self._changed, timeout=timeout)

    async def _continue_as_new_if_history_is_long(self) -> None:
        """Carry the licence into a fresh run before its history grows large."""
        info = workflow.info()
        limit = self._licence.policy.history_events_before_continue
        if info.get_current_history_length() < limit and not info.is_continue_as_new_suggested():
            return
        await workflow.wait_condition(workflow.all_handlers_finished)
        await self._outbox.flush()
        licence = self._licence
        workflow.continue_as_new(
            LicenceInput(
                correlation_id=licence.correlation_id,
                policy=licence.policy,
                state=licence,
            )
        )

    def _show(self) -> None:
        """Push the status and the next due date to the search attributes and the details."""
        licence = self._licence
        issued = licence.issued
        due = next_due(licence.conditions, licence.policy.reminder_before)
        # All of them, whoever started the workflow: operators and the desk search by them.
        workflow.upsert_search_attributes(
            [
                sa.LICENCE_STATUS.value_set(licence.status.value),
                sa.CONTROL_NUMBER.value_set(issued.control_number),
                sa.SUBMITTING_AGENCY.value_set(issued.submitting_agency),
                sa.DESTINATION_COUNTRY.value_set(issued.destination_country),
                sa.CONTROL_CODES.value_set([item.control_code for item in issued.items]),
                sa.DEADLINE_AT.value_set(due or licence.issued.valid_until),
                sa.DEADLINE_FOR.value_set("condition" if due else "expiry"),
            ]
        )
        workflow.set_current_details(
            f"**{issued.licence_number}** · {licence.status.value}\n\n"
            f"holder {issued.holder} → {issued.destination_country}, valid until "
            f"{issued.valid_until:%Y-%m-%d}\n\n"
            + "\n".join(
                f"- {item.control_code}: {item.quantity} {item.unit} / {item.value} "
                f"{item.currency} left"
                for item in licence.remaining
            )
        )

    def _note(self, note: str) -> None:
        self._licence.timeline.append(TimelineEntry(at=workflow.now(), note=note))
        self._changed = True
