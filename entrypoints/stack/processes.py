"""Start, watch and stop named programs that outlive the caller: one pid file and one log each."""

from __future__ import annotations

import asyncio
import contextlib
import fcntl
import os
import pwd
import shlex
import signal
import subprocess
import time
from collections.abc import Awaitable, Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path

import psutil
import structlog
from pydantic import BaseModel

from entrypoints.stack.ending import children, exit_description, kill_session, terminate
from entrypoints.stack.errors import ComponentFailed
from entrypoints.stack.pidfiles import (
    PidRecord,
    is_running,
    log_file,
    own_process,
    pid_file,
    read_record,
    write_record,
)
from entrypoints.stack.restarts import RestartRecord, forget_restarts, note_restart, read_restarts

ReadinessProbe = Callable[[], Awaitable[None]]
"""Returns once the program answers as it should; raises while it does not."""

PROBE_TIMEOUT = 5.0
_NO_PROBE_GRACE = 0.3

log = structlog.get_logger(__name__)


class ProcessState(StrEnum):
    """What the pid file of a named program says about it."""

    RUNNING = "running"
    STOPPED = "stopped"
    EXITED = "exited"  # a pid file is left, but its process is gone (crash, kill, reboot)


@dataclass(frozen=True)
class ManagedProcess:
    """A long-running program started, watched and stopped by name under a state folder."""

    name: str
    argv: Sequence[str]
    env: Mapping[str, str] = field(default_factory=dict)  # added to the caller's environment
    cwd: Path | None = None
    user: str | None = None  # a system account to run as (needs root)
    stop_signal: signal.Signals = signal.SIGTERM
    ready: ReadinessProbe | None = None
    prepare: Callable[[], None] | None = None  # runs just before each start (clear stale state)


class ProcessStatus(BaseModel):
    """A named program's state, as its pid file and the process table tell it."""

    name: str
    state: ProcessState
    pid: int | None = None
    started_at: datetime | None = None
    log_file: Path
    restarts: int = 0  # by the supervisor, since it was last started by hand
    last_restart_at: datetime | None = None
    last_exit: str | None = None  # how the run before the last restart ended


def process_status(state_dir: Path, name: str) -> ProcessStatus:
    """The state of one named program."""
    record = read_record(state_dir, name)
    if record is None:
        return ProcessStatus(
            name=name, state=ProcessState.STOPPED, log_file=log_file(state_dir, name)
        )
    running = is_running(own_process(record))
    restarts = read_restarts(state_dir, name)
    return ProcessStatus(
        name=name,
        state=ProcessState.RUNNING if running else ProcessState.EXITED,
        pid=record.pid,
        started_at=datetime.fromtimestamp(record.create_time, UTC),
        log_file=log_file(state_dir, name),
        restarts=restarts.count if restarts else 0,
        last_restart_at=restarts.last_at if restarts else None,
        last_exit=restarts.last_exit if restarts else None,
    )


def list_processes(state_dir: Path) -> list[ProcessStatus]:
    """Every named program with a pid file under the state folder."""
    run_dir = state_dir / "run"
    names = sorted(path.stem for path in run_dir.glob("*.pid")) if run_dir.is_dir() else []
    return [process_status(state_dir, name) for name in names]


async def start_process(
    state_dir: Path, process: ManagedProcess, *, ready_within: float = 30.0
) -> ProcessStatus:
    """Start a program unless it runs already, then wait until its probe answers."""
    with _held(state_dir, process.name):
        record = read_record(state_dir, process.name)
        reused = record is not None and is_running(own_process(record))
        if record is not None and reused and record.argv != list(process.argv):
            log.info("arguments changed, restarting", process=process.name, pid=record.pid)
            _stop(state_dir, record)
            reused = False
        elif record is not None and not reused:
            _clear_exited(state_dir, record)
        if not reused:
            record = await _prepared_spawn(state_dir, process)
    assert record is not None
    if reused:
        await _await_ready(state_dir, process, record, ready_within)
        return process_status(state_dir, process.name)
    try:
        await _await_ready(state_dir, process, record, ready_within)
    except BaseException:
        with _held(state_dir, process.name):
            _stop(state_dir, record)
        raise
    return process_status(state_dir, process.name)


async def respawn(state_dir: Path, process: ManagedProcess) -> RestartRecord | None:
    """Start a program again if it exited, counting the restart; None if it runs, or was
    stopped by hand meanwhile.

    Its readiness is not awaited here: a restarted program that is slow to answer (a service
    waiting for PostgreSQL) is left to start, never stopped for it.
    """
    with _held(state_dir, process.name):
        record = read_record(state_dir, process.name)
        if record is None or is_running(own_process(record)):
            return None
        ended = exit_description(record.pid)
        _clear_exited(state_dir, record)
        restart = note_restart(state_dir, process.name, ended)
        banner = f"restarts {process.name} (restart {restart.count}; its last run {ended})"
        try:
            await _prepared_spawn(state_dir, process, banner)
        except BaseException:
            write_record(state_dir, record)  # still wanted: the next attempt finds it exited
            raise
        return restart


async def await_ready(state_dir: Path, process: ManagedProcess, *, ready_within: float) -> None:
    """Wait until a running program answers its probe; raise if it exits or time runs out."""
    record = read_record(state_dir, process.name)
    if record is None:
        raise ComponentFailed(process.name, "stopped", log_file(state_dir, process.name))
    await _await_ready(state_dir, process, record, ready_within)


def stop_process(state_dir: Path, name: str) -> ProcessStatus:
    """Stop a program started under this state folder; a no-op if it is not running."""
    with _held(state_dir, name):
        record = read_record(state_dir, name)
        if record is not None:
            _stop(state_dir, record)
            log.info("stopped", process=name, pid=record.pid)
        forget_restarts(state_dir, name)
    return process_status(state_dir, name)


@contextlib.contextmanager
def _held(state_dir: Path, name: str) -> Iterator[None]:
    """One start, restart or stop of a named program at a time, across processes (the CLI and
    the supervisor); the kernel releases the lock if its holder dies."""
    lock_path = state_dir / "run" / f"{name}.lock"
    lock_path.parent.mkdir(parents=True, exist_ok=True)
    with lock_path.open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        yield


async def _prepared_spawn(
    state_dir: Path, process: ManagedProcess, banner: str | None = None
) -> PidRecord:
    if process.prepare is not None:
        await asyncio.to_thread(process.prepare)
    return _spawn(state_dir, process, banner)


def _stop(state_dir: Path, record: PidRecord) -> None:
    """Forget its pid file, signal the process, wait for it, and kill it if it lingers."""
    # The pid file goes first: the supervisor restarts only what has one, so it never revives
    # a program that is being stopped.
    pid_file(state_dir, record.name).unlink(missing_ok=True)
    process = own_process(record)
    if is_running(process):
        assert process is not None
        terminate(process, signal.Signals(record.stop_signal))
    _clear_exited(state_dir, record)


def _spawn(state_dir: Path, process: ManagedProcess, banner: str | None = None) -> PidRecord:
    """Run the program in a session of its own, output appended to its log file."""
    output = log_file(state_dir, process.name)
    output.parent.mkdir(parents=True, exist_ok=True)
    account = pwd.getpwnam(process.user) if process.user else None
    with output.open("ab") as sink:
        sink.write(
            f"\n--- {datetime.now(UTC):%Y-%m-%d %H:%M:%S}Z caseflow "
            f"{banner or f'starts {process.name}'}: {shlex.join(process.argv)}\n".encode()
        )
        sink.flush()
        try:
            child = subprocess.Popen(
                list(process.argv),
                stdin=subprocess.DEVNULL,
                stdout=sink,
                stderr=subprocess.STDOUT,
                env={**os.environ, **process.env},
                cwd=process.cwd,
                start_new_session=True,
                user=account.pw_uid if account else None,
                group=account.pw_gid if account else None,
                extra_groups=[] if account else None,
            )
        except OSError as error:
            raise ComponentFailed(process.name, f"cannot run {process.argv[0]}: {error}") from error
    children[child.pid] = child
    record = PidRecord(
        name=process.name,
        pid=child.pid,
        create_time=psutil.Process(child.pid).create_time(),
        stop_signal=int(process.stop_signal),
        argv=list(process.argv),
    )
    write_record(state_dir, record)
    log.info("started", process=process.name, pid=child.pid)
    return record


async def _await_ready(
    state_dir: Path, process: ManagedProcess, record: PidRecord, ready_within: float
) -> None:
    """Poll the readiness probe until it answers, the process dies or time runs out."""
    output = log_file(state_dir, process.name)
    deadline = time.monotonic() + ready_within
    reason = "no answer yet"
    while True:
        if process.ready is None:
            await asyncio.sleep(_NO_PROBE_GRACE)
        if not is_running(own_process(record)):
            raise ComponentFailed(
                process.name, f"{exit_description(record.pid)} while starting", output
            )
        if process.ready is None:
            return
        remaining = deadline - time.monotonic()
        try:
            await asyncio.wait_for(process.ready(), timeout=max(0.5, min(PROBE_TIMEOUT, remaining)))
            return
        except Exception as error:
            reason = f"{type(error).__name__}: {error}".rstrip(": ")
        if time.monotonic() >= deadline:
            reason = f"not ready after {ready_within:g}s ({reason})"
            raise ComponentFailed(process.name, reason, output)
        await asyncio.sleep(0.2)


def _clear_exited(state_dir: Path, record: PidRecord) -> None:
    """Collect a dead process, kill what it left in its session, and drop its pid file."""
    process = own_process(record)
    child = children.pop(record.pid, None)
    if child is not None:
        child.poll()
    elif process is not None:
        with contextlib.suppress(ChildProcessError):
            os.waitpid(record.pid, os.WNOHANG)
    # A reused pid means the old session is empty; otherwise orphans may linger in it
    # (postgres backends outliving a killed postmaster hold its shared memory).
    if process is not None or not psutil.pid_exists(record.pid):
        kill_session(record.pid)
    pid_file(state_dir, record.name).unlink(missing_ok=True)
