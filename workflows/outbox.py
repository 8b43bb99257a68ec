"""The workflow's outbox: events queued in order by any step or handler, published in order."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Awaitable, Callable
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


async def publish_locally(events: OutgoingEvents) -> None:
    """Publish in one local activity: within the workflow task that queued the events, no
    activity task travels through the server and no further workflow task waits for it."""
    timeout, retry = PUBLISH_TIMEOUT, PUBLISH_RETRY
    await workflow.execute_local_activity_method(
        CaseActivities.publish_events, events, start_to_close_timeout=timeout, retry_policy=retry
    )


class EventQueue:
    """Events queued synchronously (signal handlers cannot wait), each in its envelope, and
    published in order by `flush`."""

    def __init__(
        self,
        publish: Callable[[OutgoingEvents], Awaitable[None]],
        before_publishing: Callable[[], None] | None = None,
    ) -> None:
        self._queued: list[OutgoingEvent] = []
        self._publishing = asyncio.Lock()
        self._publish = publish
        self._before_publishing = before_publishing

    @property
    def pending(self) -> bool:
        """Whether events wait to be published."""
        return bool(self._queued)

    def queue(
        self, topic: Topic, event_id: uuid.UUID, subject: str, correlation_id: str, data: Contract
    ) -> None:
        """Queue `data` under an id its owner derives (so a retry is recognised), keyed by its
        subject."""
        envelope = Envelope[Contract](
            id=event_id,
            type=data.type_name(),
            source=SOURCE,
            time=workflow.now(),
            subject=subject,
            correlation_id=correlation_id,
            data=data,
        )
        self._queued.append(
            OutgoingEvent(
                topic=topic.name,
                key=subject,
                envelope_json=envelope.model_dump_json(serialize_as_any=True),
            )
        )

    async def flush(self) -> None:
        """Publish every queued event, oldest first, in one activity (so the order holds)."""
        async with self._publishing:
            if not self._queued:
                return
            if self._before_publishing is not None:
                self._before_publishing()
            batch = list(self._queued)
            await self._publish(OutgoingEvents(events=batch))
            del self._queued[: len(batch)]


class CaseOutbox(EventQueue):
    """The case's events, published by a local activity."""

    def __init__(self) -> None:
        super().__init__(publish_locally, before_publishing=_published_locally)

    def add(self, state: CaseState, topic: Topic, data: Contract) -> None:
        """Queue `data`; its id derives from the case and its place, so a retry is recognised."""
        state.events_queued += 1
        event_id = derived_id(state.case_id, f"event-{state.events_queued}")
        self.queue(topic, event_id, state.case_id, state.correlation_id, data)


def _published_locally() -> None:
    """Histories from before local publishing carry its patch marker."""
    retired(LOCAL_PUBLISHING)
