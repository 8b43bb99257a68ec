"""Ending a started program: signal it, wait for it, kill what is left of its session."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import time

import psutil
import structlog

from entrypoints.stack.errors import StackError
from entrypoints.stack.pidfiles import is_running

STOP_TIMEOUT = 20.0

log = structlog.get_logger(__name__)

# Programs started by this interpreter, kept so their exit status is collected (no zombies).
children: dict[int, subprocess.Popen[bytes]] = {}


def terminate(process: psutil.Process, stop_signal: signal.Signals) -> None:
    """Ask politely, then kill the whole session."""
    try:
        process.send_signal(stop_signal)
        _wait_for_exit(process, STOP_TIMEOUT)
    except psutil.NoSuchProcess:
        return
    except psutil.TimeoutExpired:
        log.warning("did not stop in time, killing", pid=process.pid)
        kill_session(process.pid)
        try:
            _wait_for_exit(process, STOP_TIMEOUT)
        except psutil.TimeoutExpired as stuck:
            raise StackError(f"pid {process.pid} survives SIGKILL; is it stuck in I/O?") from stuck


def _wait_for_exit(process: psutil.Process, timeout: float) -> None:
    """Wait for exit; a zombie counts as gone (an init that never reaps leaves them behind)."""
    child = children.get(process.pid)
    if child is not None:
        try:
            child.wait(timeout)
        except subprocess.TimeoutExpired as expired:
            raise psutil.TimeoutExpired(timeout, process.pid) from expired
        return
    deadline = time.monotonic() + timeout
    while is_running(process):
        if time.monotonic() >= deadline:
            raise psutil.TimeoutExpired(timeout, process.pid)
        time.sleep(0.05)


def exit_description(pid: int) -> str:
    """How a child ended, when this interpreter started it."""
    child = children.get(pid)
    code = child.poll() if child is not None else None
    if code is None:
        return "exited"
    if code < 0:
        return f"was killed by {signal.Signals(-code).name}"
    return f"exited with code {code}"


def kill_session(session_id: int) -> None:
    """SIGKILL every process left in a session the stack created, and wait for them briefly."""
    try:
        os.killpg(session_id, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        return
    deadline = time.monotonic() + 3.0
    while _session_alive(session_id) and time.monotonic() < deadline:
        time.sleep(0.05)


def _session_alive(session_id: int) -> bool:
    """Whether a process of the session still runs (zombies do not count)."""
    for process in psutil.process_iter():
        with contextlib.suppress(OSError, psutil.Error):
            if os.getpgid(process.pid) == session_id and is_running(process):
                return True
    return False
