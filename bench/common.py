"""What every bench does first: bring caseflow up (reused if running) and connect to Temporal."""

from __future__ import annotations

import asyncio
import time

from aiokafka import AIOKafkaConsumer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient
from rich.console import Console
from temporalio.client import Client

from caseflow.settings import Settings
from entrypoints.processes import start_processes
from entrypoints.stack import start_stack
from workflows.client import connect


async def caseflow_up(console: Console) -> tuple[Settings, Client]:
    """The stack and caseflow's processes up, started only if not running; a Temporal client."""
    settings = Settings()
    console.print("bringing the stack and services up (reused if running) …")
    await start_stack(settings)
    await start_processes(settings)
    return settings, await connect(settings)


async def settled(bootstrap: str, quiet_for: float = 2.0, at_most: float = 120.0) -> float:
    """Wait until every consumer group has stood still for `quiet_for` seconds (the events of a
    burst all handled); the seconds it took. A measurement that starts before then would share
    the machine with the burst's tail."""
    began = time.monotonic()
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    try:
        groups = [group for group, _ in await admin.list_consumer_groups()]
    finally:
        await admin.close()
    last: list[int | None] = []
    still_since = time.monotonic()
    while time.monotonic() - began < at_most:
        positions = await _committed(bootstrap, groups)
        if positions != last:
            last, still_since = positions, time.monotonic()
        elif time.monotonic() - still_since >= quiet_for:
            break
        await asyncio.sleep(0.5)
    return time.monotonic() - began


async def _committed(bootstrap: str, groups: list[str]) -> list[int | None]:
    """Every group's committed offset on every partition of caseflow's topics."""
    probe = AIOKafkaConsumer(bootstrap_servers=bootstrap)
    await probe.start()
    try:
        topics = sorted(topic for topic in await probe.topics() if topic.startswith("caseflow"))
        partitions = [
            TopicPartition(topic, partition)
            for topic in topics
            for partition in sorted(probe.partitions_for_topic(topic) or ())
        ]
    finally:
        await probe.stop()
    positions: list[int | None] = []
    for group in groups:
        reader = AIOKafkaConsumer(
            bootstrap_servers=bootstrap, group_id=group, enable_auto_commit=False
        )
        await reader.start()
        try:
            positions += [await reader.committed(partition) for partition in partitions]
        finally:
            await reader.stop()
    return positions
