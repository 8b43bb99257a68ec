"""End-to-end throughput and latency of caseflow, beside a baseline workflow on the same Temporal.

Pushes N sample cases through the running stack (started if needed) and measures cases per
second and the latency from submission to awaiting review (p50, p95, p99). In the same run, a
baseline workflow (one activity, one signal) runs N times on the same server; the ratio shows
what caseflow's services and checks cost on top of Temporal itself.

    .venv/bin/python bench/e2e.py --cases 200
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import time
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from common import caseflow_up
from rich.console import Console
from rich.table import Table
from temporalio import activity, workflow
from temporalio.client import Client
from temporalio.worker import UnsandboxedWorkflowRunner, Worker

from caseflow.settings import Settings
from entrypoints.agency_client import publish_submissions
from entrypoints.samples import sample_applications, submission
from workflows.case_client import case_view, find_cases


@activity.defn
async def baseline_step(name: str) -> str:
    """The baseline's one activity."""
    return name


@workflow.defn
class BaselineCase:
    """One activity, then wait for one signal: the least a case workflow does."""

    def __init__(self) -> None:
        self._signalled = False

    @workflow.run
    async def run(self, name: str) -> str:
        await workflow.execute_activity(
            baseline_step, name, start_to_close_timeout=timedelta(seconds=30)
        )
        await workflow.wait_condition(lambda: self._signalled)
        return name

    @workflow.signal
    def proceed(self) -> None:
        self._signalled = True


@dataclass
class Figures:
    """What one side of the comparison measured."""

    count: int
    seconds: float
    latencies_ms: list[float]

    @property
    def per_second(self) -> float:
        return self.count / self.seconds

    def percentile(self, share: float) -> float:
        ordered = sorted(self.latencies_ms)
        return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


async def caseflow_run(settings: Settings, client: Client, count: int) -> Figures:
    """Submit `count` cases and wait until every one awaits a reviewer."""
    endpoints = settings.endpoints()
    run = uuid.uuid4().hex[:6]
    applications = [
        application
        for batch in range(count // 6 + 1)
        for application in sample_applications(f"-b{run}{batch:05d}")
    ][:count]
    since = datetime.now(UTC)
    messages = [
        (envelope.subject, envelope.to_bytes())
        for envelope in (submission(application) for application in applications)
    ]
    began = time.monotonic()
    await publish_submissions(endpoints.kafka, messages)
    query = f"CaseStatus = 'under_review' AND StartTime >= '{since.isoformat()}'"
    found = await find_cases(client, query, limit=count + 10)
    while len(found) < count:
        await asyncio.sleep(0.5)
        found = await find_cases(client, query, limit=count + 10)
    elapsed = time.monotonic() - began
    latencies = []
    for case in found:
        view = await case_view(client, case.case_id)
        reviewable = next(entry.at for entry in view.timeline if entry.status == "under_review")
        latencies.append((reviewable - since).total_seconds() * 1000)
    return Figures(count, elapsed, latencies)


async def baseline_run(client: Client, count: int) -> Figures:
    """Start `count` baseline workflows, signal each, wait for all to finish."""
    queue = f"bench-baseline-{uuid.uuid4().hex[:6]}"
    # Unsandboxed: the sandbox would re-import this script; caseflow's own worker is sandboxed,
    # so the baseline is, if anything, slightly favoured.
    async with Worker(
        client,
        task_queue=queue,
        workflows=[BaselineCase],
        activities=[baseline_step],
        workflow_runner=UnsandboxedWorkflowRunner(),
    ):
        began = time.monotonic()
        starts: dict[str, float] = {}

        async def one(index: int) -> float:
            name = f"{queue}-{index}"
            starts[name] = time.monotonic()
            handle = await client.start_workflow(BaselineCase.run, name, id=name, task_queue=queue)
            await handle.signal(BaselineCase.proceed)
            await handle.result()
            return (time.monotonic() - starts[name]) * 1000

        latencies = await asyncio.gather(*(one(index) for index in range(count)))
        return Figures(count, time.monotonic() - began, list(latencies))


async def main(count: int) -> None:
    console = Console()
    settings, client = await caseflow_up(console)
    console.print(f"pushing {count} cases through caseflow …")
    cases = await caseflow_run(settings, client, count)
    console.print(f"running {count} baseline workflows …")
    baseline = await baseline_run(client, count)
    table = Table("run", "count", "per second", "p50 ms", "p95 ms", "p99 ms")
    for name, figures in (
        ("caseflow (submission → review)", cases),
        ("baseline (1 activity, 1 signal)", baseline),
    ):
        table.add_row(
            name,
            str(figures.count),
            f"{figures.per_second:.1f}",
            *(f"{figures.percentile(share):.0f}" for share in (0.5, 0.95, 0.99)),
        )
    console.print(table)
    ratio = cases.per_second / baseline.per_second
    console.print(
        f"caseflow reaches {ratio:.2f} times the baseline's throughput "
        f"(mean latency {statistics.mean(cases.latencies_ms):.0f} ms)"
    )
    print(
        json.dumps(
            {
                "cases": count,
                "cases_per_s": round(cases.per_second, 2),
                "p50_ms": round(cases.percentile(0.5)),
                "p95_ms": round(cases.percentile(0.95)),
                "p99_ms": round(cases.percentile(0.99)),
                "baseline_per_s": round(baseline.per_second, 2),
                "baseline_p99_ms": round(baseline.percentile(0.99)),
                "ratio_to_baseline": round(ratio, 3),
            }
        )
    )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=120, help="How many cases to push.")
    asyncio.run(main(parser.parse_args().cases))
