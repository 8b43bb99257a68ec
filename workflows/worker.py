"""The worker process: runs LicenseCase workflows and their activities."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import TypedDict

import structlog
from temporalio.client import Client
from temporalio.worker import PollerBehaviorSimpleMaximum, UnsandboxedWorkflowRunner, Worker

from caseflow.auth.tokens import key_ring
from caseflow.kafka import kafka_security, start_producer
from caseflow.metrics import scraped_from_store
from caseflow.settings import Settings
from workflows import TASK_QUEUE, actors
from workflows.activities import CaseActivities
from workflows.appeal import Appeal
from workflows.client import connect
from workflows.licence import Licence
from workflows.license_case import LicenseCase
from workflows.telemetry import case_families
from workflows.version_gate import refuse_unsupported_cases

log = structlog.get_logger(__name__)


def workflow_runner() -> UnsandboxedWorkflowRunner:
    """Workflows run on the worker's own modules, outside the sandbox.

    The sandbox took caseflow's modules and pydantic from the host (passed through): re-importing
    them for each case cost more than the rest of a case's first task. Passed-through code is not
    inspected, so the sandbox no longer guarded caseflow's own workflow code, and entering it on
    every activation still cost a third of the worker's time replaying a case (a worker just
    started replays each case it is signalled). What keeps the workflows deterministic is theirs:
    they read time, randomness and ids through `workflow.*` only, the import contracts keep I/O
    out of their modules, and tests/replay replays recorded histories of every supported
    generation on this code.
    """
    return UnsandboxedWorkflowRunner()


class WorkerTuning(TypedDict):
    """The Worker options caseflow sets beyond its workflows and activities."""

    max_cached_workflows: int
    workflow_task_poller_behavior: PollerBehaviorSimpleMaximum
    nonsticky_to_sticky_poll_ratio: float


def worker_tuning(settings: Settings) -> WorkerTuning:
    """The cache and pollers of a worker run with `settings`."""
    return WorkerTuning(
        # A signal to a case not cached replays its history first: after a list update the
        # worker signals every affected open case, and the SDK's default (1,000) left most of
        # 10,000 open cases out.
        max_cached_workflows=settings.worker_cached_workflows,
        # A new case's first task comes on the shared queue, later ones on this worker's own
        # (sticky) queue: by default one poller of five serves the shared queue, and a burst of
        # new cases waits on it.
        workflow_task_poller_behavior=PollerBehaviorSimpleMaximum(maximum=10),
        nonsticky_to_sticky_poll_ratio=0.5,
    )


def build_worker(
    client: Client, activities: CaseActivities, settings: Settings, task_queue: str = TASK_QUEUE
) -> Worker:
    """A worker for the LicenseCase and Appeal workflows on `task_queue`."""
    return Worker(
        client,
        task_queue=task_queue,
        workflows=[LicenseCase, Licence, Appeal],
        activities=[activities.publish_event, activities.publish_events],
        workflow_runner=workflow_runner(),
        **worker_tuning(settings),
    )


async def run_worker(
    settings: Settings, on_ready: Callable[[], Awaitable[None]] | None = None
) -> None:
    """Run the worker until cancelled; `on_ready` runs once it polls its task queue."""
    endpoints = settings.endpoints()
    # Public keys only: the worker verifies actors' tokens, it never signs one.
    actors.install(key_ring(settings))
    client = await connect(settings)
    await refuse_unsupported_cases(client)
    # No lingering: a case's local activity holds its workflow task open until the broker
    # acknowledges, and a batch is one activity's events, all sent at once.
    producer = await start_producer(
        endpoints.kafka,
        "caseflow-worker",
        kafka_security(settings),
        compression=settings.kafka_compression,
        linger_ms=0,
    )
    unexpose = scraped_from_store("cases", case_families(client))
    try:
        log.info(
            "worker running",
            task_queue=TASK_QUEUE,
            temporal=endpoints.temporal,
            cached_workflows=settings.worker_cached_workflows,
        )
        worker = build_worker(client, CaseActivities(producer), settings)
        running = asyncio.create_task(worker.run())
        if on_ready is not None:
            await on_ready()
        await running
    finally:
        unexpose()
        await producer.stop()


if __name__ == "__main__":
    asyncio.run(run_worker(Settings()))
