"""Soak: caseflow at a fixed submission rate for a set time, watched for latency and memory.

Submits the sample applications under fresh references at `--rate` per second for `--duration`
seconds, follows every case on caseflow.cases as its agency does, acts as the reviewers (an
officer claims and approves each case; a senior officer countersigns what needs it), and reports
throughput, latency percentiles (submission → under review, submission → decided) and the memory
of every process (RSS at start and end, read through the supervisor's pid files).

    .venv/bin/python bench/soak.py --rate 2 --duration 600
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

import psutil
from aiokafka import AIOKafkaConsumer
from common import caseflow_up
from rich.console import Console
from rich.table import Table
from temporalio.client import Client

from caseflow.auth import Principal, Role
from caseflow.auth.tokens import issuer
from caseflow.kafka import start_producer
from entrypoints.agency_client import gateway_headers
from entrypoints.samples import sample_applications, sample_assessment, submission
from entrypoints.stack import list_processes
from schemas.cases import DecisionOutcome
from schemas.topics import CASES, SUBMISSIONS
from workflows.case_client import claim, countersign, decide
from workflows.tasks import Countersignature, ReviewDecision, Reviewer, ReviewerRole, ReviewerTask

OFFICER = Reviewer(id="officer-soak", role=ReviewerRole.LICENSING_OFFICER)
SENIOR = Reviewer(id="senior-soak", role=ReviewerRole.SENIOR_OFFICER)
SOAK_CONDITION = "Post-shipment verification of the end use"
REVIEWERS = 4  # reviewer actions in parallel
MB = 1024 * 1024


@dataclass
class Clocks:
    """When each agency reference was sent, came under review and was decided (monotonic)."""

    sent: dict[str, float] = field(default_factory=dict)
    reviewable: dict[str, float] = field(default_factory=dict)
    decided: dict[str, float] = field(default_factory=dict)
    review_failures: int = 0
    sending_done: bool = False
    all_decided: asyncio.Event = field(default_factory=asyncio.Event)

    def note_decided(self, reference: str) -> None:
        """Record a decision; once sending is over and every case is decided, say so."""
        self.decided.setdefault(reference, time.monotonic())
        if self.sending_done and len(self.decided) >= len(self.sent):
            self.all_decided.set()

    def latencies_ms(self, reached: dict[str, float]) -> list[float]:
        return sorted((at - self.sent[ref]) * 1000 for ref, at in reached.items())


def percentile(ordered: list[float], share: float) -> float:
    """The value below which `share` of the sorted figures fall (0 when there are none)."""
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))] if ordered else 0.0


def applications(run: str) -> Iterator[tuple[str, str, bytes]]:
    """(reference, key, bytes) of the samples under fresh references, without end."""
    batch = 0
    while True:
        for application in sample_applications(f"-soak{run}{batch:05d}"):
            envelope = submission(application)
            yield application.agency_reference, envelope.subject, envelope.to_bytes()
        batch += 1


async def submit_at_rate(kafka: str, rate: float, duration: float, clocks: Clocks) -> None:
    """Send one submission every 1/rate seconds (open loop: the system's pace does not matter)."""
    producer = await start_producer(kafka, "caseflow-soak")
    began = time.monotonic()
    try:
        for index, (reference, key, body) in enumerate(applications(uuid.uuid4().hex[:6])):
            due = began + index / rate
            if due >= began + duration:
                break
            await asyncio.sleep(max(0.0, due - time.monotonic()))
            clocks.sent[reference] = time.monotonic()
            await producer.send(
                SUBMISSIONS.name, body, key=key.encode(), headers=gateway_headers(key)
            )
    finally:
        await producer.stop()


async def follow_cases(kafka: str, clocks: Clocks, tasks: asyncio.Queue[tuple[str, str]]) -> None:
    """Read caseflow.cases as the agencies do; hand reviewer work to the desk."""
    consumer = AIOKafkaConsumer(CASES.name, bootstrap_servers=kafka, auto_offset_reset="latest")
    await consumer.start()
    try:
        async for record in consumer:
            event = json.loads(record.value)
            data, now = event["data"], time.monotonic()
            reference = data.get("agency_reference", "")
            if reference not in clocks.sent:
                continue
            if event["type"] == "CaseDecided.v1":
                clocks.note_decided(reference)
            elif event["type"] == "CaseStatusChanged.v1" and data["status"] == "under_review":
                if reference not in clocks.reviewable:
                    clocks.reviewable[reference] = now
                    tasks.put_nowait(("decide", data["case_id"]))
            elif event["type"] == "CaseStatusChanged.v1" and data["status"] == "signed_off":
                tasks.put_nowait(("countersign", data["case_id"]))
    finally:
        await consumer.stop()


async def review(
    client: Client, tasks: asyncio.Queue[tuple[str, str]], clocks: Clocks, tokens: dict[str, str]
) -> None:
    """An officer claims and approves; a senior officer countersigns (risky approvals); each
    acts with their signed token."""
    while True:
        action, case_id = await tasks.get()
        try:
            if action == "decide":
                await claim(client, case_id, ReviewerTask(token=tokens[OFFICER.id]))
                # With conditions, as a high-risk approval names them as its mitigations.
                approval = ReviewDecision(
                    token=tokens[OFFICER.id],
                    outcome=DecisionOutcome.APPROVED_WITH_CONDITIONS,
                    rationale="Soak: approved.",
                    conditions=[SOAK_CONDITION],
                    assessment=sample_assessment("Soak run.", mitigations=[SOAK_CONDITION]),
                )
                await decide(client, case_id, approval)
            else:
                await countersign(client, case_id, Countersignature(token=tokens[SENIOR.id]))
        except Exception:
            clocks.review_failures += 1


def memory_mb(state_dir: Path) -> dict[str, float]:
    """RSS of every supervised process with its children (PostgreSQL's backends), in MB."""
    sizes = {}
    for status in list_processes(state_dir):
        if status.pid is None or status.state != "running":
            continue
        with contextlib.suppress(psutil.Error):
            process = psutil.Process(status.pid)
            family = [process, *process.children(recursive=True)]
            sizes[status.name] = sum(member.memory_info().rss for member in family) / MB
    return sizes


async def wait_for_drain(clocks: Clocks, drain: float) -> None:
    """After the last submission, wait (at most `drain` s) for the cases in flight to decide."""
    clocks.sending_done = True
    if len(clocks.decided) >= len(clocks.sent):
        return
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(clocks.all_decided.wait(), drain)


async def soak(rate: float, duration: float, drain: float) -> dict[str, object]:
    """Run the soak; return its figures."""
    console = Console(stderr=True)
    settings, client = await caseflow_up(console)
    endpoints = settings.endpoints()
    clocks, tasks = Clocks(), asyncio.Queue[tuple[str, str]]()
    memory_before = memory_mb(settings.state_dir.resolve())
    helpers = [asyncio.create_task(follow_cases(endpoints.kafka, clocks, tasks))]
    signing, lasting = issuer(settings), timedelta(seconds=duration + drain + 3600)
    tokens = {
        who.id: signing.issue(Principal(name=who.id, role=Role(who.role.value)), lasting)
        for who in (OFFICER, SENIOR)
    }
    helpers += [
        asyncio.create_task(review(client, tasks, clocks, tokens)) for _ in range(REVIEWERS)
    ]
    await asyncio.sleep(2)  # the follower has joined the topic before the first submission
    began = time.monotonic()
    console.print(f"submitting {rate:g} per second for {duration:g} s …")
    await submit_at_rate(endpoints.kafka, rate, duration, clocks)
    console.print(f"{len(clocks.sent)} sent; waiting up to {drain:g} s for cases in flight …")
    await wait_for_drain(clocks, drain)
    elapsed = time.monotonic() - began
    memory_after = memory_mb(settings.state_dir.resolve())
    result = figures(clocks, rate, duration, elapsed, memory_before, memory_after)
    for helper in helpers:
        helper.cancel()
    await asyncio.wait(helpers, timeout=10)  # a Kafka or Temporal call may linger on cancel
    return result


def figures(
    clocks: Clocks,
    rate: float,
    duration: float,
    elapsed: float,
    memory_before: dict[str, float],
    memory_after: dict[str, float],
) -> dict[str, object]:
    """What the run measured, as printed in the final JSON line."""
    reviewable = clocks.latencies_ms(clocks.reviewable)
    decided = clocks.latencies_ms(clocks.decided)
    return {
        "rate_per_s": rate,
        "duration_s": duration,
        "submitted": len(clocks.sent),
        "under_review": len(clocks.reviewable),
        "decided": len(clocks.decided),
        "decided_per_s": round(len(clocks.decided) / elapsed, 2),
        "review_p50_ms": round(percentile(reviewable, 0.5)),
        "review_p95_ms": round(percentile(reviewable, 0.95)),
        "review_p99_ms": round(percentile(reviewable, 0.99)),
        "decided_p50_ms": round(percentile(decided, 0.5)),
        "decided_p95_ms": round(percentile(decided, 0.95)),
        "decided_p99_ms": round(percentile(decided, 0.99)),
        "review_failures": clocks.review_failures,
        "rss_mb": {
            name: [round(memory_before.get(name, 0.0)), round(size)]
            for name, size in sorted(memory_after.items())
        },
    }


def report(result: dict[str, object]) -> None:
    """The figures as tables, then one line of JSON."""
    console = Console()
    table = Table("figure", "value")
    for name, value in result.items():
        if name != "rss_mb":
            table.add_row(name, str(value))
    console.print(table)
    memory = Table("process", "RSS start MB", "RSS end MB", "growth MB")
    rss = result["rss_mb"]
    assert isinstance(rss, dict)
    for name, (start, end) in rss.items():
        memory.add_row(name, str(start), str(end), f"{end - start:+d}")
    console.print(memory)
    print(json.dumps(result))


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rate", type=float, default=2.0, help="Submissions per second.")
    parser.add_argument("--duration", type=float, default=600.0, help="Seconds of submitting.")
    parser.add_argument(
        "--drain", type=float, default=120.0, help="Seconds to wait for cases still in flight."
    )
    arguments = parser.parse_args()
    report(asyncio.run(soak(arguments.rate, arguments.duration, arguments.drain)))
