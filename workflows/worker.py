"""The worker process: runs LicenseCase workflows and their activities."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

import structlog
from temporalio.client import Client
from temporalio.worker import Worker

from caseflow.kafka import start_producer
from caseflow.metrics import scraped_from_store
from caseflow.settings import Settings
from workflows import TASK_QUEUE
from workflows.activities import CaseActivities
from workflows.client import connect
from workflows.license_case import LicenseCase
from workflows.telemetry import case_families

log = structlog.get_logger(__name__)


def build_worker(
    client: Client, activities: CaseActivities, task_queue: str = TASK_QUEUE
) -> Worker:
    """A worker for the LicenseCase workflow on `task_queue`."""
    return Worker(
        client,
        task_queue=task_queue,
        workflows=[LicenseCase],
        activities=[activities.publish_event, activities.publish_events],
    )


async def run_worker(
    settings: Settings, on_ready: Callable[[], Awaitable[None]] | None = None
) -> None:
    """Run the worker until cancelled; `on_ready` runs once it polls its task queue."""
    endpoints = settings.endpoints()
    client = await connect(endpoints.temporal, settings.temporal_namespace)
    producer = await start_producer(endpoints.kafka, "caseflow-worker")
    unexpose = scraped_from_store("cases", case_families(client))
    try:
        log.info("worker running", task_queue=TASK_QUEUE, temporal=endpoints.temporal)
        worker = build_worker(client, CaseActivities(producer))
        running = asyncio.create_task(worker.run())
        if on_ready is not None:
            await on_ready()
        await running
    finally:
        unexpose()
        await producer.stop()


if __name__ == "__main__":
    asyncio.run(run_worker(Settings()))
