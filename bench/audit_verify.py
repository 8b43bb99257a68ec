"""What `caseflow audit verify` costs now that it reads the trail through the audit API.

Starts PostgreSQL only (the embedded server, in a state folder of its own), fills the audit
trail with a chain of synthetic rows (600-byte envelopes), serves the audit API in this process
as its service does (signed token of an enabled operator) and times the command's read and check
(`entrypoints.cli.audit.verify_trail`: pages of 1,000 rows, the chain recomputed); the CPU
figure covers both the API and the command, since both run here.

Baseline, in the same run and on the same trail: the same check as a given tree reads it (the
direct database cursor the command used before the API), run in a subprocess from that tree:

    .venv/bin/python bench/audit_verify.py --rows 100000 --baseline-tree /tmp/main-tree
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import subprocess
import sys
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import asyncpg

from caseflow.auth import Authentication, Principal, Role, key_ring, open_accounts
from caseflow.auth.tokens import issuer
from caseflow.db import create_pool, migrate
from caseflow.http import HttpServer
from caseflow.service_api import ServiceClient
from caseflow.settings import Settings
from caseflow.uow import HeldPool
from entrypoints.cli.audit import verify_trail
from entrypoints.stack.postgres import ensure_postgres
from services.audit.adapters import COLUMNS
from services.audit.api import build_api
from services.audit.config import MIGRATIONS, SCHEMA
from services.audit.domain import AuditEntry, ChainedRow, link

# The baseline tree's own verify_trail, which took a database URL.
BASELINE = """
import asyncio, json, sys, time
import entrypoints.cli.audit as audit
wall, cpu = time.perf_counter(), time.process_time()
check, found = asyncio.run(audit.verify_trail(sys.argv[1]))
print(json.dumps({"rows": check.rows, "breaks": len(found), "source": audit.__file__,
                  "wall_s": time.perf_counter() - wall, "cpu_s": time.process_time() - cpu}))
"""


def chain(count: int) -> list[tuple[object, ...]]:
    """`count` linked rows, as the trail's columns hold them."""
    head: ChainedRow | None = None
    rows: list[tuple[object, ...]] = []
    at = datetime.now(UTC)
    for n in range(count):
        content = json.dumps({"data": {"status": "under_review", "n": n}, "pad": "x" * 600})
        entry = AuditEntry(
            uuid.uuid4(), f"case-{n % 1000}", f"Z{n % 1000:06d}", "CaseStatusChanged.v1",
            "caseflow/workflow via caseflow.cases", at, content,
        )  # fmt: skip
        head = link(head, entry, at + timedelta(microseconds=n))
        rows.append((
            head.seq, entry.event_id, entry.case_id, entry.control_number, entry.event_type,
            entry.source, entry.occurred_at, head.recorded_at, entry.content, head.prev_hash,
            head.hash,
        ))  # fmt: skip
    return rows


async def filled(database: str, count: int) -> None:
    """The trail holds `count` rows (kept from an earlier run in the same state folder)."""
    await migrate(database, SCHEMA, MIGRATIONS)
    connection = await asyncpg.connect(database, server_settings={"search_path": SCHEMA})
    try:
        held = await connection.fetchval("SELECT count(*) FROM trail")
        if held not in (0, count):
            raise SystemExit(f"the trail holds {held} rows: use another --state-dir")
        if held == 0:
            columns = [column.strip() for column in COLUMNS.split(",")]
            await connection.copy_records_to_table("trail", records=chain(count), columns=columns)
    finally:
        await connection.close()


async def through_the_api(database: str, settings: Settings) -> dict[str, Any]:
    """The command's read and check against the audit API served here."""
    reader = Principal(name="bench-operator", role=Role.OPERATOR)
    pool = await create_pool(database, SCHEMA, size=4)
    try:
        async with open_accounts(database) as accounts:
            if not await accounts.is_active(reader.name):
                await accounts.add(reader, "bench-operator-password")
            server = HttpServer("audit", "127.0.0.1", 0, 0, settings.state_dir / "bench-audit.url")
            keys = Authentication(key_ring(settings), accounts)
            url = await server.start(build_api(HeldPool(pool), keys))
            token = issuer(settings).issue(reader, timedelta(hours=1))
            try:
                wall, cpu = time.perf_counter(), time.process_time()
                check, found = await verify_trail(ServiceClient(url, "audit"), token)
                wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
            finally:
                await server.stop()
    finally:
        await pool.close()
    return {"rows": check.rows, "breaks": len(found), "wall_s": wall, "cpu_s": cpu}


async def main(rows: int, state_dir: Path, baseline_tree: Path) -> dict[str, Any]:
    """Both reads of the same trail, with the load average around them."""
    settings = Settings(state_dir=state_dir)
    database = await ensure_postgres(settings)
    await filled(database, rows)
    load_before = os.getloadavg()[0]
    api = await through_the_api(database, settings)
    baseline = await asyncio.to_thread(
        subprocess.run,
        [sys.executable, "-c", BASELINE, database],
        cwd=baseline_tree,
        env={**os.environ, "PYTHONPATH": str(baseline_tree)},
        capture_output=True,
        text=True,
        check=True,
    )
    return {
        "rows": rows,
        "load_average": [load_before, os.getloadavg()[0]],
        "through_the_api": api,
        "baseline_direct_cursor": json.loads(baseline.stdout),
    }


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--state-dir", type=Path, default=Path(".state/bench-audit"))
    parser.add_argument("--baseline-tree", type=Path, required=True)
    arguments = parser.parse_args()
    print(
        json.dumps(asyncio.run(main(arguments.rows, arguments.state_dir, arguments.baseline_tree)))
    )
