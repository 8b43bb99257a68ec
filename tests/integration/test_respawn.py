"""Starting a crashed program again, on real processes: counted, logged, never a stopped one."""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path

import pytest

from entrypoints.stack import ManagedProcess, log_file, process_status, start_process, stop_process
from entrypoints.stack.processes import respawn

pytestmark = pytest.mark.integration


def sleeper(prepare: object = None) -> ManagedProcess:
    def refuse() -> None:
        raise RuntimeError("stale lock held")

    return ManagedProcess(
        name="sleeper", argv=["sleep", "300"], prepare=refuse if prepare == "refuse" else None
    )


def killed(state_dir: Path) -> int:
    pid = process_status(state_dir, "sleeper").pid
    assert pid is not None
    os.kill(pid, signal.SIGKILL)
    deadline = time.monotonic() + 10
    # Not psutil's wait: it would collect the child, and with it how it ended.
    while process_status(state_dir, "sleeper").state == "running":
        assert time.monotonic() < deadline
        time.sleep(0.05)
    return pid


async def test_a_killed_program_is_started_again_and_the_restart_counted(tmp_path: Path) -> None:
    await start_process(tmp_path, sleeper(), ready_within=5)
    try:
        first = killed(tmp_path)
        restart = await respawn(tmp_path, sleeper())
        assert restart is not None
        assert restart.count == 1
        assert restart.last_exit == "was killed by SIGKILL"
        status = process_status(tmp_path, "sleeper")
        assert status.state == "running"
        assert status.pid != first
        assert status.restarts == 1
        assert "caseflow restarts sleeper (restart 1; its last run was killed by SIGKILL)" in (
            log_file(tmp_path, "sleeper").read_text()
        )
        assert await respawn(tmp_path, sleeper()) is None  # it runs: nothing to do
    finally:
        stop_process(tmp_path, "sleeper")
    assert process_status(tmp_path, "sleeper").restarts == 0  # stopped by hand: forgotten


async def test_a_program_stopped_by_hand_is_not_started_again(tmp_path: Path) -> None:
    await start_process(tmp_path, sleeper(), ready_within=5)
    stop_process(tmp_path, "sleeper")
    assert await respawn(tmp_path, sleeper()) is None
    assert process_status(tmp_path, "sleeper").state == "stopped"


async def test_a_restart_that_fails_leaves_the_program_exited_to_be_tried_again(
    tmp_path: Path,
) -> None:
    await start_process(tmp_path, sleeper(), ready_within=5)
    killed(tmp_path)
    with pytest.raises(RuntimeError, match="stale lock"):
        await respawn(tmp_path, sleeper(prepare="refuse"))
    assert process_status(tmp_path, "sleeper").state == "exited"
    restart = await respawn(tmp_path, sleeper())
    assert restart is not None
    assert restart.count == 2
    stop_process(tmp_path, "sleeper")
