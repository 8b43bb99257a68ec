"""Helpers for tests against the real servers: read a topic; run the `caseflow` command."""

from __future__ import annotations

import asyncio
import io
import json
import sys
import threading
import time
import uuid
from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import Any, TextIO, cast

import asyncpg
import jwt
import structlog
from aiokafka import AIOKafkaConsumer
from typer.testing import CliRunner, Result

from caseflow.auth import Principal, Role, open_accounts
from caseflow.auth.tokens import issuer
from caseflow.settings import Settings
from entrypoints.cli import app as cli
from schemas.intake_reads import CaseStanding, Refusal
from services.intake.config import SCHEMA as INTAKE_SCHEMA
from services.intake.queries import standing_of

Event = dict[str, Any]
TEST_PASSWORD = "test-account-password"


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
                    try:
                        event = json.loads(record.value)
                    except ValueError:
                        continue  # another test's unreadable bytes: not an event
                    if where(event):
                        seen.append(event)
    finally:
        await consumer.stop()
    return seen


class ServiceLogs(io.TextIOBase):
    """Where structlog prints in the test process: services started by a test log to the test's
    own output, never into the output of a command the test runs meanwhile.

    `CliRunner` captures a command by swapping `sys.stdout` for the whole process, and structlog
    prints to whatever `sys.stdout` is; so a service's log line written while a command ran
    would be read as the command's, and an assertion that a word is absent could be fooled. A
    command's own log lines, written on its thread, stay in its output, as they would in a shell.
    """

    def __init__(self) -> None:
        super().__init__()
        self.outside: TextIO | None = None  # sys.stdout as it was before a command swapped it
        self.commands = threading.local()

    def write(self, text: str) -> int:
        """Print on the command's output from its own thread; anywhere else, on the test's."""
        on_command = getattr(self.commands, "running", False)
        target = sys.stdout if on_command or self.outside is None else self.outside
        return target.write(text)

    def flush(self) -> None:
        """Flush wherever the last lines went."""
        (self.outside or sys.stdout).flush()


SERVICE_LOGS = ServiceLogs()


def route_service_logs() -> None:
    """Make structlog print through `SERVICE_LOGS` in this process (tests/conftest.py)."""
    # A text stream in all that print uses (write, flush), though not a typing.TextIO subclass.
    stream = cast(TextIO, SERVICE_LOGS)
    structlog.configure(logger_factory=structlog.PrintLoggerFactory(file=stream))


async def caseflow(
    settings: Settings,
    *arguments: str,
    status: int = 0,
    token: str | None = None,
    environment: dict[str, str] | None = None,
) -> str:
    """The `caseflow` command's output, run against the session's stack (its servers and its
    payload keys) as the bearer of `token`, if any, with `environment` added; it must exit with
    `status`. Log lines of services running in this process meanwhile are not in it."""
    environment = {
        "CASEFLOW_STATE_DIR": str(settings.state_dir),
        "COLUMNS": "250",
        "CASEFLOW_TOKEN": token or "",
        # No token file of the user running the tests: without `token`, no token at all.
        "CASEFLOW_TOKEN_FILE": str(settings.state_dir / "test-user-config" / "token"),
        **(environment or {}),
    }

    def run() -> Result:
        SERVICE_LOGS.commands.running = True
        try:
            return CliRunner().invoke(cli, list(arguments), env=environment)
        finally:
            SERVICE_LOGS.commands.running = False

    SERVICE_LOGS.outside = sys.stdout
    try:
        # The command runs its own event loop, so not on this test's.
        shown = await asyncio.to_thread(run)
    finally:
        SERVICE_LOGS.outside = None
    assert shown.exit_code == status, shown.output
    return shown.output


async def eventually(check: Callable[[], Awaitable[bool]], what: str, wait: float = 120.0) -> None:
    """Wait until `check` holds, failing with `what` after `wait` seconds."""
    deadline = time.monotonic() + wait
    while not await check():
        if time.monotonic() > deadline:
            raise AssertionError(f"not within {wait}s: {what}")
        await asyncio.sleep(0.2)


async def signed_token(
    settings: Settings,
    role: Role,
    *,
    stakeholder: str | None = None,
    agency: str | None = None,
    name: str | None = None,
) -> str:
    """A token of a new enabled account of `role` (a stakeholder's speaking for `stakeholder`,
    an agency's being `agency`), signed with the stack's keys as `caseflow login` would get it."""
    account = name or f"{role.value.replace('_', '-')}-{uuid.uuid4().hex[:8]}"
    principal = Principal(name=account, role=role, stakeholder=stakeholder, agency=agency)
    async with open_accounts(settings.endpoints().database) as accounts:
        await accounts.add(principal, TEST_PASSWORD)
    return issuer(settings).issue(principal, timedelta(hours=2))


def bearer(token: str) -> dict[str, str]:
    """The Authorization header carrying `token`."""
    return {"Authorization": f"Bearer {token}"}


def forge(token: str) -> str:
    """The token's claims and key id, signed with a key the stack never made."""
    claims = jwt.decode(token, options={"verify_signature": False})
    kid = str(jwt.get_unverified_header(token).get("kid"))
    return jwt.encode(
        claims, "a-forger's-own-key-" + "x" * 32, algorithm="HS256", headers={"kid": kid}
    )


async def intake_standing(
    database: str, agency: str, reference: str
) -> tuple[CaseStanding | None, list[Refusal]]:
    """What intake's tables hold under the reference: its case, if any, and its refusals."""
    connection = await asyncpg.connect(database, server_settings={"search_path": INTAKE_SCHEMA})
    try:
        return await standing_of(connection, agency, reference)
    finally:
        await connection.close()
