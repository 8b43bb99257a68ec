"""The worker process: runs LicenseCase workflows and their activities."""

from __future__ import annotations

import asyncio
import pkgutil
from collections.abc import Awaitable, Callable

import structlog
from temporalio.client import Client
from temporalio.worker import Worker
from temporalio.worker.workflow_sandbox import SandboxedWorkflowRunner, SandboxRestrictions

import workflows
from caseflow.kafka import start_producer
from caseflow.metrics import scraped_from_store
from caseflow.settings import Settings
from workflows import TASK_QUEUE
from workflows.activities import CaseActivities
from workflows.client import connect
from workflows.license_case import LicenseCase
from workflows.telemetry import case_families

log = structlog.get_logger(__name__)


def workflow_runner() -> SandboxedWorkflowRunner:
    """The sandbox, loading anew for each case only the module that defines the workflow.

    caseflow's other modules are deterministic and keep no state, so they come from the host:
    re-importing them (and pydantic models) per case cost more than the rest of a case's first
    task. `from workflows import review` style imports need this too, as Python looks up such a
    submodule in `sys.modules` without asking the sandbox's importer.
    """
    own = (
        f"{workflows.__name__}.{module.name}"
        for module in pkgutil.iter_modules(workflows.__path__)
        if module.name != LicenseCase.__module__.rpartition(".")[2]
    )
    return SandboxedWorkflowRunner(
        restrictions=SandboxRestrictions.default.with_passthrough_modules(
            "pydantic", "pydantic_core", "schemas", *own
        )
    )


def build_worker(
    client: Client, activities: CaseActivities, task_queue: str = TASK_QUEUE
) -> Worker:
    """A worker for the LicenseCase workflow on `task_queue`."""
    return Worker(
        client,
        task_queue=task_queue,
        workflows=[LicenseCase],
        activities=[activities.publish_event, activities.publish_events],
        workflow_runner=workflow_runner(),
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
