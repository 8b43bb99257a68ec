"""What every bench does first: bring caseflow up (reused if running) and connect to Temporal;
for the register's benches, a register of their own served over HTTP."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Collection
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import asyncpg
import httpx
from aiokafka import AIOKafkaConsumer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient
from rich.console import Console
from temporalio.client import Client

from caseflow.auth import Authentication, Principal, key_ring, open_accounts
from caseflow.auth.tokens import issuer
from caseflow.db import create_pool, migrate
from caseflow.http import HttpServer
from caseflow.settings import Settings
from caseflow.uow import HeldPool, PostgresStore
from entrypoints.processes import process_names, start_processes
from entrypoints.stack import start_stack, stop_stack
from entrypoints.stack.postgres import ensure_postgres
from services.register.adapters import RegisterUnitOfWork
from services.register.api import build_api
from services.register.config import MIGRATIONS, SCHEMA
from services.register.retention import RetentionPolicy
from workflows.client import connect


async def caseflow_up(console: Console, without: Collection[str] = ()) -> tuple[Settings, Client]:
    """The stack and caseflow's processes up (but those `without`), started only if not running;
    a Temporal client."""
    settings = Settings()
    console.print("bringing the stack and services up (reused if running) …")
    await start_stack(settings)
    await start_processes(settings, tuple(n for n in process_names(settings) if n not in without))
    return settings, await connect(settings)


@dataclass(frozen=True)
class ServedRegister:
    """A register of the bench's own: its pool, its store and an HTTP client of its API."""

    pool: asyncpg.Pool
    store: PostgresStore[RegisterUnitOfWork]
    http: httpx.AsyncClient


@asynccontextmanager
async def served_register(
    console: Console, state_dir: Path, reader: Principal, *, read_timeout: float
) -> AsyncIterator[ServedRegister]:
    """PostgreSQL of the bench's own in `state_dir`, the register's schema created afresh and its
    HTTP API served as its process does; the client carries a signed token of `reader`, an
    enabled account. All of it stopped afterwards."""
    settings = Settings(state_dir=state_dir)
    console.print(f"PostgreSQL in {state_dir} …")
    database = await ensure_postgres(settings)
    try:
        connection = await asyncpg.connect(database)
        await connection.execute(f"DROP SCHEMA IF EXISTS {SCHEMA} CASCADE")
        await connection.close()
        await migrate(database, SCHEMA, MIGRATIONS)
        pool = await create_pool(database, SCHEMA, size=4)
        async with open_accounts(database) as accounts:
            if not await accounts.is_active(reader.name):
                await accounts.add(reader, f"{reader.name}-password")
            store = PostgresStore(HeldPool(pool), RegisterUnitOfWork)
            api = build_api(
                HeldPool(pool),
                store,
                RetentionPolicy.load(),
                Authentication(key_ring(settings), accounts),
            )
            url_file = state_dir / "run" / f"{reader.name}.url"
            server = HttpServer("register", "127.0.0.1", None, 0, url_file)
            url = await server.start(api)
            token = issuer(settings).issue(reader, timedelta(hours=2))
            headers = {"Authorization": f"Bearer {token}"}
            try:
                async with httpx.AsyncClient(
                    base_url=url, headers=headers, timeout=read_timeout
                ) as http:
                    yield ServedRegister(pool, store, http)
            finally:
                await server.stop()
                await pool.close()
    finally:
        stop_stack(settings)  # the bench's own server: nothing else uses it


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
