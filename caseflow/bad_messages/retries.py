"""Parking: a message whose handler keeps failing is set aside on `caseflow.parked`.

A consumer commits a message only after its handler returns, and a failing handler has the
message delivered again after a growing pause. That rides out a server that is away, but a
message that can never be handled (a bug, a value the handler cannot take) would hold its
partition forever: every later event of every case on that partition would wait behind it.
So once a message has failed `park_after_attempts` times and for at least
`park_after_seconds`, it is published with its location, key, headers, bytes and last error to
`caseflow.parked`, and committed: the partition moves on.

The trade-off: a later event of the same case may then be handled before the parked one. An
operator reads `caseflow parked list`, fixes the cause (a release, a data correction) and
re-publishes the message to its topic with `caseflow parked replay ID`; every consumer is
idempotent, so a replay of a message that was handled after all changes nothing.

A failure that means a server we depend on is unavailable (`caseflow.outage`) never counts
toward the budget: the message is delivered again, after the same capped pause, for as long as
the outage lasts, and the redelivery is counted as an outage. A batch that keeps failing is
handled one message at a time once its budget is spent, so only the messages that fail alone are
parked. When every message of a batch fails alone, or one fails for want of a server, a server is
taken to be away and nothing is parked.
"""

from __future__ import annotations

import asyncio
import copy
import functools
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, NoReturn, TypeVar, cast

import structlog
from prometheus_client import Counter

from caseflow.bad_messages.parked_message import (
    ParkedMessage,
    Record,
    error_text,
    location,
    parked_message,
)
from caseflow.outage import server_unavailable
from caseflow.settings import Settings
from schemas.envelope import utcnow

log = structlog.get_logger(__name__)
Handler = TypeVar("Handler", bound=Callable[..., Awaitable[None]])

FIRST_REDELIVERY_PAUSE = 0.5  # seconds; doubled after each failure in a row
LONGEST_REDELIVERY_PAUSE = 15.0
# Failures of messages not seen again for this long (their partition moved away) are forgotten.
FORGET_AFTER = timedelta(hours=6)

PARKED_TOTAL = Counter(
    "caseflow_messages_parked",
    "Messages set aside on caseflow.parked after their handler kept failing, or because no "
    "contract of their consumer could read them, by consumer group and topic; each one waits "
    "for an operator's replay.",
    ["consumer", "topic"],
)
REDELIVERIES_TOTAL = Counter(
    "caseflow_message_redeliveries",
    "Deliveries whose handler failed and that are delivered again, by consumer group and reason: "
    "server_unavailable (an outage; never parked) or failed (counted toward parking).",
    ["consumer", "reason"],
)


@dataclass(frozen=True)
class RetryBudget:
    """How long a failing message is retried before it is parked: both limits must be reached."""

    attempts: int
    seconds: float

    @classmethod
    def from_settings(cls, settings: Settings) -> RetryBudget:
        """CASEFLOW_PARK_AFTER_ATTEMPTS and CASEFLOW_PARK_AFTER_SECONDS."""
        return cls(settings.park_after_attempts, settings.park_after_seconds)


@dataclass
class Failures:
    """One message's failed deliveries so far."""

    first: datetime
    last: datetime
    attempts: int = 0

    def spent(self, budget: RetryBudget) -> bool:
        """Whether this message has used up its budget."""
        elapsed = (self.last - self.first).total_seconds()
        return self.attempts >= budget.attempts and elapsed >= budget.seconds


Park = Callable[[ParkedMessage], Awaitable[None]]
Sleep = Callable[[float], Awaitable[object]]


class Parking:
    """Counts each message's failures, pauses before redelivery, parks past the budget."""

    def __init__(
        self,
        consumer: str,
        budget: RetryBudget,
        park: Park,
        *,
        clock: Callable[[], datetime] = utcnow,
        sleep: Sleep = asyncio.sleep,
    ) -> None:
        self._consumer, self._budget, self._park = consumer, budget, park
        self._clock, self._sleep = clock, sleep
        self._failures: dict[str, Failures] = {}
        self._in_a_row = 0

    def guard(self, handler: Handler) -> Handler:
        """The handler, retried with pauses and parked past the budget."""

        @functools.wraps(handler)
        async def handle(*args: Any, **kwargs: Any) -> None:
            try:
                await handler(*args, **kwargs)
            except Exception as error:
                await self._after_failure(handler, args, kwargs, error)
                return
            self._succeeded(_records(args, kwargs))

        return cast(Handler, handle)

    def _succeeded(self, records: tuple[Record, ...]) -> None:
        self._in_a_row = 0
        for record in records:
            self._failures.pop(location(record), None)

    async def _after_failure(
        self, handler: Handler, args: tuple[Any, ...], kwargs: dict[str, Any], error: Exception
    ) -> None:
        """Park what is past its budget; raise (to be delivered again) otherwise."""
        if server_unavailable(error):
            await self._pause_then_raise(error)
        records = _records(args, kwargs)
        noted = [self._note(record) for record in records]
        if not any(failures.spent(self._budget) for failures in noted):
            await self._pause_then_raise(error)
        failed = [(records[0], error)]
        if len(records) > 1:
            failed = await self._one_by_one(handler, args, kwargs, records)
            if len(failed) == len(records):  # none passes alone: a server is away
                await self._pause_then_raise(error)
            for _, cause in failed:
                if server_unavailable(cause):  # the server left meanwhile: park nothing now
                    await self._pause_then_raise(cause)
        if not all(self._failures[location(r)].spent(self._budget) for r, _ in failed):
            await self._pause_then_raise(error)
        try:
            for record, cause in failed:
                await self._park_one(record, cause)
        except Exception as unparked:  # the broker is away: try again after a pause
            await self._pause_then_raise(unparked)
        self._in_a_row = 0

    async def _one_by_one(
        self,
        handler: Handler,
        args: tuple[Any, ...],
        kwargs: dict[str, Any],
        records: tuple[Record, ...],
    ) -> list[tuple[Record, Exception]]:
        """Handle each message of a batch alone; those that still fail, with their errors."""
        failed: list[tuple[Record, Exception]] = []
        for record in records:
            alone_args, alone_kwargs = _narrowed(args, kwargs, record)
            try:
                await handler(*alone_args, **alone_kwargs)
            except Exception as error:
                failed.append((record, error))
            else:
                self._failures.pop(location(record), None)
        return failed

    def _note(self, record: Record) -> Failures:
        """One more failed delivery of a record."""
        now = self._clock()
        failures = self._failures.setdefault(location(record), Failures(first=now, last=now))
        failures.attempts += 1
        failures.last = now
        return failures

    async def _pause_then_raise(self, error: Exception) -> NoReturn:
        """Wait a little longer after each failure in a row, then have the message redelivered.

        The pause keeps redelivery from spinning while Temporal, PostgreSQL or the broker restarts.
        """
        pause = min(FIRST_REDELIVERY_PAUSE * 2**self._in_a_row, LONGEST_REDELIVERY_PAUSE)
        self._in_a_row += 1
        self._forget_stale()
        outage = server_unavailable(error)
        REDELIVERIES_TOTAL.labels(
            self._consumer, "server_unavailable" if outage else "failed"
        ).inc()
        log.warning(
            "server unavailable; delivering again"
            if outage
            else "handling failed; delivering again",
            consumer=self._consumer,
            error=f"{type(error).__name__}: {error_text(error)}",
            retry_in=pause,
        )
        await self._sleep(pause)
        raise error

    async def _park_one(self, record: Record, error: Exception) -> None:
        """Publish the record to the parked topic; only then may it be committed."""
        failures = self._failures[location(record)]
        parked = parked_message(
            record, self._consumer, error, failures.attempts, (failures.first, failures.last)
        )
        await self._park(parked)
        del self._failures[location(record)]
        PARKED_TOTAL.labels(self._consumer, record.topic).inc()
        log.error(
            "message parked",
            consumer=self._consumer,
            location=location(record),
            case_id=parked.case_id,
            parked_id=parked.parked_id,
            error=f"{parked.error_type}: {parked.error}",
            attempts=parked.attempts,
            failing_since=parked.first_failed_at.isoformat(),
        )

    def _forget_stale(self) -> None:
        horizon = self._clock() - FORGET_AFTER
        for stale in [at for at, f in self._failures.items() if f.last < horizon]:
            del self._failures[stale]


def _records(args: tuple[Any, ...], kwargs: dict[str, Any]) -> tuple[Record, ...]:
    """The records a handler was called with, read from its message argument (if it takes one:
    without it, nothing can be parked and a failing message is delivered again)."""
    message = _message(args, kwargs)
    if message is None:
        return ()
    raw = message.raw_message
    records: tuple[Record, ...] = raw if isinstance(raw, tuple) else (raw,)
    return records


def _message(args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
    """The handler's `message: KafkaMessage` argument."""
    for value in (*args, *kwargs.values()):
        if hasattr(value, "raw_message"):
            return value
    return None


def _narrowed(
    args: tuple[Any, ...], kwargs: dict[str, Any], record: Record
) -> tuple[tuple[Any, ...], dict[str, Any]]:
    """The handler's arguments with its batch narrowed to one record."""
    message = _message(args, kwargs)
    alone = copy.copy(message)
    alone.raw_message = (record,)
    alone.body = [record.value]

    def swap(value: Any) -> Any:
        return alone if value is message else value

    return tuple(swap(a) for a in args), {name: swap(v) for name, v in kwargs.items()}
