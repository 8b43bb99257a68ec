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

from services.screening.list_moves import ListMoves
from services.screening.matching.screen_since import PartyScreen, Retrieved

log = structlog.get_logger(__name__)

Named = tuple[str, str | None]  # a party's name and country: what its full screen depends on


@dataclass(frozen=True)
class Asked:
    """A party to screen in full, with what tells which names may score otherwise since it was
    screened, where known: the entries it may have hit then (`held`: its subjects' hits and its
    cleared ones) and the names its screen retrieved then (`retrieved`)."""

    named: Named
    held: frozenset[str] | None = None
    retrieved: Retrieved | None = None


class FullScreener(Protocol):
    """Screens a party in full against the current lists (scoring only the names that may
    score otherwise since `moves`, where that tells: `CurrentLists.full_screen`)."""

    @property
    def list_version(self) -> str: ...
    def full_screen(self, asked: Asked, moves: ListMoves | None) -> PartyScreen: ...


# The lists the workers forked next screen against, and what moved in them since the subjects
# were screened: set just before forking, read only by them.
_forked_with: tuple[FullScreener, ListMoves | None] | None = None


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
    def forked(
        self, lists: FullScreener, moves: ListMoves | None = None
    ) -> Iterator[ProcessPoolExecutor]:
        """Workers screening against `lists` as they stand now (`moves`: what moved in them
        since the subjects were screened), stopped on leaving."""
        global _forked_with
        log.info("screening workers forked", processes=self.processes, lists=lists.list_version)
        _forked_with = (lists, moves)
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


def screen_in_worker(parties: Sequence[Asked]) -> list[PartyScreen]:
    """In a worker: each party's full screen against the lists it was forked with."""
    if _forked_with is None:
        raise RuntimeError("not a screening worker: no lists were forked with it")
    lists, moves = _forked_with
    return [lists.full_screen(asked, moves) for asked in parties]


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
