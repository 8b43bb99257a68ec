"""Licences run by the real Licence workflow on the session's Temporal server, with a fake
publisher in place of Kafka: issued straight from an approving decision, driven as the bridge
and officers would."""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

from temporalio.client import Client, WorkflowHandle

from entrypoints.samples import sample_applications
from schemas.cases import CaseDecided, DecisionOutcome
from schemas.licences import ReportShipment, ShipmentLine, ShipmentReported
from schemas.screening import RiskLevel, ScreeningCompleted
from tests.integration.case_harness import FakePublisher, fake_publishing_worker
from workflows.licence import Licence
from workflows.licence_bridge import licence_workflow_id
from workflows.licence_model import LicenceInput, LicenceView, ShipmentChecked
from workflows.licence_policy import ConditionKind, LicencePolicy, load_licence_policy

HARNESS_AGENCY = "DE-HARNESS"


def analysers(
    agency_reference: str, number: str, reference: str, quantity: int, value: int, on: date
) -> ReportShipment:
    """A shipment of the first sample's analysers (EAR99, in EUR) to Kyoto, as an agency reports
    it under the agency's `DE-BAFA` or the harness's agency."""
    return ReportShipment(
        submitting_agency=HARNESS_AGENCY if number.startswith("LIC-T") else "DE-BAFA",
        agency_reference=agency_reference,
        licence_number=number,
        shipment_reference=reference,
        shipped_on=on,
        consignee="Kyoto University",
        destination_country="JP",
        lines=[
            ShipmentLine(
                control_code="EAR99",
                quantity=Decimal(quantity),
                value=Decimal(value),
                currency="EUR",
            )
        ],
    )


def quick_conditions(continue_after: int = 2000) -> LicencePolicy:
    """The shipped policy with an end-use certificate due in 4 s (reminded 2 s before) and a
    post-shipment verification due in 180 days: a breach within a test's time."""
    shipped = load_licence_policy()
    return LicencePolicy(
        regime=shipped.regime,
        regimes=shipped.regimes,
        condition_kinds=[
            ConditionKind(
                kind="end_use_certificate",
                phrases=["end-use certificate"],
                due_after=timedelta(seconds=4),
            ),
            ConditionKind(
                kind="post_shipment_verification",
                phrases=["post-shipment verification"],
                due_after=timedelta(days=180),
            ),
        ],
        reminder_before=timedelta(seconds=2),
        history_events_before_continue=continue_after,
    )


class LicenceHarness:
    """Issues licences on a private task queue and reports shipments to them."""

    def __init__(self, client: Client, task_queue: str, published: FakePublisher) -> None:
        self.client = client
        self.task_queue = task_queue
        self.published = published

    async def issue(
        self, conditions: list[str] | None = None, policy: LicencePolicy | None = None
    ) -> str:
        """Start a licence for a fresh approved case (the first sample: 12 analysers to JP)."""
        application = sample_applications(f"-{uuid.uuid4().hex[:8]}")[0].model_copy(
            update={"submitting_agency": HARNESS_AGENCY}
        )
        decided = CaseDecided(
            case_id=str(uuid.uuid4()),
            control_number=f"T{uuid.uuid4().int % 1_000_000:06d}",
            submitting_agency=HARNESS_AGENCY,
            agency_reference=application.agency_reference,
            outcome=DecisionOutcome.APPROVED_WITH_CONDITIONS
            if conditions
            else DecisionOutcome.APPROVED,
            decided_at=datetime.now(UTC),
            decided_by="officer-1",
            rationale="civil end use",
            conditions=conditions or [],
            human_rights_assessment="no serious risk",
        )
        await self.client.start_workflow(
            Licence.run,
            LicenceInput(
                decided=decided,
                application=application,
                correlation_id="test",
                policy=policy or load_licence_policy(),
            ),
            id=licence_workflow_id(decided.case_id),
            task_queue=self.task_queue,
        )
        await self.until_published(decided.case_id, "LicenceIssued")
        return decided.case_id

    def handle(self, case_id: str) -> WorkflowHandle[Any, Any]:
        return self.client.get_workflow_handle(licence_workflow_id(case_id))

    async def result(self, case_id: str) -> LicenceView:
        """The licence as its ended workflow returned it."""
        handle = self.client.get_workflow_handle_for(Licence.run, licence_workflow_id(case_id))
        return await handle.result()

    async def view(self, case_id: str) -> LicenceView:
        return await self.handle(case_id).query(Licence.view)

    async def ship(
        self, case_id: str, reference: str, quantity: int, value: int, on: date | None = None
    ) -> ShipmentChecked:
        """Report a shipment of the licence's analysers, as the bridge passes it on."""
        reported = await self.reported(case_id, reference, quantity, value, on)
        checked: ShipmentChecked = await self.handle(case_id).execute_update(
            Licence.report_shipment, reported
        )
        return checked

    async def reported(
        self, case_id: str, reference: str, quantity: int, value: int, on: date | None = None
    ) -> ShipmentReported:
        """A shipment of the licence's analysers as intake passes it on."""
        licence = (await self.view(case_id)).licence
        shipment = analysers(
            licence.agency_reference,
            licence.licence_number,
            reference,
            quantity,
            value,
            on or datetime.now(UTC).date(),
        )
        return ShipmentReported(
            case_id=case_id,
            control_number=licence.control_number,
            reported_at=datetime.now(UTC),
            shipment=shipment,
        )

    async def list_update(
        self,
        case_id: str,
        version: str = "test@2",
        reason: str = "list_update: test 2: end user 'Kyoto University' matches added entry",
    ) -> None:
        """Screening's re-screen after a list update (or a partner's notice) matched the
        licence's end user."""
        result = ScreeningCompleted(
            request_id=f"{case_id}/rescreen/{version}",
            case_id=case_id,
            risk_level=RiskLevel.CRITICAL,
            policy_version="test",
            screened_at=datetime.now(UTC),
            reason=reason,
            list_version=version,
        )
        await self.handle(case_id).signal(Licence.list_update_matched, result)

    async def until_published(
        self, case_id: str, event_type: str, count: int = 1, timeout: float = 20.0
    ) -> list[dict[str, Any]]:
        """Wait until the licence has published `count` events of the type; those events."""
        deadline = time.monotonic() + timeout
        while len(found := self.published.of(case_id, event_type)) < count:
            assert time.monotonic() < deadline, f"no {event_type} for {case_id}"
            await asyncio.sleep(0.1)
        return found

    async def until(
        self, case_id: str, check: Callable[[LicenceView], bool], timeout: float = 20.0
    ) -> LicenceView:
        deadline = time.monotonic() + timeout
        while not check(view := await self.view(case_id)):
            assert time.monotonic() < deadline, f"licence of {case_id}: {view.status}"
            await asyncio.sleep(0.1)
        return view


@asynccontextmanager
async def licence_harness(client: Client) -> AsyncIterator[LicenceHarness]:
    """A worker for Licence workflows on a task queue of its own, publishing to a fake."""
    async with fake_publishing_worker(client, "licence-tests", Licence) as (task_queue, published):
        yield LicenceHarness(client, task_queue, published)
