"""Helpers for tests against the real servers: read a topic; run the `caseflow` command."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Callable
from typing import Any

from aiokafka import AIOKafkaConsumer
from typer.testing import CliRunner

from caseflow.cli import app as cli
from caseflow.settings import Settings

Event = dict[str, Any]


async def collect(
    bootstrap: str,
    topic: str,
    until: Callable[[list[Event]], bool],
    *,
    where: Callable[[Event], bool] = lambda _: True,
    timeout: float = 60.0,
    linger: float = 0.0,
) -> list[Event]:
    """Events of `topic` (from the start) matching `where`, read until `until` holds.

    Fails with the events seen so far if `until` does not hold within `timeout` seconds; then
    reads `linger` seconds more, so that events which must not exist would be seen.
    """
    consumer = AIOKafkaConsumer(
        topic, bootstrap_servers=bootstrap, auto_offset_reset="earliest", enable_auto_commit=False
    )
    await consumer.start()
    seen: list[Event] = []
    deadline = time.monotonic() + timeout
    try:
        lingering_until: float | None = None
        while lingering_until is None or time.monotonic() < lingering_until:
            if lingering_until is None and until(seen):
                lingering_until = time.monotonic() + linger
            elif lingering_until is None and time.monotonic() > deadline:
                raise AssertionError(f"{topic}: condition not met in {timeout}s; saw {seen}")
            batches = await consumer.getmany(timeout_ms=500)
            for records in batches.values():
                for record in records:
                    if not record.value:
                        raise AssertionError(
                            f"{topic}: empty record at offset {record.offset}: {record}"
                        )
                    event = json.loads(record.value)
                    if where(event):
                        seen.append(event)
    finally:
        await consumer.stop()
    return seen


async def caseflow(
    settings: Settings, *arguments: str, status: int = 0, token: str | None = None
) -> str:
    """The `caseflow` command's output, run against the session's stack (its servers and its
    payload keys); it must exit with `status`. `token` is sent as CASEFLOW_TOKEN."""
    environment = {
        "CASEFLOW_STATE_DIR": str(settings.state_dir),
        "COLUMNS": "250",
        "CASEFLOW_TOKEN": token,
    }
    # The command runs its own event loop, so not on this test's.
    shown = await asyncio.to_thread(CliRunner().invoke, cli, list(arguments), env=environment)
    assert shown.exit_code == status, shown.output
    return shown.output
