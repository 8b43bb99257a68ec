"""The annual report over a register holding 100,000 cases decided in the year.

Starts PostgreSQL only (the embedded server, in a state folder of its own), creates the
register's schema afresh and records a generated year of decided cases through the register's
write path (entrypoints/register_sample_year.py: registrations, consultations, breaches, decisions
with their grounds, appeals, notices between states). Recording costs a few milliseconds of
Python per event, so the full count is reached by copying that year inside PostgreSQL, each copy
a case of its own (new ids, the same dates): the report reads what it would read from a real
year of that size. Then asks the register's HTTP API for the report (`GET /reports/annual`, what
`caseflow report` and the desk call), with a signed token of an enabled account, several times.

Baseline, in the same run: the same report while the register holds 1,000 cases, before the
copies are made.

    .venv/bin/python bench/report.py --cases 100000
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import time
from pathlib import Path

import asyncpg
import httpx
from common import served_register
from rich.console import Console

from caseflow.annual_report import to_html
from caseflow.auth import Principal, Role
from caseflow.uow import PostgresStore
from entrypoints.register_sample_year import generate_year
from schemas.report import AnnualReport
from schemas.topics import SHARING_NOTICES
from services.register.adapters import RegisterUnitOfWork
from services.register.handlers import record, record_many

TARGET_SECONDS = 10.0
BASELINE_CASES = 1_000
YEAR = 2026
console = Console(stderr=True)


async def _record_year(store: PostgresStore[RegisterUnitOfWork], cases: int) -> float:
    """A generated year of `cases` through the register's write path; seconds taken."""
    started, batch = time.perf_counter(), []
    for _, published in generate_year(YEAR, cases):
        batch += [(envelope.to_bytes(), topic) for topic, envelope in published]
    for start in range(0, len(batch), 2_000):
        part = batch[start : start + 2_000]
        async with store.unit_of_work() as uow:
            await record_many(uow, [(raw, t) for raw, t in part if t != SHARING_NOTICES.name])
        for raw, topic in part:
            if topic == SHARING_NOTICES.name:
                async with store.unit_of_work() as uow:
                    await record(uow, raw, topic)
    return time.perf_counter() - started


async def _copy(pool: asyncpg.Pool, copies: int) -> float:
    """Copy every case (events, line) and notice `copies` times, each copy a case of its own."""
    started = time.perf_counter()
    async with pool.acquire() as connection:
        originals = [row[0] for row in await connection.fetch("SELECT case_id FROM cases")]
        notices = [row[0] for row in await connection.fetch("SELECT event_id FROM notices")]
        for k in range(1, copies + 1):
            async with connection.transaction():
                await connection.execute(COPY_EVENTS, f"-{k}", originals)
                await connection.execute(COPY_CASES, f"-{k}", originals)
                await connection.execute(COPY_CONSULTATIONS, f"-{k}", originals)
                await connection.execute(COPY_NOTICES, notices)
            console.print(f"  copy {k:,} of {copies:,}", end="\r")
        await connection.execute("VACUUM ANALYZE events")
        await connection.execute("VACUUM ANALYZE cases")
        await connection.execute("VACUUM ANALYZE notices")
        await connection.execute("VACUUM ANALYZE consultations")
    return time.perf_counter() - started


COPY_EVENTS = (
    "INSERT INTO events (event_id, case_id, topic, event_type, occurred_at, digest, envelope)"
    " SELECT gen_random_uuid(), case_id || $1, topic, event_type, occurred_at, digest,"
    " jsonb_set(envelope, '{data,case_id}', to_jsonb(case_id || $1))"
    " FROM events WHERE case_id = ANY($2::text[])"
)
COPY_CASES = (
    "INSERT INTO cases (case_id, control_number, submitting_agency, agency_reference,"
    " destination_country, control_codes, risk_level, status, outcome, registered_at,"
    " decided_at, decided_by, technologies, human_rights_grounds, deadline_breached)"
    " SELECT case_id || $1, control_number, submitting_agency, agency_reference || $1,"
    " destination_country, control_codes, risk_level, status, outcome, registered_at,"
    " decided_at, decided_by, technologies, human_rights_grounds, deadline_breached"
    " FROM cases WHERE case_id = ANY($2::text[])"
)
COPY_CONSULTATIONS = (
    "INSERT INTO consultations (event_id, case_id, concluded_at, dissent, stakeholder_kinds,"
    " positions, deemed) SELECT gen_random_uuid(), case_id || $1, concluded_at, dissent,"
    " stakeholder_kinds, positions, deemed FROM consultations WHERE case_id = ANY($2::text[])"
)
COPY_NOTICES = (
    "INSERT INTO notices (event_id, notice_type, kind, direction, issuing_state, occurred_at,"
    " envelope) SELECT gen_random_uuid(), notice_type, kind, direction, issuing_state,"
    " occurred_at, envelope FROM notices WHERE event_id = ANY($1::uuid[])"
)


async def _reports(http: httpx.AsyncClient, runs: int) -> tuple[dict[str, float], AnnualReport]:
    """The report asked for `runs` times, one after another: median and slowest seconds."""
    timings, found = [], None
    for _ in range(runs):
        started = time.perf_counter()
        answer = await http.get("/reports/annual", params={"year": YEAR})
        timings.append(time.perf_counter() - started)
        assert answer.status_code == 200, answer.text
        found = AnnualReport.model_validate_json(answer.content)
    assert found is not None
    return {
        "median_s": round(statistics.median(timings), 3),
        "max_s": round(max(timings), 3),
    }, found


async def main(cases: int, runs: int, state_dir: Path) -> dict[str, object]:
    reader = Principal(name="bench-report-officer", role=Role.SENIOR_OFFICER)
    async with served_register(console, state_dir, reader, read_timeout=120) as register:
        pool, store, http = register.pool, register.store, register.http
        console.print(f"recording {BASELINE_CASES:,} cases through the write path …")
        record_seconds = await _record_year(store, BASELINE_CASES)
        async with pool.acquire() as analysing:
            await analysing.execute("ANALYZE")
        await _reports(http, 1)  # warm up
        baseline, small = await _reports(http, runs)
        copies = max(cases // BASELINE_CASES - 1, 0)
        console.print(f"copying to {cases:,} cases …")
        copy_seconds = await _copy(pool, copies)
        await _reports(http, 1)
        full, large = await _reports(http, runs)
        started = time.perf_counter()
        to_html(large)
        html_seconds = time.perf_counter() - started
    return {
        "bench": "report",
        "cases": BASELINE_CASES * (copies + 1),
        "decided_in_year": large.decisions,
        "runs": runs,
        "report_median_s": full["median_s"],
        "report_max_s": full["max_s"],
        "html_charts_s": round(html_seconds, 3),
        "target_s": TARGET_SECONDS,
        "within_target": full["max_s"] <= TARGET_SECONDS,
        "record_seconds_per_1000_cases": round(record_seconds, 1),
        "copy_seconds": round(copy_seconds, 1),
        "baseline_cases": BASELINE_CASES,
        "baseline_decided_in_year": small.decisions,
        "baseline_report_median_s": baseline["median_s"],
        "baseline_report_max_s": baseline["max_s"],
    }


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--state-dir", type=Path, default=Path(".state/bench-report"))
    arguments = parser.parse_args()
    figures = asyncio.run(main(arguments.cases, arguments.runs, arguments.state_dir))
    print(json.dumps(figures))
