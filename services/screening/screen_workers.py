"""Full screens of many parties on worker processes, one per core, forked with the index.

After a list update a re-screen may screen tens of thousands of parties in full against the
same index, and one process screens on one core. The workers are forked as a re-screen begins,
so each holds the index of the list versions being screened (copy-on-write: nothing is built or
sent again), and they end with the re-screen: the next update forks workers with the index it
updated. A screen is a pure function of the index and the party, so a worker's hits are the
hits the screening process would find.
"""

from __future__ import annotations

import contextlib
import gc
import multiprocessing
import os
import signal
from collections.abc import Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from typing import Protocol

import structlog

from services.screening.matching import Hit

log = structlog.get_logger(__name__)

Named = tuple[str, str | None]  # a party's name and country: what its full screen depends on


class FullScreener(Protocol):
    """Screens a party in full against the current lists."""

    @property
    def list_version(self) -> str: ...
    def screen(self, party_name: str, country: str | None = None) -> list[Hit]: ...


# The lists the workers forked next screen against: set just before forking, read only by them.
_forked_with: FullScreener | None = None


@dataclass(frozen=True)
class ScreenWorkers:
    """How many worker processes a re-screen's full screens run on (fewer than two: none), and
    for how many parties forking them is worth its start (a few milliseconds a worker)."""

    processes: int = os.cpu_count() or 1
    least: int = 400

    def worth_it(self, parties: int) -> bool:
        """Whether screening this many parties in full is worth forking the workers for."""
        return self.processes > 1 and parties >= max(self.least, 1)

    @contextlib.contextmanager
    def forked(self, lists: FullScreener) -> Iterator[ProcessPoolExecutor]:
        """Workers screening against `lists` as they stand now, stopped on leaving."""
        global _forked_with
        log.info("screening workers forked", processes=self.processes, lists=lists.list_version)
        _forked_with = lists
        context = multiprocessing.get_context("fork")
        workers = ProcessPoolExecutor(self.processes, context, initializer=_started)
        try:
            try:
                workers.submit(_ready).result()  # forked now, with these lists, all of them
            finally:
                _forked_with = None
            yield workers
        finally:
            workers.shutdown(wait=True, cancel_futures=True)


def screen_in_worker(parties: Sequence[Named]) -> list[list[Hit]]:
    """In a worker: each party's full screen against the lists it was forked with."""
    if _forked_with is None:
        raise RuntimeError("not a screening worker: no lists were forked with it")
    return [_forked_with.screen(name, country) for name, country in parties]


def workers_cpu_seconds() -> float:
    """CPU seconds of the worker processes this process has forked and seen end."""
    times = os.times()
    return times.children_user + times.children_system


def _started() -> None:
    # A worker leaves an interrupt to the screening process (which stops it), wakes no event
    # loop of its own, and its garbage collector leaves the inherited objects alone: scanning
    # them would copy every page the index is on.
    signal.set_wakeup_fd(-1)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    gc.freeze()


def _ready() -> bool:
    return _forked_with is not None
