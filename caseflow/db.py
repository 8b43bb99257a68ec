"""PostgreSQL: connection pools per service schema, and migrations applied in order and recorded."""

from __future__ import annotations

import hashlib
from pathlib import Path

import asyncpg
import structlog
from asyncpg.pool import PoolConnectionProxy

from caseflow.waiting import until_available

PLATFORM_MIGRATIONS = Path(__file__).parent / "migrations"

log = structlog.get_logger(__name__)

# A connection of our own, or one lent by a pool: queries treat both alike.
Connection = asyncpg.Connection | PoolConnectionProxy


async def create_pool(database_url: str, schema: str, *, size: int = 5) -> asyncpg.Pool:
    """A pool whose connections work inside the service's own schema."""

    # A startup setting, not a SET: the pool's RESET ALL on release returns to it.
    pool = await asyncpg.create_pool(
        database_url,
        min_size=1,
        max_size=size,
        command_timeout=30,
        server_settings={"search_path": f"{schema}, public"},
    )
    assert pool is not None
    return pool


async def wait_for_database(database_url: str) -> None:
    """Return once PostgreSQL answers, waiting with a capped pause while it is away."""

    async def answer() -> None:
        connection = await asyncpg.connect(database_url, timeout=10)
        try:
            await connection.fetchval("SELECT 1")
        finally:
            await connection.close()

    await until_available(answer, purpose="waiting for the database")


async def migrate(database_url: str, schema: str, service_migrations: Path) -> list[str]:
    """Apply the platform's and then the service's SQL migrations not yet recorded; return them."""
    connection = await asyncpg.connect(database_url)
    try:
        # Replicas of one service start together; the lock lets one of them migrate.
        await connection.execute("SELECT pg_advisory_lock(hashtext($1))", f"migrate:{schema}")
        try:
            return await _apply_pending(connection, schema, service_migrations)
        finally:
            await connection.execute("SELECT pg_advisory_unlock(hashtext($1))", f"migrate:{schema}")
    finally:
        await connection.close()


async def _apply_pending(
    connection: asyncpg.Connection, schema: str, service_migrations: Path
) -> list[str]:
    """Run each unrecorded migration in its own transaction, recording it in the same one."""
    await connection.execute(f"CREATE SCHEMA IF NOT EXISTS {schema}")
    await connection.execute(f"SET search_path TO {schema}, public")
    await connection.execute(
        "CREATE TABLE IF NOT EXISTS schema_migrations ("
        " name text PRIMARY KEY, checksum text NOT NULL,"
        " applied_at timestamptz NOT NULL DEFAULT now())"
    )
    recorded = {
        row["name"]: row["checksum"]
        for row in await connection.fetch("SELECT name, checksum FROM schema_migrations")
    }
    applied: list[str] = []
    for name, sql in _migrations(service_migrations):
        checksum = hashlib.sha256(sql.encode()).hexdigest()
        if name in recorded:
            if recorded[name] != checksum:
                raise MigrationChanged(schema, name)
            continue
        async with connection.transaction():
            await connection.execute(sql)
            await connection.execute(
                "INSERT INTO schema_migrations (name, checksum) VALUES ($1, $2)", name, checksum
            )
        log.info("migration applied", schema=schema, migration=name)
        applied.append(name)
    return applied


def _migrations(service_migrations: Path) -> list[tuple[str, str]]:
    """Platform migrations first, then the service's, each folder in file-name order."""
    found: list[tuple[str, str]] = []
    for prefix, folder in (("platform", PLATFORM_MIGRATIONS), ("service", service_migrations)):
        for path in sorted(folder.glob("*.sql")):
            found.append((f"{prefix}/{path.name}", path.read_text()))
    return found


class MigrationChanged(RuntimeError):
    """An applied migration's file was edited afterwards; add a new migration instead."""

    def __init__(self, schema: str, name: str) -> None:
        super().__init__(f"migration {name} in schema {schema} changed after it was applied")
