"""The workflow's outbox: events queued in order by any step or handler, published in order."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from temporalio import workflow
from temporalio.common import RetryPolicy

with workflow.unsafe.imports_passed_through():
    from schemas.envelope import Contract, Envelope, derived_id
    from schemas.topics import Topic
    from workflows.activities import CaseActivities
    from workflows.model import CaseState, OutgoingEvent, OutgoingEvents
    from workflows.versions import LOCAL_PUBLISHING, retired

SOURCE = "caseflow/workflows"
PUBLISH_TIMEOUT = timedelta(seconds=30)
PUBLISH_RETRY = RetryPolicy(
    initial_interval=timedelta(seconds=1), maximum_interval=timedelta(seconds=30)
)


class CaseOutbox:
    """Queue events synchronously (signal handlers cannot wait); `flush` publishes them."""

    def __init__(self) -> None:
        self._queued: list[OutgoingEvent] = []
        self._publishing = asyncio.Lock()

    @property
    def pending(self) -> bool:
        """Whether events wait to be published."""
        return bool(self._queued)

    def add(self, state: CaseState, topic: Topic, data: Contract) -> None:
        """Queue `data`; its id derives from the case and its place, so a retry is recognised."""
        state.events_queued += 1
        envelope = Envelope[Contract](
            id=derived_id(state.case_id, f"event-{state.events_queued}"),
            type=data.type_name(),
            source=SOURCE,
            time=workflow.now(),
            subject=state.case_id,
            correlation_id=state.correlation_id,
            data=data,
        )
        self._queued.append(
            OutgoingEvent(
                topic=topic.name,
                key=state.case_id,
                envelope_json=envelope.model_dump_json(serialize_as_any=True),
            )
        )

    async def flush(self) -> None:
        """Publish every queued event, oldest first, in one local activity (so the order holds):
        within the workflow task that queued them, no activity task travels through the server
        and no further workflow task waits for the result."""
        async with self._publishing:
            if not self._queued:
                return
            retired(LOCAL_PUBLISHING)
            batch = list(self._queued)
            await workflow.execute_local_activity_method(
                CaseActivities.publish_events,
                OutgoingEvents(events=batch),
                start_to_close_timeout=PUBLISH_TIMEOUT,
                retry_policy=PUBLISH_RETRY,
            )
            del self._queued[: len(batch)]
