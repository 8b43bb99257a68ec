"""Faults the suite injects: SIGKILL a process and start it again, restart a server."""

from __future__ import annotations

import os
import signal

import psutil

from caseflow.processes import start_processes
from caseflow.settings import Settings
from caseflow.stack import process_status, start_stack

SERVERS = ("temporal", "broker")


def kill(settings: Settings, name: str) -> int:
    """SIGKILL a process of the stack and wait until it is gone; return its pid."""
    pid = process_status(settings.state_dir.resolve(), name).pid
    assert pid is not None, f"{name} is not running"
    os.kill(pid, signal.SIGKILL)
    psutil.Process(pid).wait(timeout=30)
    return pid


async def start_again(settings: Settings, name: str) -> None:
    """Start a killed process or server again, as `caseflow services up` or `stack up` would."""
    if name in SERVERS:
        await start_stack(settings)
    else:
        await start_processes(settings, (name,))
