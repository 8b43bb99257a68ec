"""The embedded stack's supervisor: what `caseflow stack up` and `services up` started, kept up.

`stack up` and `services up` start it as one more program under the state folder
(`run/supervisor.pid`, `logs/supervisor.log`). Every second it reads the pid files: a server or
process whose pid file is there but whose process is gone (crashed, killed) is started again
after a delay that doubles with each crash in a row (`RestartBackoff`, as compose's restart
policy does). Each restart is counted in `run/NAME.restarts.json`, shown by `caseflow services
status` and `caseflow stack status`, and logged in the supervisor's log and the program's own.
A program stopped by hand (`services down`, `stack down`) has no pid file and stays stopped.
"""

from __future__ import annotations

import asyncio
import sys
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Protocol

import structlog
from pydantic import SecretStr

from caseflow.logging import configure_logging
from caseflow.settings import Settings
from entrypoints.processes import ALL_PROCESS_NAMES, managed
from entrypoints.stack import (
    ManagedProcess,
    ProcessState,
    ProcessStatus,
    broker,
    list_processes,
    postgres,
    start_process,
    temporal,
)
from entrypoints.stack.processes import await_ready, respawn
from entrypoints.stack.restarts import SUPERVISOR, RestartBackoff, RestartRecord

CHECK_EVERY = 1.0  # seconds between two looks at the pid files
# Nothing to watch for this many looks in a row (every pid file gone, the state folder deleted):
# the supervisor stops rather than linger.
IDLE_LOOKS = 30
READY_WITHIN = 120.0  # a restarted program not answering by then is logged, and left to start

log = structlog.get_logger(__name__)


class Programs(Protocol):
    """The programs under supervision, and how one is started again."""

    def watched(self) -> list[ProcessStatus]:
        """Every program that should be running (it has a pid file)."""
        ...

    async def restart(self, name: str) -> RestartRecord | None:
        """Start a program again if it is still down; None if it came back or was stopped."""
        ...


@dataclass
class Supervisor:
    """Restarts each exited program after its backoff delay; one restart per program at a time."""

    programs: Programs
    clock: Callable[[], float] = time.monotonic
    wall_clock: Callable[[], datetime] = lambda: datetime.now(UTC)
    _backoff: dict[str, RestartBackoff] = field(default_factory=dict)
    _due: dict[str, float] = field(default_factory=dict)
    _restarting: dict[str, asyncio.Task[None]] = field(default_factory=dict)

    async def run(self, sleep: Callable[[float], Awaitable[object]] = asyncio.sleep) -> None:
        """Look at every program once a second, until cancelled or nothing is left to watch."""
        log.info("supervising", every=CHECK_EVERY)
        idle = 0
        while idle < IDLE_LOOKS:
            idle = 0 if self.check() else idle + 1
            await sleep(CHECK_EVERY)
        log.info("nothing left to supervise; stopping")

    def check(self) -> bool:
        """Schedule a restart for each program newly found down; start those now due. Whether
        any program besides the supervisor is watched."""
        watched = [p for p in self.programs.watched() if p.name != SUPERVISOR]
        for program in watched:
            name = program.name
            if name in self._restarting:
                continue
            if program.state is not ProcessState.EXITED:
                self._due.pop(name, None)
                continue
            if name not in self._due:
                self._schedule(program)
            elif self.clock() >= self._due[name]:
                del self._due[name]
                self._restarting[name] = asyncio.create_task(self._restart(name))
        return bool(watched or self._restarting)

    async def settled(self) -> None:
        """Wait for the restarts under way (for tests and shutdown)."""
        await asyncio.gather(*self._restarting.values(), return_exceptions=True)

    def _schedule(self, program: ProcessStatus) -> None:
        started = program.started_at or self.wall_clock()
        ran_for = (self.wall_clock() - started).total_seconds()
        backoff = self._backoff.setdefault(program.name, RestartBackoff())
        delay = backoff.delay(ran_for)
        self._due[program.name] = self.clock() + delay
        log.warning(
            "program exited; restarting", process=program.name, pid=program.pid, delay=delay
        )

    async def _restart(self, name: str) -> None:
        try:
            restart = await self.programs.restart(name)
        except Exception as error:  # it stays down: the next look schedules it again
            log.error("restart failed", process=name, error=f"{type(error).__name__}: {error}")
        else:
            if restart is not None:
                log.warning(
                    "program restarted",
                    process=name,
                    restarts=restart.count,
                    last_exit=restart.last_exit,
                )
        finally:
            del self._restarting[name]


class StackPrograms:
    """The embedded servers and caseflow's processes under one state folder."""

    def __init__(self, settings: Settings) -> None:
        self._settings = settings
        self._state_dir = settings.state_dir.resolve()

    def watched(self) -> list[ProcessStatus]:
        """Every program with a pid file under the state folder."""
        return list_processes(self._state_dir)

    async def restart(self, name: str) -> RestartRecord | None:
        """Start it again, then wait until it answers (a restarted program is never stopped
        for being slow: a service may be waiting for PostgreSQL)."""
        program = self._program(name)
        restart = await respawn(self._state_dir, program)
        if restart is None:
            return None
        await await_ready(self._state_dir, program, ready_within=READY_WITHIN)
        if name == broker.NAME:
            await broker.ensure_broker(self._settings)  # its topics died with it
        return restart

    def _program(self, name: str) -> ManagedProcess:
        servers = {
            postgres.NAME: postgres.postgres_process,
            broker.NAME: broker.broker_process,
            temporal.NAME: temporal.temporal_process,
        }
        if name in servers:
            return servers[name](self._settings)
        if name in ALL_PROCESS_NAMES:
            return managed(name, self._settings)
        raise ValueError(f"the supervisor does not know how to start '{name}'")


def supervisor_process(settings: Settings) -> ManagedProcess:
    """`caseflow supervise` with the settings it was given, whether from code or environment."""
    return ManagedProcess(
        name=SUPERVISOR,
        argv=[sys.executable, "-m", "entrypoints", "supervise"],
        env=settings_environment(settings),
    )


async def start_supervisor(settings: Settings) -> ProcessStatus:
    """Start the supervisor unless it runs already."""
    return await start_process(settings.state_dir.resolve(), supervisor_process(settings))


def settings_environment(settings: Settings) -> dict[str, str]:
    """The settings that were given explicitly, as the CASEFLOW_* variables that set them."""
    environment = {}
    for name in settings.model_fields_set:
        value = getattr(settings, name)
        if value is None:
            continue
        if isinstance(value, SecretStr):
            value = value.get_secret_value()
        elif isinstance(value, bool):
            value = "true" if value else "false"
        environment[f"CASEFLOW_{name.upper()}"] = str(value)
    return environment


def main() -> None:
    """Entry point of `caseflow supervise`."""
    settings = Settings()
    configure_logging(settings.log_level, json=settings.log_json)
    asyncio.run(Supervisor(StackPrograms(settings)).run())
