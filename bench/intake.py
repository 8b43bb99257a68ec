"""Intake throughput on the real broker and PostgreSQL, and where its time goes.

Publishes N submissions, then starts the intake process and measures how fast it validates and
registers them. In the same run it times validation alone and reading the topic alone, so the
shares of validation, broker and database in intake's time can be told apart.

    .venv/bin/python bench/intake.py --submissions 20000 [--compression zstd]

With --compression the submissions are published compressed with that codec (and intake's own
producers compress with it too). A batch on the topic that no consumer can read is skipped by
the bench's reader as by intake, and counted.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import time
import uuid

import asyncpg
from rich.console import Console
from rich.table import Table

from caseflow.bad_messages.parked_message import ParkedMessage
from caseflow.bad_messages.unreadable_batches import ParkingConsumer
from caseflow.settings import Settings
from entrypoints.agency_client import publish_submissions
from entrypoints.processes import managed
from entrypoints.samples import sample_applications, submission
from entrypoints.stack import start_process, start_stack, stop_process
from schemas.topics import SUBMISSIONS
from services.intake.config import load_policy
from services.intake.domain import examine_message

TARGET_PER_S = 1000


def messages(count: int, run: str) -> list[tuple[str, bytes]]:
    """`count` distinct, valid submissions as the gateway publishes them."""
    built = [
        (envelope.subject, envelope.to_bytes())
        for batch in range(count // 6 + 1)
        for envelope in map(submission, sample_applications(f"-{run}-{batch:05d}"))
    ]
    return built[:count]


def validation_seconds(batch: list[tuple[str, bytes]]) -> float:
    """Time to examine every message, nothing else."""
    policy = load_policy()
    began = time.perf_counter()
    for key, body in batch:
        examine_message(body, policy, key.partition(":")[0])
    return time.perf_counter() - began


async def reading_seconds(bootstrap: str, count: int, skipped: list[ParkedMessage]) -> float:
    """Time to read the last `count` messages of the topic with a fresh consumer group; the
    batches no consumer can read are skipped into `skipped` (not parked: intake parks them)."""

    async def count_skipped(batch: ParkedMessage) -> None:
        skipped.append(batch)

    consumer = ParkingConsumer(
        SUBMISSIONS.name,
        bootstrap_servers=bootstrap,
        group_id=f"bench-{uuid.uuid4().hex}",
        auto_offset_reset="earliest",
        enable_auto_commit=False,
        park=count_skipped,
    )
    await consumer.start()
    try:
        await consumer.getmany(timeout_ms=5000)  # joins the group; partitions assigned
        ends = await consumer.end_offsets(list(consumer.assignment()))
        for partition, end in ends.items():
            consumer.seek(partition, max(0, end - count // len(ends) - 1))
        began, seen = time.perf_counter(), 0
        while seen < count * 0.98:
            batches = await consumer.getmany(timeout_ms=1000, max_records=2000)
            if not batches:
                break
            seen += sum(len(records) for records in batches.values())
        return time.perf_counter() - began
    finally:
        await consumer.stop()


async def registered(database_url: str, run: str) -> int:
    connection = await asyncpg.connect(database_url)
    try:
        count = await connection.fetchval(
            "SELECT count(*) FROM intake.applications WHERE agency_reference LIKE $1", f"%-{run}-%"
        )
    finally:
        await connection.close()
    return int(count)


async def main(count: int, compression: str) -> None:
    console = Console()
    os.environ["CASEFLOW_KAFKA_COMPRESSION"] = compression  # the bench's producers and intake's
    settings = Settings()
    endpoints = await start_stack(settings)
    state_dir = settings.state_dir.resolve()
    run = uuid.uuid4().hex[:8]
    batch = messages(count, run)
    console.print(f"publishing {count} submissions …")
    began = time.perf_counter()
    await publish_submissions(endpoints.kafka, batch)
    publish_s = time.perf_counter() - began

    stop_process(state_dir, "intake")  # start from a known state: the backlog waits on the topic
    console.print("starting intake on the backlog …")
    await start_process(state_dir, managed("intake", settings), ready_within=90)
    began = time.perf_counter()
    while (done := await registered(endpoints.database, run)) < count:
        if time.perf_counter() - began > 600:
            raise SystemExit(f"only {done} of {count} registered in 600 s")
        await asyncio.sleep(0.2)
    intake_s = time.perf_counter() - began

    validate_s = validation_seconds(batch)
    skipped: list[ParkedMessage] = []
    read_s = await reading_seconds(endpoints.kafka, count, skipped)
    database_s = max(0.0, intake_s - validate_s - read_s)
    per_s = count / intake_s
    table = Table("measure", "seconds", "share of intake's time")
    table.add_row("intake: validated and registered", f"{intake_s:.2f}", "100%")
    for name, seconds in (
        ("validation alone", validate_s),
        ("reading the topic alone", read_s),
        ("database and the rest (difference)", database_s),
    ):
        table.add_row(name, f"{seconds:.2f}", f"{seconds / intake_s:.0%}")
    table.add_row("publishing (agency side, not in intake's time)", f"{publish_s:.2f}", "")
    console.print(table)
    console.print(
        f"{per_s:.0f} submissions per second; target {TARGET_PER_S} "
        f"({per_s / TARGET_PER_S:.2f} of target)"
    )
    print(
        json.dumps(
            {
                "submissions": count,
                "compression": compression,
                "unreadable_batches_skipped": len(skipped),
                "submissions_per_s": round(per_s, 1),
                "target_per_s": TARGET_PER_S,
                "validation_share": round(validate_s / intake_s, 3),
                "broker_share": round(read_s / intake_s, 3),
                "database_share": round(database_s / intake_s, 3),
                "validation_per_s": round(count / validate_s, 1),
            }
        )
    )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--submissions", type=int, default=20000)
    parser.add_argument(
        "--compression", choices=["none", "gzip", "snappy", "lz4", "zstd"], default="none"
    )
    arguments = parser.parse_args()
    asyncio.run(main(arguments.submissions, arguments.compression))
