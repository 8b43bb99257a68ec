"""The case's one list of due steps: each named, with when it falls due and what it does."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from typing import NamedTuple

from workflows.clock import SHORTEST_WAIT


class DueStep(NamedTuple):
    """A step the case owes: `due` says when (None: not now, nor at a known moment) and `act`
    does it. A step a message sets off (`timed` off) is due at once and never sets a timer."""

    name: str
    due: Callable[[], datetime | None]
    act: Callable[[], None]
    timed: bool = True


def act_on_due(steps: Sequence[DueStep], now: datetime) -> list[str]:
    """Do, in order, every step due by `now` (each sees what the ones before it did); their
    names."""
    done = []
    for step in steps:
        at = step.due()
        if at is not None and now >= at:
            step.act()
            done.append(step.name)
    return done


def time_to_next(steps: Sequence[DueStep], now: datetime) -> timedelta | None:
    """How long until the next timed step falls due; None when none is to come."""
    moments = [at for at in (step.due() for step in steps if step.timed) if at is not None]
    if not moments:
        return None
    return max(min(moments) - now, SHORTEST_WAIT)


def set_off(steps: Sequence[DueStep]) -> bool:
    """Whether a message has set off a step that is not timed."""
    return any(step.due() is not None for step in steps if not step.timed)
