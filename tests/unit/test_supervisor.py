"""The supervisor restarts what crashed after a delay that grows with each crash in a row, the
way compose's restart policy does, and leaves alone what runs or was stopped by hand."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from pathlib import Path

import psutil
import pytest
from pydantic import SecretStr

from caseflow.settings import Settings
from entrypoints.stack import ProcessState, ProcessStatus
from entrypoints.stack.pidfiles import PidRecord, write_record
from entrypoints.stack.restarts import (
    SUPERVISOR,
    RestartBackoff,
    RestartRecord,
    forget_restarts,
    note_restart,
    read_restarts,
)
from entrypoints.supervisor import IDLE_LOOKS, Supervisor, settings_environment
from tests.support import caseflow

START = datetime(2026, 12, 6, 10, 0, tzinfo=UTC)


class FakeClock:
    """Monotonic and wall time that move only when told."""

    def __init__(self) -> None:
        self.seconds = 0.0

    def monotonic(self) -> float:
        return self.seconds

    def wall(self) -> datetime:
        return START + timedelta(seconds=self.seconds)


class FakePrograms:
    """Programs by name and state; a restart brings one back and counts it."""

    def __init__(self, clock: FakeClock, **states: ProcessState) -> None:
        self.clock = clock
        self.states = dict(states)
        self.started = dict.fromkeys(states, clock.wall())
        self.restarted: list[str] = []
        self.failing: set[str] = set()

    def watched(self) -> list[ProcessStatus]:
        return [
            ProcessStatus(
                name=name,
                state=state,
                pid=1000,
                started_at=self.started[name],
                log_file=Path(f"/logs/{name}.log"),
            )
            for name, state in self.states.items()
        ]

    async def restart(self, name: str) -> RestartRecord | None:
        if name in self.failing:
            raise RuntimeError("not ready after 120s")
        if self.states[name] is not ProcessState.EXITED:
            return None
        self.restarted.append(name)
        self.states[name] = ProcessState.RUNNING
        self.started[name] = self.clock.wall()
        count = self.restarted.count(name)
        return RestartRecord(count=count, last_at=self.clock.wall(), last_exit="exited")

    def crash(self, name: str) -> None:
        self.states[name] = ProcessState.EXITED


async def look(supervisor: Supervisor, clock: FakeClock, after: float) -> None:
    """Let time pass, then have the supervisor look once and finish what it started."""
    clock.seconds += after
    supervisor.check()
    await supervisor.settled()
    await asyncio.sleep(0)


def supervised(programs: FakePrograms, clock: FakeClock) -> Supervisor:
    return Supervisor(programs, clock=clock.monotonic, wall_clock=clock.wall)


def test_the_delay_doubles_with_each_crash_in_a_row_up_to_a_minute() -> None:
    backoff = RestartBackoff(first=1.0, longest=60.0, stable_after=30.0)
    delays = [backoff.delay(ran_for=2.0) for _ in range(8)]
    assert delays == [1.0, 2.0, 4.0, 8.0, 16.0, 32.0, 60.0, 60.0]


def test_a_run_that_lasted_starts_the_delay_from_the_beginning() -> None:
    backoff = RestartBackoff(first=1.0, longest=60.0, stable_after=30.0)
    for _ in range(5):
        backoff.delay(ran_for=1.0)
    assert backoff.delay(ran_for=45.0) == 1.0
    assert backoff.delay(ran_for=1.0) == 2.0


async def test_a_crashed_server_is_restarted_after_the_first_delay() -> None:
    clock = FakeClock()
    programs = FakePrograms(clock, postgres=ProcessState.RUNNING, intake=ProcessState.RUNNING)
    supervisor = supervised(programs, clock)
    await look(supervisor, clock, after=0)
    programs.crash("postgres")

    await look(supervisor, clock, after=40)  # found down: scheduled, not yet restarted
    assert programs.restarted == []
    await look(supervisor, clock, after=0.5)
    assert programs.restarted == []
    await look(supervisor, clock, after=0.5)  # one second later
    assert programs.restarted == ["postgres"]
    assert programs.states["intake"] is ProcessState.RUNNING


async def test_a_program_that_keeps_crashing_waits_longer_each_time() -> None:
    clock = FakeClock()
    programs = FakePrograms(clock, screening=ProcessState.RUNNING)
    supervisor = supervised(programs, clock)
    waited = []
    for _ in range(4):
        programs.crash("screening")
        crashed_at = clock.seconds
        await look(supervisor, clock, after=0)
        while programs.states["screening"] is not ProcessState.RUNNING:
            await look(supervisor, clock, after=0.5)
        waited.append(clock.seconds - crashed_at)
        await look(supervisor, clock, after=1)  # it crashes again a second after each start
    assert waited == [1.0, 2.0, 4.0, 8.0]
    assert programs.restarted == ["screening"] * 4


async def test_what_was_stopped_is_left_alone_and_the_supervisor_never_restarts_itself() -> None:
    clock = FakeClock()
    programs = FakePrograms(clock, broker=ProcessState.RUNNING, **{SUPERVISOR: ProcessState.EXITED})
    supervisor = supervised(programs, clock)
    programs.crash("broker")
    await look(supervisor, clock, after=0)
    programs.states["broker"] = ProcessState.STOPPED  # `stack down` meanwhile
    for _ in range(10):
        await look(supervisor, clock, after=1)
    assert programs.restarted == []


async def test_a_failed_restart_is_tried_again_after_a_longer_delay() -> None:
    clock = FakeClock()
    programs = FakePrograms(clock, temporal=ProcessState.RUNNING)
    programs.failing.add("temporal")
    supervisor = supervised(programs, clock)
    programs.crash("temporal")
    await look(supervisor, clock, after=0)
    await look(supervisor, clock, after=1)  # the restart fails; it stays down
    programs.failing.clear()
    await look(supervisor, clock, after=0)  # scheduled again, two seconds on
    await look(supervisor, clock, after=1)
    assert programs.restarted == []
    await look(supervisor, clock, after=1)
    assert programs.restarted == ["temporal"]


def test_restarts_are_counted_until_the_program_is_stopped_by_hand(tmp_path: Path) -> None:
    note_restart(tmp_path, "postgres", "was killed by SIGKILL")
    second = note_restart(tmp_path, "postgres", "exited with code 1")
    assert second.count == 2
    assert read_restarts(tmp_path, "postgres") == second
    assert read_restarts(tmp_path, "broker") is None
    forget_restarts(tmp_path, "postgres")
    assert read_restarts(tmp_path, "postgres") is None


async def test_services_status_shows_each_restart_and_how_the_run_before_ended(
    tmp_path: Path,
) -> None:
    me = psutil.Process()
    record = PidRecord(
        name="intake", pid=me.pid, create_time=me.create_time(), stop_signal=15, argv=["intake"]
    )
    write_record(tmp_path, record)
    note_restart(tmp_path, "intake", "was killed by SIGKILL")
    note_restart(tmp_path, "intake", "exited with code 1")

    shown = await caseflow(Settings(state_dir=tmp_path), "services", "status")

    [intake] = [line for line in shown.splitlines() if " intake " in line]
    assert "running" in intake
    assert " 2 " in intake
    assert "exited with code 1" in intake
    [screening] = [line for line in shown.splitlines() if " screening " in line]
    assert "stopped" in screening
    assert " 0 " in screening
    assert any(" supervisor " in line and "stopped" in line for line in shown.splitlines())


async def test_the_supervisor_stops_once_nothing_is_left_to_watch() -> None:
    clock = FakeClock()
    programs = FakePrograms(clock, worker=ProcessState.RUNNING)
    supervisor = supervised(programs, clock)
    looks = 0

    async def sleep(_: float) -> None:
        nonlocal looks
        looks += 1
        if looks == 5:
            del programs.states["worker"]  # `services down`: its pid file is gone

    await asyncio.wait_for(supervisor.run(sleep), timeout=5)
    assert looks == 5 + IDLE_LOOKS


def test_the_supervisor_reads_the_settings_it_was_started_with(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    given = Settings(
        state_dir=tmp_path,
        kafka_port=19092,
        database_url=SecretStr("postgresql://caseflow:s3cret@db/caseflow"),
        log_json=True,
        park_after_seconds=1.5,
    )
    for name, value in settings_environment(given).items():
        monkeypatch.setenv(name, value)

    read = Settings()

    assert read.state_dir == tmp_path
    assert read.kafka_port == 19092
    assert read.database_url is not None
    assert read.database_url.get_secret_value() == "postgresql://caseflow:s3cret@db/caseflow"
    assert read.log_json is True
    assert read.park_after_seconds == 1.5
