"""Reviewer action latency: Temporal Updates and the case view, beside a trivial baseline.

Pushes N cases to review (as bench/e2e.py does), then reviewers work on them side by side as
`caseflow claim/release/decide` do (workflows/case_client.py): read the case, claim, read it again,
release, claim again, decide (return without action). Measures each Update's round trip and the
case-view query (p50, p95, p99). In the same run, a trivial workflow with a one-line Update and
Query, on the same server and served by a worker process of its own, is worked on the same way;
the ratio shows what caseflow's rules, search attributes, case card, publishing and the
verification of each action's signed token add to Temporal's own round trip.

Reviewers read before they act: each waits a think time before every step (drawn around
`--think`, the same draws on both sides), so the load is a busy desk's rather than a stress
test's. `--think 0` runs them back to back, every core busy, to show where latency goes under
saturation. Reviewers start once every consumer has handled the burst that opened the cases.

    .venv/bin/python bench/review.py --cases 60 --reviewers 6 --think 1
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import sys
import time
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from common import caseflow_up, settled
from e2e import Figures, caseflow_run
from rich.console import Console
from rich.table import Table
from temporalio import workflow
from temporalio.client import Client
from temporalio.worker import UnsandboxedWorkflowRunner, Worker

from caseflow.auth import Principal, Role
from caseflow.auth.tokens import ALGORITHM, issuer, key_ring
from caseflow.settings import Settings
from entrypoints.samples import sample_assessment
from schemas.cases import DecisionOutcome
from workflows import case_client
from workflows.client import connect
from workflows.tasks import ReviewDecision, Reviewer, ReviewerRole, ReviewerTask

TARGET_P99_MS = 200
Timings = dict[str, list[float]]


@dataclass
class Pace:
    """How long a reviewer reads before each step: uniform around `think` seconds, drawn from
    one seeded generator per side, so both sides pause alike."""

    think: float
    draws: random.Random = field(default_factory=lambda: random.Random(7))

    async def read(self) -> None:
        """Pause as a reviewer reading the page would."""
        if self.think > 0:
            await asyncio.sleep(self.draws.uniform(0.5, 1.5) * self.think)


@workflow.defn
class BaselineDesk:
    """A trivial case: an Update that records who claims it, a Query that answers it."""

    def __init__(self) -> None:
        self._holder = ""
        self._closed = False

    @workflow.run
    async def run(self) -> str:
        await workflow.wait_condition(lambda: self._closed)
        return self._holder

    @workflow.update
    def hold(self, reviewer: str) -> str:
        self._holder = reviewer
        return reviewer

    @workflow.query
    def view(self) -> str:
        return self._holder

    @workflow.signal
    def close(self) -> None:
        self._closed = True


@dataclass
class Stopwatch:
    """Times each action after its reader's pause."""

    pace: Pace
    timings: Timings = field(default_factory=dict)

    async def timed(self, kind: str, action: Callable[[], Awaitable[object]]) -> None:
        """Read, then run `action`, adding its round trip in milliseconds under `kind`."""
        await self.pace.read()
        began = time.perf_counter()
        await action()
        self.timings.setdefault(kind, []).append((time.perf_counter() - began) * 1000)


async def review_case(
    client: Client, case_id: str, reviewer: Reviewer, token: str, watch: Stopwatch
) -> None:
    """One reviewer's work on one case, as the desk commands do it: every Update carries the
    reviewer's signed token, which the workflow's validator verifies (ES256, public keys)."""
    task = ReviewerTask(token=token)
    role, who = reviewer.role, reviewer.id
    await watch.timed("view", lambda: case_client.case_view(client, case_id, role, who))
    await watch.timed("claim", lambda: case_client.claim(client, case_id, task))
    await watch.timed("view", lambda: case_client.case_view(client, case_id, role, who))
    await watch.timed("release", lambda: case_client.release(client, case_id, task))
    await watch.timed("claim", lambda: case_client.claim(client, case_id, task))
    decision = ReviewDecision(
        token=token,
        outcome=DecisionOutcome.RETURNED_WITHOUT_ACTION,
        rationale="benchmark: returned without action",
        assessment=sample_assessment("Returned: no licence is required."),
    )
    await watch.timed("decide", lambda: case_client.decide(client, case_id, decision))


async def review_baseline(client: Client, workflow_id: str, who: str, watch: Stopwatch) -> None:
    """The same steps on the trivial workflow (its one Update stands for every action)."""
    handle = client.get_workflow_handle(workflow_id)
    for kind in ("view", "claim", "view", "release", "claim", "decide"):
        if kind == "view":
            await watch.timed(kind, lambda: handle.query(BaselineDesk.view))
        else:
            await watch.timed(kind, lambda: handle.execute_update(BaselineDesk.hold, who))


async def work_through(
    items: list[str], reviewers: int, work: Callable[[str, int], Awaitable[None]]
) -> float:
    """`reviewers` at work side by side until every item is done; the seconds it took."""
    queue: asyncio.Queue[str] = asyncio.Queue()
    for item in items:
        queue.put_nowait(item)

    async def reviewer(number: int) -> None:
        while not queue.empty():
            await work(queue.get_nowait(), number)

    began = time.perf_counter()
    await asyncio.gather(*(reviewer(number) for number in range(reviewers)))
    return time.perf_counter() - began


def verification_timings(settings: Settings, samples: int = 1000) -> Timings:
    """What verifying one action's token costs a worker (ES256 with its public keys), apart from
    the round trip it is part of."""
    verifier = key_ring(settings)
    token = issuer(settings).issue(
        Principal(name="bench-officer", role=Role.LICENSING_OFFICER), timedelta(hours=1)
    )
    timings: Timings = {}
    for _ in range(samples):
        began = time.perf_counter()
        verifier.verify(token)
        timings.setdefault("verify", []).append((time.perf_counter() - began) * 1000)
    return timings


async def caseflow_side(
    settings: Settings, client: Client, count: int, reviewers: int, think: float
) -> Timings:
    """Push `count` cases to review, then work through them."""
    since = datetime.now(UTC)
    await caseflow_run(settings, client, count)
    query = f"CaseStatus = 'under_review' AND StartTime >= '{since.isoformat()}'"
    cases = [case.case_id for case in await case_client.find_cases(client, query, limit=count + 10)]
    waited = await settled(settings.endpoints().kafka)
    print(f"every consumer settled after {waited:.1f} s; reviewers at work …", flush=True)
    watch = Stopwatch(Pace(think))
    officers = [
        Reviewer(id=f"bench-officer-{number}", role=ReviewerRole.LICENSING_OFFICER)
        for number in range(reviewers)
    ]
    # Each reviewer signs in once, as at the desk: the desk's issuer signs their tokens.
    signing = issuer(settings)
    tokens = [
        signing.issue(Principal(name=officer.id, role=Role.LICENSING_OFFICER), timedelta(hours=1))
        for officer in officers
    ]

    async def work(case_id: str, number: int) -> None:
        await review_case(client, case_id, officers[number], tokens[number], watch)

    await work_through(cases, reviewers, work)
    return watch.timings


async def serve_baseline(queue: str) -> None:
    """The baseline's worker, run in a process of its own as caseflow's worker is."""
    settings = Settings()
    client = await connect(settings)
    # Unsandboxed: the sandbox would re-import this script.
    runner = UnsandboxedWorkflowRunner()
    await Worker(client, task_queue=queue, workflows=[BaselineDesk], workflow_runner=runner).run()


async def baseline_side(client: Client, count: int, reviewers: int, think: float) -> Timings:
    """Start `count` trivial workflows and work through them the same way."""
    queue = f"bench-desk-{uuid.uuid4().hex[:6]}"
    worker = await asyncio.create_subprocess_exec(
        sys.executable, __file__, "--serve-baseline", queue
    )
    watch = Stopwatch(Pace(think))
    try:
        ids = [f"{queue}-{index}" for index in range(count)]
        for workflow_id in ids:
            await client.start_workflow(BaselineDesk.run, id=workflow_id, task_queue=queue)
        # The first answer shows the worker is up; it is not counted.
        await client.get_workflow_handle(ids[0]).execute_update(BaselineDesk.hold, "warm-up")

        async def work(workflow_id: str, number: int) -> None:
            await review_baseline(client, workflow_id, f"bench-officer-{number}", watch)

        await work_through(ids, reviewers, work)
        for workflow_id in ids:
            await client.get_workflow_handle(workflow_id).signal(BaselineDesk.close)
    finally:
        worker.terminate()
        await worker.wait()
    return watch.timings


def figures(timings: Timings, kinds: tuple[str, ...]) -> Figures:
    """The latencies of `kinds` together."""
    latencies = [latency for kind in kinds for latency in timings.get(kind, [])]
    return Figures(len(latencies), 1.0, latencies)


UPDATES = ("claim", "release", "decide")
ROWS = (("update (all)", UPDATES), *((kind, (kind,)) for kind in UPDATES), ("view", ("view",)))


def report(console: Console, cases: Timings, baseline: Timings) -> dict[str, object]:
    """Print the table; return the figures for the JSON line."""
    table = Table("action", "run", "count", "p50 ms", "p95 ms", "p99 ms")
    shares = (0.5, 0.95, 0.99)
    for name, kinds in ROWS:
        for side, timings in (("caseflow", cases), ("baseline", baseline)):
            measured = figures(timings, kinds)
            table.add_row(
                name,
                side,
                str(measured.count),
                *(f"{measured.percentile(share):.0f}" for share in shares),
            )
    console.print(table)
    line: dict[str, object] = {}
    for prefix, kinds in (("update", UPDATES), ("view", ("view",))):
        for side, timings in (("", cases), ("baseline_", baseline)):
            measured = figures(timings, kinds)
            for share in shares:
                line[f"{side}{prefix}_p{round(share * 100)}_ms"] = round(
                    measured.percentile(share), 1
                )
    line["update_p99_ratio_to_baseline"] = round(
        figures(cases, UPDATES).percentile(0.99) / figures(baseline, UPDATES).percentile(0.99), 2
    )
    line["target_p99_ms"] = TARGET_P99_MS
    line["token_verification"] = ALGORITHM
    return line


async def main(count: int, reviewers: int, think: float) -> None:
    console = Console()
    settings, client = await caseflow_up(console)
    console.print(
        f"pushing {count} cases to review, then {reviewers} reviewers work on them "
        f"(about {think:g} s reading before each step) …"
    )
    cases = await caseflow_side(settings, client, count, reviewers, think)
    console.print(f"the same on {count} baseline workflows …")
    baseline = await baseline_side(client, count, reviewers, think)
    line = report(console, cases, baseline)
    verify = figures(verification_timings(settings), ("verify",))
    line["token_verify_p99_ms"] = round(verify.percentile(0.99), 2)
    print(json.dumps({"cases": count, "reviewers": reviewers, "think_s": think, **line}))


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=60, help="How many cases to review.")
    parser.add_argument("--reviewers", type=int, default=6, help="Reviewers working at once.")
    parser.add_argument(
        "--think",
        type=float,
        default=1.0,
        help="Seconds a reviewer reads before each step, on average (0: back to back).",
    )
    parser.add_argument("--serve-baseline", metavar="QUEUE", help=argparse.SUPPRESS)
    arguments = parser.parse_args()
    if arguments.serve_baseline:
        asyncio.run(serve_baseline(arguments.serve_baseline))
    else:
        asyncio.run(main(arguments.cases, arguments.reviewers, arguments.think))
