"""A case page from the register of record, with 100,000 closed cases in it.

Starts PostgreSQL only (the embedded server, in a state folder of its own), creates the
register's schema afresh, fills it with closed cases (each the nine events of a denied case as
the services publish them: registered, screened, claimed, signed off, countersigned, decided,
with status changes) and serves the register's HTTP API as its process does (signed tokens of
an enabled account). Then reads random case pages (`GET /cases/{control number}`, the case file
the desk and the CLI show) one after another over HTTP, and the list of closed cases.

Baseline, in the same run: the same reads while the register holds 1,000 cases, before it is
filled to the full count; the ratio shows what 100 times more cases cost a page.

    .venv/bin/python bench/register.py --cases 100000 --reads 1000
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import json
import random
import statistics
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import asyncpg
import httpx
from common import served_register
from rich.console import Console

from caseflow.auth import Principal, Role
from entrypoints.register_samples import decided_case
from services.register.domain import recorded, summarise

TARGET_P99_MS = 100
BASELINE_CASES = 1_000
TEMPLATE_CASE, TEMPLATE_CONTROL = "00000000-0000-4000-8000-000000000000", "T000000"
console = Console(stderr=True)


def _template() -> list[tuple[str, str, str, str]]:
    """(topic, type, time, envelope JSON) of one case, its ids to be replaced per case."""
    decided_at = datetime(2026, 1, 5, tzinfo=UTC)
    events = decided_case(TEMPLATE_CASE, TEMPLATE_CONTROL, decided_at, "BENCH-000000")
    return [
        (topic, str(envelope["type"]).split(".v")[0], str(envelope["time"]), json.dumps(envelope))
        for topic, envelope in events
    ]


def _case_rows(
    n: int, template: list[tuple[str, str, str, str]]
) -> tuple[list[tuple[object, ...]], tuple[object, ...]]:
    """The event rows and the case line of the n-th bench case."""
    case_id, control = str(uuid.UUID(int=n + 1, version=4)), f"B{n:06d}"
    shift = timedelta(minutes=n)
    rows: list[tuple[object, ...]] = []
    envelopes = []
    for topic, kind, at, text in template:
        event_id = uuid.uuid4()
        body = text.replace(TEMPLATE_CASE, case_id).replace(TEMPLATE_CONTROL, control)
        body = body.replace("BENCH-000000", f"BENCH-{n:06d}")
        envelope = json.loads(body)
        envelope["id"] = str(event_id)
        envelopes.append((topic, envelope))
        document = json.dumps(envelope)
        digest = hashlib.sha256(document.encode()).hexdigest()
        occurred = datetime.fromisoformat(at) - shift
        rows.append((event_id, case_id, topic, kind, occurred, digest, document))
    line = summarise(case_id, [recorded(e, t) for t, e in envelopes])
    columns = (
        line.case_id, line.control_number, line.submitting_agency, line.agency_reference,
        line.destination_country, line.control_codes, line.risk_level, line.status,
        line.outcome, line.registered_at, line.decided_at - shift if line.decided_at else None,
        line.decided_by,
    )  # fmt: skip
    return rows, columns


async def _fill(pool: asyncpg.Pool, first: int, last: int) -> float:
    """Cases first..last-1 into the register (COPY, in batches); seconds taken."""
    template, started, batch = _template(), time.perf_counter(), 2_000
    for start in range(first, last, batch):
        events, lines = [], []
        for n in range(start, min(start + batch, last)):
            rows, line = _case_rows(n, template)
            events += rows
            lines.append(line)
        async with pool.acquire() as connection, connection.transaction():
            await connection.copy_records_to_table(
                "events",
                records=events,
                columns=[
                    "event_id",
                    "case_id",
                    "topic",
                    "event_type",
                    "occurred_at",
                    "digest",
                    "envelope",
                ],
            )
            await connection.copy_records_to_table(
                "cases",
                records=lines,
                columns=[
                    "case_id", "control_number", "submitting_agency", "agency_reference",
                    "destination_country", "control_codes", "risk_level", "status", "outcome",
                    "registered_at", "decided_at", "decided_by",
                ],
            )  # fmt: skip
        console.print(f"  {min(start + batch, last):,} cases", end="\r")
    async with pool.acquire() as connection:
        await connection.execute("ANALYZE events; ANALYZE cases")
    return time.perf_counter() - started


async def _reads(http: httpx.AsyncClient, held: int, reads: int) -> dict[str, float]:
    """Random case pages, then lists of closed cases, one after another: p50/p95/p99 in ms."""
    pages, lists = [], []
    for _ in range(reads):
        control = f"B{random.randrange(held):06d}"
        started = time.perf_counter()
        answer = await http.get(f"/cases/{control}")
        pages.append((time.perf_counter() - started) * 1000)
        assert answer.status_code == 200, answer.text
        assert answer.json()["control_number"] == control
    for _ in range(max(reads // 10, 10)):
        started = time.perf_counter()
        answer = await http.get("/cases", params={"limit": 50})
        lists.append((time.perf_counter() - started) * 1000)
        assert answer.status_code == 200
    return {**_figures("page", pages), **_figures("list", lists)}


def _figures(name: str, timings: list[float]) -> dict[str, float]:
    cuts = statistics.quantiles(timings, n=100)
    return {
        f"{name}_p50_ms": round(cuts[49], 2),
        f"{name}_p95_ms": round(cuts[94], 2),
        f"{name}_p99_ms": round(cuts[98], 2),
    }


async def main(cases: int, reads: int, state_dir: Path) -> dict[str, object]:
    operator = Principal(name="bench-operator", role=Role.OPERATOR)
    async with served_register(console, state_dir, operator, read_timeout=30) as register:
        pool, http = register.pool, register.http
        console.print(f"filling {BASELINE_CASES:,} cases (baseline) …")
        await _fill(pool, 0, BASELINE_CASES)
        await _reads(http, BASELINE_CASES, 50)  # warm up
        baseline = await _reads(http, BASELINE_CASES, reads)
        console.print(f"filling up to {cases:,} cases …")
        fill_seconds = await _fill(pool, BASELINE_CASES, cases)
        await _reads(http, cases, 50)
        full = await _reads(http, cases, reads)
    return {
        "bench": "register",
        "cases": cases,
        "events": cases * len(_template()),
        "reads": reads,
        "fill_seconds": round(fill_seconds, 1),
        **full,
        "target_page_p99_ms": TARGET_P99_MS,
        "page_p99_within_target": full["page_p99_ms"] <= TARGET_P99_MS,
        "baseline_cases": BASELINE_CASES,
        **{f"baseline_{key}": value for key, value in baseline.items()},
    }


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--reads", type=int, default=1_000)
    parser.add_argument("--state-dir", type=Path, default=Path(".state/bench-register"))
    arguments = parser.parse_args()
    figures = asyncio.run(main(arguments.cases, arguments.reads, arguments.state_dir))
    print(json.dumps(figures))
