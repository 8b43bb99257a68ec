"""Activities: the workflow's only way out to Kafka."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

from temporalio import activity

from workflows.model import OutgoingEvent, OutgoingEvents

if TYPE_CHECKING:  # the workflows name these activities: their modules import no client
    from aiokafka import AIOKafkaProducer


class CaseActivities:
    """Publishing for the LicenseCase workflow, built with a started producer."""

    def __init__(self, producer: AIOKafkaProducer) -> None:
        self._producer = producer

    @activity.defn
    async def publish_event(self, event: OutgoingEvent) -> None:
        """Publish one event and wait for the broker's acknowledgement (cases before batching)."""
        await self._producer.send_and_wait(
            event.topic, event.envelope_json.encode(), key=event.key.encode()
        )

    @activity.defn
    async def publish_events(self, batch: OutgoingEvents) -> None:
        """Publish events in order and wait until the broker has acknowledged every one (a retry
        re-sends them all; consumers deduplicate on the derived event ids). The producer keeps one
        request in flight per broker, so events to one partition stay in order without waiting
        for each acknowledgement in turn."""
        acknowledgements = [
            await self._producer.send(
                event.topic, event.envelope_json.encode(), key=event.key.encode()
            )
            for event in batch.events
        ]
        await asyncio.gather(*acknowledgements)
