"""What the re-screening bench reads off the stack: the CPU each process on the measured path
spends over an update, the Temporal worker restarted before the updates, and how long the
histories of the re-screened cases are (a worker that does not hold a case replays its history
before taking the new result)."""

from __future__ import annotations

import asyncio
import statistics
import time
from collections.abc import Sequence
from dataclasses import dataclass

import psutil
from temporalio.client import Client

from caseflow.settings import Settings
from entrypoints.processes import processes_status, start_processes
from entrypoints.stack import stack_status, stop_process
from workflows.client import workflow_id

# Where a re-screen spends its CPU: screening finds and screens the cases (its workers are its
# children), the bridge signals the results in, the worker runs each case's workflow task, and
# the Temporal server keeps the histories and routes the tasks.
ON_THE_PATH = ("screening", "bridge", "worker")
SERVER = "temporal"


@dataclass(frozen=True)
class PathProcesses:
    """The processes on the measured path, by name: their pids when the bench looked."""

    pids: dict[str, int]

    @classmethod
    def running(cls, settings: Settings) -> PathProcesses:
        """The path's processes as they run now (asked again after a restart)."""
        pids = {p.name: p.pid for p in processes_status(settings) if p.name in ON_THE_PATH}
        pids[SERVER] = stack_status(settings).component(SERVER).pid
        missing = sorted(name for name, pid in pids.items() if pid is None)
        if missing:
            raise RuntimeError(f"not running, so not measured: {', '.join(missing)}")
        return cls({name: pid for name, pid in pids.items() if pid is not None})

    def cpu_seconds(self) -> dict[str, float]:
        """Each process's CPU time, with that of its children that have ended (screening's
        workers end with the update they screened)."""
        return {name: _cpu_seconds(pid) for name, pid in self.pids.items()}

    def resident_mib(self, name: str) -> float:
        """A process's resident memory (the worker's holds every case it caches)."""
        return float(psutil.Process(self.pids[name]).memory_info().rss) / 2**20


def _cpu_seconds(pid: int) -> float:
    times = psutil.Process(pid).cpu_times()
    return float(times.user + times.system + times.children_user + times.children_system)


def spent(before: dict[str, float], after: dict[str, float]) -> dict[str, float]:
    """The CPU each process spent between two readings."""
    return {name: after[name] - before[name] for name in before}


async def restart_worker(settings: Settings) -> float:
    """Stop the Temporal worker and start it again, holding no case (as after a deployment);
    the seconds until it polls its task queue again."""
    began = time.monotonic()
    await asyncio.to_thread(stop_process, settings.state_dir.resolve(), "worker")
    await start_processes(settings, ("worker",))
    return time.monotonic() - began


@dataclass(frozen=True)
class HistoryLengths:
    """The events in the histories of some cases' workflows."""

    median: float
    longest: int

    @classmethod
    async def of(cls, client: Client, case_ids: Sequence[str]) -> HistoryLengths:
        """Asked of each case's workflow (after the timed span, so off the clock)."""
        gate = asyncio.Semaphore(16)

        async def events(case_id: str) -> int:
            async with gate:
                described = await client.get_workflow_handle(workflow_id(case_id)).describe()
                return described.raw_description.workflow_execution_info.history_length

        lengths = await asyncio.gather(*(events(case_id) for case_id in case_ids))
        if not lengths:
            return cls(0.0, 0)
        return cls(float(statistics.median(lengths)), max(lengths))
