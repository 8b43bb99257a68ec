"""The LicenseCase workflow: one per case, from registration to decision."""

from __future__ import annotations

import contextlib
from datetime import datetime, timedelta

from temporalio import workflow
from temporalio.common import RetryPolicy
from temporalio.exceptions import ApplicationError

with workflow.unsafe.imports_passed_through():
    from schemas.cases import CaseDecided, CaseReceived, CaseStatus, CaseStatusChanged
    from schemas.envelope import Contract, Envelope, derived_id
    from schemas.screening import ScreeningCompleted, ScreeningRequested
    from schemas.topics import CASES, SCREENING_REQUESTS, Topic
    from workflows import search_attributes as sa
    from workflows.activities import CaseActivities
    from workflows.case_card import case_card
    from workflows.model import (
        CaseView,
        DecisionRecorded,
        LicenseCaseInput,
        OutgoingEvent,
        ReviewDecision,
        TimelineEntry,
    )
    from workflows.review import decision_problems, open_actions

SOURCE = "caseflow/workflows"
PUBLISH_RETRY = RetryPolicy(
    initial_interval=timedelta(seconds=1), maximum_interval=timedelta(seconds=30)
)


@workflow.defn
class LicenseCase:
    """Screening, then review, then the decision published to the agency."""

    def __init__(self) -> None:
        self._input: LicenseCaseInput | None = None
        self._status = CaseStatus.RECEIVED
        self._screening_request: str | None = None
        self._screening: ScreeningCompleted | None = None
        self._decision: ReviewDecision | None = None
        self._decided: DecisionRecorded | None = None
        self._timeline: list[TimelineEntry] = []

    @workflow.run
    async def run(self, start: LicenseCaseInput) -> DecisionRecorded:
        """The case as a story: registered, screened, reviewed, decided."""
        self._input = start
        await self._enter(CaseStatus.REGISTERED, f"registered as {self._case.control_number}")
        await self._screen()
        await self._enter(CaseStatus.UNDER_REVIEW, self._screening_note())
        await workflow.wait_condition(lambda: self._decision is not None)
        return await self._decide()

    @workflow.signal
    def screening_completed(self, result: ScreeningCompleted) -> None:
        """A screening result arrived; results of other requests are ignored."""
        if result.request_id == self._screening_request and self._screening is None:
            self._screening = result

    @workflow.update
    async def decide(self, decision: ReviewDecision) -> DecisionRecorded:
        """A reviewer decides; the answer comes once the decision is recorded and published."""
        self._decision = decision
        await workflow.wait_condition(lambda: self._decided is not None)
        assert self._decided is not None
        return self._decided

    @decide.validator
    def _validate_decide(self, decision: ReviewDecision) -> None:
        """Refuse an invalid decision before it enters the history, saying why."""
        problems = decision_problems(self._status, self._decision, decision)
        if problems:
            raise ApplicationError("; ".join(problems), type="DecisionRefused", non_retryable=True)

    @workflow.query
    def view(self) -> CaseView:
        """The case as a reviewer sees it."""
        case = self._case
        application = case.application
        return CaseView(
            case_id=case.case_id,
            control_number=case.control_number,
            status=self._status,
            submitting_agency=application.submitting_agency,
            agency_reference=application.agency_reference,
            destination_country=application.destination_country,
            control_codes=application.control_codes,
            deadline_at=self._deadline,
            screening=self._screening,
            decision=self._decision,
            timeline=list(self._timeline),
            open_actions=open_actions(self._status, self._decision),
        )

    @property
    def _case(self) -> CaseReceived:
        assert self._input is not None
        return self._input.received

    @property
    def _deadline(self) -> datetime:
        assert self._input is not None
        return self._case.registered_at + timedelta(days=self._input.policy.decision_days)

    async def _screen(self) -> None:
        """Ask for screening; re-send if no answer comes within the policy's wait."""
        assert self._input is not None
        self._screening_request = f"{self._case.case_id}/screening/1"
        wait = timedelta(seconds=self._input.policy.screening_answer_seconds)
        attempt = 0
        while self._screening is None:
            attempt += 1
            note = "screening requested" if attempt == 1 else f"screening re-sent (try {attempt})"
            await self._enter(CaseStatus.SCREENING, note)
            request = ScreeningRequested(
                request_id=self._screening_request,
                case_id=self._case.case_id,
                application=self._case.application,
            )
            await self._publish(SCREENING_REQUESTS, request, f"screening-request-{attempt}")
            with contextlib.suppress(TimeoutError):
                await workflow.wait_condition(lambda: self._screening is not None, timeout=wait)

    async def _decide(self) -> DecisionRecorded:
        """Record the reviewer's decision and tell the agency."""
        decision = self._decision
        assert decision is not None
        case = self._case
        now = workflow.now()
        decided = CaseDecided(
            case_id=case.case_id,
            control_number=case.control_number,
            submitting_agency=case.application.submitting_agency,
            agency_reference=case.application.agency_reference,
            outcome=decision.outcome,
            decided_at=now,
            decided_by=decision.reviewer,
            rationale=decision.rationale,
            conditions=decision.conditions,
            human_rights_assessment=decision.human_rights_assessment,
        )
        await self._publish(CASES, decided, "decided")
        await self._enter(CaseStatus.DECIDED, f"{decision.outcome.value} by {decision.reviewer}")
        self._decided = DecisionRecorded(
            case_id=case.case_id,
            control_number=case.control_number,
            outcome=decision.outcome,
            decided_at=now,
        )
        return self._decided

    async def _enter(self, status: CaseStatus, note: str) -> None:
        """Move to `status`: timeline, search attributes, case card, and the agency's event."""
        self._status = status
        self._timeline.append(TimelineEntry(at=workflow.now(), status=status, note=note))
        workflow.upsert_search_attributes([sa.CASE_STATUS.value_set(status.value)])
        if self._screening is not None:
            workflow.upsert_search_attributes(
                [sa.RISK_LEVEL.value_set(self._screening.risk_level.value)]
            )
        workflow.set_current_details(case_card(self._case, status, self._screening, self._timeline))
        changed = CaseStatusChanged(
            case_id=self._case.case_id,
            control_number=self._case.control_number,
            submitting_agency=self._case.application.submitting_agency,
            agency_reference=self._case.application.agency_reference,
            status=status,
            changed_at=workflow.now(),
        )
        await self._publish(CASES, changed, f"status-{len(self._timeline)}")

    async def _publish(self, topic: Topic, data: Contract, name: str) -> None:
        """Publish `data` with an id derived from the case, so a retry is recognised."""
        assert self._input is not None
        envelope = Envelope[Contract](
            id=derived_id(self._case.case_id, name),
            type=data.type_name(),
            source=SOURCE,
            time=workflow.now(),
            subject=self._case.case_id,
            correlation_id=self._input.correlation_id,
            data=data,
        )
        await workflow.execute_activity_method(
            CaseActivities.publish_event,
            OutgoingEvent(
                topic=topic.name,
                key=self._case.case_id,
                envelope_json=envelope.model_dump_json(serialize_as_any=True),
            ),
            start_to_close_timeout=timedelta(seconds=30),
            retry_policy=PUBLISH_RETRY,
        )

    def _screening_note(self) -> str:
        assert self._screening is not None
        findings = len(self._screening.findings)
        return f"screened: {self._screening.risk_level.value} risk, {findings} finding(s)"
