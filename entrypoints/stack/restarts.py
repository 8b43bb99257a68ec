"""Restarts of a crashed program: when the supervisor may start it again, and what it recorded."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from pydantic import BaseModel, ValidationError

from caseflow.whole_files import write_whole

SUPERVISOR = "supervisor"


@dataclass
class RestartBackoff:
    """How long to wait before starting a crashed program again, as Docker's restart policy
    (which compose's `restart:` uses) does: the delay doubles after each crash up to `longest`,
    and starts from `first` again once a run lasted `stable_after` seconds."""

    first: float = 1.0
    longest: float = 60.0
    stable_after: float = 30.0
    _upcoming: float | None = None

    def delay(self, ran_for: float) -> float:
        """The delay before the next start, after a run that lasted `ran_for` seconds."""
        if self._upcoming is None or ran_for >= self.stable_after:
            self._upcoming = self.first
        delay = self._upcoming
        self._upcoming = min(delay * 2, self.longest)
        return delay


class RestartRecord(BaseModel):
    """How often the supervisor started a program again since it was started by hand."""

    count: int
    last_at: datetime
    last_exit: str


def restarts_file(state_dir: Path, name: str) -> Path:
    """Where a program's restarts are kept, beside its pid file."""
    return state_dir / "run" / f"{name}.restarts.json"


def read_restarts(state_dir: Path, name: str) -> RestartRecord | None:
    """A program's restarts so far; none if it never crashed (or the file cannot be read)."""
    try:
        return RestartRecord.model_validate_json(restarts_file(state_dir, name).read_bytes())
    except (OSError, ValidationError):
        return None


def note_restart(state_dir: Path, name: str, last_exit: str) -> RestartRecord:
    """Count one more restart of a program, saying how its last run ended."""
    earlier = read_restarts(state_dir, name)
    record = RestartRecord(
        count=(earlier.count if earlier else 0) + 1,
        last_at=datetime.now(UTC),
        last_exit=last_exit,
    )
    target = restarts_file(state_dir, name)
    target.parent.mkdir(parents=True, exist_ok=True)
    write_whole(target, record.model_dump_json())
    return record


def forget_restarts(state_dir: Path, name: str) -> None:
    """A program stopped by hand starts counting from nothing."""
    restarts_file(state_dir, name).unlink(missing_ok=True)
