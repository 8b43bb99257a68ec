"""Pid files that remember a process by pid and start time, so a reused pid is not mistaken."""

from __future__ import annotations

from pathlib import Path

import psutil
from pydantic import BaseModel, ValidationError

from caseflow.whole_files import write_whole

_SAME_PROCESS_TOLERANCE = 0.05  # seconds: psutil's create_time is stable for one process


class PidRecord(BaseModel):
    """What a pid file holds about the process it names."""

    name: str
    pid: int
    create_time: float
    stop_signal: int
    argv: list[str]


def pid_file(state_dir: Path, name: str) -> Path:
    """Where the pid of a named program is kept."""
    return state_dir / "run" / f"{name}.pid"


def log_file(state_dir: Path, name: str) -> Path:
    """Where a named program's output goes."""
    return state_dir / "logs" / f"{name}.log"


def read_record(state_dir: Path, name: str) -> PidRecord | None:
    """The pid record of a named program; an unreadable pid file counts as none."""
    try:
        return PidRecord.model_validate_json(pid_file(state_dir, name).read_bytes())
    except (OSError, ValidationError):
        return None


def write_record(state_dir: Path, record: PidRecord) -> None:
    """Replace the pid file in one step, so a reader never sees half of it."""
    target = pid_file(state_dir, record.name)
    target.parent.mkdir(parents=True, exist_ok=True)
    write_whole(target, record.model_dump_json())


def own_process(record: PidRecord) -> psutil.Process | None:
    """The process a pid record names, unless that pid now belongs to another process."""
    try:
        process = psutil.Process(record.pid)
        if abs(process.create_time() - record.create_time) > _SAME_PROCESS_TOLERANCE:
            return None
    except psutil.Error:
        return None
    return process


def is_running(process: psutil.Process | None) -> bool:
    """Alive and not a zombie (this machine's init never collects orphans, so zombies linger)."""
    if process is None:
        return False
    try:
        return process.status() != psutil.STATUS_ZOMBIE
    except psutil.Error:
        return False
