"""The licence's outbox: events queued by any step or handler, published in order on the
cases topic, keyed by the licence's case so that they follow the case's own events."""

from __future__ import annotations

import asyncio

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from schemas.envelope import Contract, Envelope, derived_id
    from schemas.topics import CASES
    from workflows.activities import CaseActivities
    from workflows.licence_model import LicenceState
    from workflows.model import OutgoingEvent, OutgoingEvents
    from workflows.outbox import PUBLISH_RETRY, PUBLISH_TIMEOUT, SOURCE


class LicenceOutbox:
    """Queue events synchronously (signal handlers cannot wait); `flush` publishes them."""

    def __init__(self, licence: LicenceState) -> None:
        self._licence = licence
        self._queued: list[OutgoingEvent] = []
        self._publishing = asyncio.Lock()

    def add(self, data: Contract) -> None:
        """Queue `data`; its id derives from the licence and its place, so a retry is known."""
        licence = self._licence
        licence.events_queued += 1
        case_id = licence.issued.case_id
        envelope = Envelope[Contract](
            id=derived_id("licence", licence.issued.licence_number, str(licence.events_queued)),
            type=data.type_name(),
            source=SOURCE,
            time=workflow.now(),
            subject=case_id,
            correlation_id=licence.correlation_id,
            data=data,
        )
        self._queued.append(
            OutgoingEvent(
                topic=CASES.name,
                key=case_id,
                envelope_json=envelope.model_dump_json(serialize_as_any=True),
            )
        )

    async def flush(self) -> None:
        """Publish every queued event, oldest first, in one local activity."""
        async with self._publishing:
            if not self._queued:
                return
            batch = list(self._queued)
            await workflow.execute_local_activity_method(
                CaseActivities.publish_events,
                OutgoingEvents(events=batch),
                start_to_close_timeout=PUBLISH_TIMEOUT,
                retry_policy=PUBLISH_RETRY,
            )
            del self._queued[: len(batch)]
