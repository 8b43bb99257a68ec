"""Faults the suite injects: SIGKILL a process and start it again, restart a server."""

from __future__ import annotations

import os
import signal

import psutil

from caseflow.settings import Settings
from entrypoints.processes import start_processes
from entrypoints.stack import process_status, start_stack, stop_process
from entrypoints.stack.restarts import SUPERVISOR
from entrypoints.supervisor import start_supervisor

SERVERS = ("temporal", "broker", "postgres")


def kill(settings: Settings, name: str) -> int:
    """SIGKILL a process of the stack and wait until it is gone; return its pid.

    A killed server stays down until `start_again`: the supervisor, which would start it again
    within seconds, is stopped first. A killed caseflow process may be started again by the
    supervisor before `start_again` does it, as on a real machine.
    """
    state_dir = settings.state_dir.resolve()
    if name in SERVERS:
        stop_process(state_dir, SUPERVISOR)
    pid = process_status(state_dir, name).pid
    assert pid is not None, f"{name} is not running"
    os.kill(pid, signal.SIGKILL)
    psutil.Process(pid).wait(timeout=30)
    return pid


async def start_again(settings: Settings, name: str) -> None:
    """Start a killed process or server again, as `caseflow services up` or `stack up` would."""
    if name in SERVERS:
        await start_stack(settings)
        await start_supervisor(settings)
    else:
        await start_processes(settings, (name,))
