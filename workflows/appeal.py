"""The Appeal workflow: one per appealed decision, from filing to a countersigned ruling.

An officer not involved in the decision rules (upheld or overturned); a second, senior officer
countersigns; an overturned decision is followed by a new, approving `CaseDecided` that names
the appeal, so a licence follows as for any approval."""

from __future__ import annotations

from temporalio import workflow
from temporalio.exceptions import ApplicationError

with workflow.unsafe.imports_passed_through():
    from schemas.appeals import AppealResult, AppealRuled, AppealSentBack
    from schemas.envelope import Contract, derived_id
    from schemas.topics import CASES
    from workflows import actors
    from workflows import search_attributes as sa
    from workflows.activities import CaseActivities
    from workflows.appeal_rules import (
        FINAL,
        AppealCountersignature,
        AppealInput,
        AppealRuling,
        AppealState,
        AppealStatus,
        AppealView,
        about,
        appeal_decided,
        approval_on_appeal,
        countersign_problems,
        ruling_problems,
        view_of,
    )
    from workflows.model import OutgoingEvents
    from workflows.outbox import PUBLISH_RETRY, PUBLISH_TIMEOUT, EventQueue


async def _publish(events: OutgoingEvents) -> None:
    """Publish in one activity (an appeal's histories record a regular one)."""
    timeout, retry = PUBLISH_TIMEOUT, PUBLISH_RETRY
    await workflow.execute_activity_method(
        CaseActivities.publish_events, events, start_to_close_timeout=timeout, retry_policy=retry
    )


def appeal_workflow_id(case_id: str) -> str:
    """The workflow id of a case's appeal: one appeal per decided case."""
    return f"appeal-{case_id}"


@workflow.defn
class Appeal:
    """A ruling by an officer not involved in the decision, countersigned by a senior officer."""

    @workflow.init
    def __init__(self, start: AppealInput) -> None:
        self._state = AppealState(
            filed=start.filed, correlation_id=start.correlation_id, policy=start.policy
        )
        self._outbox = EventQueue(_publish)

    @workflow.run
    async def run(self, start: AppealInput) -> AppealView:
        """Filed, ruled on, countersigned: the decision upheld, or overturned and approved."""
        self._note(f"filed by {start.filed.submitting_agency}: {start.filed.grounds}")
        self._show()
        await workflow.wait_condition(lambda: self._state.status in FINAL)
        await workflow.wait_condition(workflow.all_handlers_finished)
        return view_of(self._state)

    @workflow.update
    async def rule(self, ruling: AppealRuling) -> AppealView:
        """An officer not involved in the decision rules; a senior officer then countersigns."""
        ruling = actors.acting(ruling)
        _refuse_if(ruling_problems(self._state, ruling))
        state = self._state
        state.ruling = ruling
        state.status = AppealStatus.AWAITING_COUNTERSIGNATURE
        self._note(f"{ruling.result.value} by {ruling.reviewer.id}: {ruling.rationale}")
        self._add(
            AppealRuled(
                **about(state.filed),
                result=ruling.result,
                ruled_by=ruling.reviewer.id,
                ruled_at=workflow.now(),
                rationale=ruling.rationale,
            )
        )
        await self._flush()
        return view_of(state)

    @rule.validator
    def _validate_rule(self, ruling: AppealRuling) -> None:
        ruling = actors.verified(ruling, actors.OFFICERS, "rule on an appeal")
        _refuse_if(ruling_problems(self._state, ruling))

    @workflow.update
    async def countersign(self, signature: AppealCountersignature) -> AppealView:
        """A second, senior officer countersigns the ruling (or sends it back)."""
        signature = actors.acting(signature)
        _refuse_if(countersign_problems(self._state, signature))
        state, senior = self._state, signature.reviewer.id
        if signature.agree:
            self._decide(senior)
        else:
            state.ruling, state.status = None, AppealStatus.AWAITING_RULING
            self._note(f"sent back by {senior}: {signature.note}")
            self._add(
                AppealSentBack(
                    **about(state.filed),
                    sent_back_by=senior,
                    sent_back_at=workflow.now(),
                    note=signature.note,
                )
            )
        await self._flush()
        return view_of(state)

    @countersign.validator
    def _validate_countersign(self, signature: AppealCountersignature) -> None:
        signature = actors.verified(signature, actors.SENIOR, "countersign an appeal ruling")
        _refuse_if(countersign_problems(self._state, signature))

    @workflow.query
    def view(self) -> AppealView:
        """The appeal as it stands."""
        return view_of(self._state)

    def _decide(self, senior: str) -> None:
        """The countersigned ruling takes effect: told to all, and an approval if overturned."""
        state = self._state
        assert state.ruling is not None
        state.countersigned_by, state.decided_at = senior, workflow.now()
        overturned = state.ruling.result is AppealResult.OVERTURNED
        state.status = AppealStatus.OVERTURNED if overturned else AppealStatus.UPHELD
        self._note(f"countersigned by {senior}: the decision is {state.status.value}")
        self._add(appeal_decided(state))
        if overturned:
            self._add(approval_on_appeal(state))

    def _note(self, line: str) -> None:
        self._state.history.append(f"{workflow.now():%Y-%m-%d %H:%M} {line}")

    def _add(self, data: Contract) -> None:
        """Queue an event on the cases topic; its id derives from the appeal and its place."""
        state = self._state
        state.events_queued += 1
        event_id = derived_id(state.filed.appeal_id, f"event-{state.events_queued}")
        self._outbox.queue(CASES, event_id, state.filed.case_id, state.correlation_id, data)

    async def _flush(self) -> None:
        """Show the appeal anew, then publish the queued events in order, in one activity."""
        self._show()
        await self._outbox.flush()

    def _show(self) -> None:
        """The appeal's search attributes and card in the Temporal UI."""
        state = self._state
        ruling = state.ruling
        workflow.upsert_search_attributes(
            [
                sa.CASE_STATUS.value_set(f"appeal_{state.status.value}"),
                sa.ASSIGNED_REVIEWER.value_set(ruling.reviewer.id)
                if ruling
                else sa.ASSIGNED_REVIEWER.value_unset(),
                sa.DEADLINE_AT.value_unset()
                if state.status in FINAL
                else sa.DEADLINE_AT.value_set(state.due_at),
            ]
        )
        workflow.set_current_details(_card(state))


def _card(state: AppealState) -> str:
    """The appeal's card in the Temporal UI (Markdown)."""
    filed = state.filed
    lines = [
        f"## Appeal of {filed.control_number}: {state.status.value.replace('_', ' ')}",
        f"- agency: {filed.submitting_agency} {filed.agency_reference}",
        f"- appealed: {filed.appealed_outcome.value} of {filed.appealed_decided_at:%Y-%m-%d} by "
        f"{filed.appealed_decided_by}"
        + (
            f", countersigned by {filed.appealed_countersigned_by}"
            if filed.appealed_countersigned_by
            else ""
        ),
        f"- filed {filed.filed_at:%Y-%m-%d}; ruling due {state.due_at:%Y-%m-%d} "
        f"({state.policy.source})",
        f"- grounds: {filed.grounds}",
        "",
        "### History",
        *[f"- {line}" for line in state.history],
    ]
    return "\n".join(lines)


def _refuse_if(problems: list[str]) -> None:
    if problems:
        raise ApplicationError("; ".join(problems), type="ActionRefused", non_retryable=True)
