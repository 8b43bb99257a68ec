"""Waiting out a server that is away: try again after a capped pause, for as long as it takes.

A service never exits because PostgreSQL, the broker or Temporal went away (`caseflow.outage`
says which failures mean that): it waits, doubling its pause up to a ceiling, and goes on where
it stopped once the server answers. Any other failure is raised at once.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TypeVar

import structlog

from caseflow.outage import server_unavailable

log = structlog.get_logger(__name__)
T = TypeVar("T")
Sleep = Callable[[float], Awaitable[object]]

FIRST_PAUSE = 0.5  # seconds; doubled after each failure in a row
LONGEST_PAUSE = 15.0


@dataclass
class CappedPause:
    """The pause before the next try: doubled after each failure in a row, never past `longest`."""

    first: float = FIRST_PAUSE
    longest: float = LONGEST_PAUSE
    failures: int = 0

    def next(self) -> float:
        """The pause to take now, counting one more failure in a row."""
        doublings = min(self.failures, 64)  # past that the ceiling holds anyway; no overflow
        self.failures += 1
        return min(self.first * 2.0**doublings, self.longest)

    def reset(self) -> None:
        """The server answered: the next failure starts from the first pause again."""
        self.failures = 0


async def until_available(
    attempt: Callable[[], Awaitable[T]],
    *,
    purpose: str,
    pause: CappedPause | None = None,
    sleep: Sleep = asyncio.sleep,
) -> T:
    """What `attempt` returns, tried again after a capped pause while a server is away.

    `attempt` may call `pause.reset()` once it has reached its server, so a long-lived attempt
    that loses its connection later starts again from the first pause.
    """
    pause = pause if pause is not None else CappedPause()
    while True:
        try:
            return await attempt()
        except Exception as error:
            if not server_unavailable(error):
                raise
            retry_in = pause.next()
            log.warning(
                "server unavailable; waiting",
                purpose=purpose,
                error=f"{type(error).__name__}: {error}",
                retry_in=retry_in,
            )
            await sleep(retry_in)
