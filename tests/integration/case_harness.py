"""Cases run by the real LicenseCase workflow on the session's Temporal server, with a fake
publisher in place of Kafka and screening answered by the test: fast and deterministic."""

from __future__ import annotations

import asyncio
import contextlib
import json
import time
import uuid
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from typing import Any

from temporalio import activity
from temporalio.api.sdk.v1 import WorkflowMetadata
from temporalio.client import Client, WorkflowHandle
from temporalio.service import RPCError
from temporalio.worker import Worker

from entrypoints.samples import sample_applications
from schemas.cases import CaseAmended, CaseReceived, CaseWithdrawn, FieldChange
from schemas.consultation import (
    ConsultationConcluded,
    Position,
    StakeholderKind,
    StakeholderPosition,
)
from schemas.envelope import Envelope
from schemas.screening import NoticeKind, PartnerConsultation, RiskLevel, ScreeningCompleted
from workflows.bridge import start_case
from workflows.case_client import case_view, find_cases
from workflows.client import workflow_id
from workflows.license_case import LicenseCase
from workflows.model import (
    CasePolicy,
    CaseView,
    DecisionRecorded,
    OutgoingEvent,
    OutgoingEvents,
)
from workflows.tasks import Reviewer, ReviewerRole
from workflows.worker import workflow_runner

Event = dict[str, Any]
# Keeps these cases out of searches by real agencies: queries of a case need a worker for its
# task queue, and this harness's worker is gone once its tests end.
HARNESS_AGENCY = "DE-HARNESS"
OFFICER = Reviewer(id="officer-1", role=ReviewerRole.LICENSING_OFFICER)
OTHER_OFFICER = Reviewer(id="officer-2", role=ReviewerRole.LICENSING_OFFICER)
SENIOR = Reviewer(id="senior-1", role=ReviewerRole.SENIOR_OFFICER)


class FakePublisher:
    """Stands in for the Kafka publishing activity: keeps every envelope, decoded, with the
    topic it was meant for under `topic`."""

    def __init__(self) -> None:
        self.events: list[Event] = []

    @activity.defn(name="publish_event")
    async def publish_event(self, event: OutgoingEvent) -> None:
        self.events.append({**json.loads(event.envelope_json), "topic": event.topic})

    @activity.defn(name="publish_events")
    async def publish_events(self, batch: OutgoingEvents) -> None:
        for event in batch.events:
            await self.publish_event(event)

    def of(self, case_id: str, event_type: str) -> list[Event]:
        """Events of one type published for a case, in order."""
        return [
            event
            for event in self.events
            if event["subject"] == case_id and event["type"] == f"{event_type}.v1"
        ]


class CaseHarness:
    """Opens cases on a private task queue and drives them as screening and the agency would."""

    def __init__(self, client: Client, task_queue: str, published: FakePublisher) -> None:
        self.client = client
        self.task_queue = task_queue
        self.published = published
        self.opened: list[str] = []

    async def open_case(
        self,
        risk: RiskLevel | None = RiskLevel.LOW,
        policy: CasePolicy | None = None,
        sample: int = 0,
        agency: str = HARNESS_AGENCY,
    ) -> str:
        """Register a case; with `risk`, answer its screening and wait until it is under review."""
        application = sample_applications(f"-{uuid.uuid4().hex[:8]}")[sample].model_copy(
            update={"submitting_agency": agency}
        )
        received = CaseReceived(
            case_id=str(uuid.uuid4()),
            control_number=f"T{uuid.uuid4().int % 1_000_000:06d}",
            registered_at=datetime.now(UTC),
            application=application,
        )
        envelope = Envelope.wrap(
            received, source="tests", subject=received.case_id, correlation_id="test"
        )
        await start_case(self.client, envelope, policy or CasePolicy(), self.task_queue)
        self.opened.append(received.case_id)
        if risk is not None:
            await self.until_published(received.case_id, "ScreeningRequested")
            await self.screen(received.case_id, risk)
            await self.until(received.case_id, lambda view: view.status == "under_review")
        return received.case_id

    async def screen(
        self,
        case_id: str,
        risk: RiskLevel,
        request_id: str = "",
        reason: str = "requested",
        route: tuple[str, ...] = (),
        denied_by: tuple[str, ...] = (),
    ) -> None:
        """Answer a screening request (by default the first) with a result at `risk`, matching
        the denial notices of the partner states `denied_by`."""
        result = ScreeningCompleted(
            request_id=request_id or f"{case_id}/screening/1",
            case_id=case_id,
            reason=reason,
            risk_level=risk,
            recommended_route=list(route),
            partner_consultations=[
                PartnerConsultation(state=state, kind=NoticeKind.DENIAL, notice_id=f"{state}-1")
                for state in denied_by
            ],
            policy_version="test",
            list_version=request_id.rsplit("/", 1)[-1] if reason != "requested" else "test@1",
            screened_at=datetime.now(UTC),
        )
        await self.handle(case_id).signal(LicenseCase.screening_completed, result)

    async def until_published(
        self, case_id: str, event_type: str, count: int = 1, timeout: float = 15.0
    ) -> list[Event]:
        """Wait until the case has published `count` events of `event_type`."""
        deadline = time.monotonic() + timeout
        while len(self.published.of(case_id, event_type)) < count:
            if time.monotonic() > deadline:
                raise AssertionError(f"{event_type} x{count} not published for {case_id}")
            await asyncio.sleep(0.1)
        return self.published.of(case_id, event_type)

    async def amendment(
        self, case_id: str, end_use: str, reason: str = "end use clarified"
    ) -> CaseAmended:
        """An amendment of the case's end-use statement, as intake publishes it."""
        view = await self.view(case_id)
        before = view.application.end_use_statement
        return CaseAmended(
            case_id=case_id,
            control_number=view.control_number,
            amended_at=datetime.now(UTC),
            reason=reason,
            changes=[
                FieldChange(
                    path="$.end_use_statement",
                    before=json.dumps(before),
                    after=json.dumps(end_use),
                )
            ],
            application=view.application.model_copy(update={"end_use_statement": end_use}),
        )

    async def amend(self, case_id: str, end_use: str) -> None:
        """Signal an amendment into the case, as the bridge does."""
        amended = await self.amendment(case_id, end_use)
        await self.handle(case_id).signal(LicenseCase.case_amended, amended)

    async def withdraw(self, case_id: str, reason: str = "contract cancelled") -> None:
        """Withdraw the case, as intake does when the agency withdraws."""
        view = await self.view(case_id)
        withdrawn = CaseWithdrawn(
            case_id=case_id,
            control_number=view.control_number,
            withdrawn_at=datetime.now(UTC),
            reason=reason,
        )
        await self.handle(case_id).signal(LicenseCase.case_withdrawn, withdrawn)

    async def conclude(
        self,
        case_id: str,
        *positions: Position,
        silent: int = 0,
        kind: StakeholderKind = StakeholderKind.CIVIL_SOCIETY,
        unheard: tuple[str, ...] = (),
    ) -> None:
        """Conclude the case's consultation as the consultation service does; those who answered
        are stakeholders of `kind`, named `stakeholder-<n>`; the partner states `unheard` could
        not be referred."""
        answered = [
            _position(f"stakeholder-{n}", position, kind) for n, position in enumerate(positions)
        ]
        deemed = [_position(f"silent-{n}", None, kind) for n in range(silent)]
        objecting = Position.RECOMMEND_DENIAL in positions
        dissent = objecting and any(
            p.position is not Position.RECOMMEND_DENIAL for p in answered + deemed
        )
        concluded = ConsultationConcluded(
            case_id=case_id,
            request_id=f"{case_id}/consultation/1",
            positions=answered + deemed,
            deemed_no_objection=[p.stakeholder_id for p in deemed],
            dissent=dissent,
            dissent_summary="stakeholder recommends denial against approvals" if dissent else "",
            unheard_states=list(unheard),
            concluded_at=datetime.now(UTC),
        )
        await self.handle(case_id).signal(LicenseCase.consultation_concluded, concluded)

    async def card(self, case_id: str) -> str:
        """The case card, as the Temporal UI shows it (the workflow's current details)."""
        metadata = await self.handle(case_id).query(
            "__temporal_workflow_metadata", result_type=WorkflowMetadata
        )
        return str(metadata.current_details)

    async def until_listed(self, query: str, case_id: str, timeout: float = 15.0) -> None:
        """Wait until a visibility query finds the case (the store is eventually consistent)."""
        deadline = time.monotonic() + timeout
        while case_id not in {case.case_id for case in await find_cases(self.client, query)}:
            if time.monotonic() > deadline:
                raise AssertionError(f"{query!r} never found case {case_id}")
            await asyncio.sleep(0.2)

    async def result(self, case_id: str) -> DecisionRecorded:
        """How the case ended, once its workflow completes."""
        handle = self.client.get_workflow_handle_for(LicenseCase.run, workflow_id(case_id))
        return await handle.result()

    def handle(self, case_id: str) -> WorkflowHandle[Any, Any]:
        """The case's workflow handle."""
        return self.client.get_workflow_handle(workflow_id(case_id))

    async def view(self, case_id: str, role: ReviewerRole | None = None) -> CaseView:
        """The case as its workflow shows it."""
        return await case_view(self.client, case_id, role)

    async def until(
        self, case_id: str, holds: Callable[[CaseView], bool], timeout: float = 15.0
    ) -> CaseView:
        """Wait until the case's view satisfies `holds`; fail with the last view otherwise."""
        deadline = time.monotonic() + timeout
        while True:
            view = await self.view(case_id)
            if holds(view):
                return view
            if time.monotonic() > deadline:
                raise AssertionError(f"case never got there; last seen {view.model_dump_json()}")
            await asyncio.sleep(0.2)


@asynccontextmanager
async def fake_publishing_worker(
    client: Client, queue_prefix: str, *workflows: type
) -> AsyncIterator[tuple[str, FakePublisher]]:
    """A worker of `workflows` on a fresh task queue named after `queue_prefix`, its publishing
    faked: the task queue and the fake."""
    task_queue = f"{queue_prefix}-{uuid.uuid4().hex[:8]}"
    published = FakePublisher()
    async with Worker(
        client,
        task_queue=task_queue,
        workflows=list(workflows),
        activities=[published.publish_event, published.publish_events],
        workflow_runner=workflow_runner(),
    ):
        yield task_queue, published


@asynccontextmanager
async def case_harness(client: Client) -> AsyncIterator[CaseHarness]:
    """A worker for LicenseCase on a fresh task queue, its publisher faked."""
    async with fake_publishing_worker(client, "test-cases", LicenseCase) as (task_queue, published):
        harness = CaseHarness(client, task_queue, published)
        yield harness
        # Cases left open would wait forever on a task queue nobody polls any more.
        for case_id in harness.opened:
            with contextlib.suppress(RPCError):
                await harness.handle(case_id).terminate("test finished")


def _position(
    stakeholder_id: str, position: Position | None, kind: StakeholderKind
) -> StakeholderPosition:
    """A stakeholder's position; None for one that stayed silent past the deadline."""
    return StakeholderPosition(
        referral_id=f"referral-{stakeholder_id}",
        stakeholder_id=stakeholder_id,
        stakeholder_name=stakeholder_id.replace("-", " ").title(),
        stakeholder_kind=kind,
        position=position or Position.NO_OBJECTION,
        deemed_no_objection=position is None,
        answered_at=None if position is None else datetime.now(UTC),
    )
