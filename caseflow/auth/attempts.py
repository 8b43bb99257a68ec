"""Failed sign-ins, counted per account name and per client address in PostgreSQL (schema
`auth`) so that every desk instance sees the same counts: slowed, then refused for a while."""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

import asyncpg

from caseflow.db import Connection
from caseflow.settings import Settings


class SignInRefused(Exception):
    """Too many failed sign-ins for this account or from this address; try again later."""

    def __init__(self, retry_after: timedelta) -> None:
        self.retry_after = retry_after
        self.seconds = max(1, math.ceil(retry_after.total_seconds()))
        unit = "second" if self.seconds == 1 else "seconds"
        super().__init__(f"too many failed sign-ins: try again in {self.seconds} {unit}")


@dataclass(frozen=True)
class Allowance:
    """How many failures a subject may have in a window before it is refused for `window`;
    after `slow_after` failures each further attempt waits `delay`, doubled every failure."""

    failures: int
    window: timedelta
    slow_after: int | None = None
    delay: timedelta = timedelta(seconds=1)


@dataclass(frozen=True)
class FailureCount:
    """A subject's failures in its current window, and until when its attempts are refused."""

    failures: int
    window_ends: datetime
    blocked_until: datetime | None = None


@dataclass(frozen=True)
class SignInPolicy:
    """The allowances of an account name and of a client address."""

    account: Allowance = Allowance(5, timedelta(minutes=15), slow_after=2)
    address: Allowance = Allowance(100, timedelta(minutes=15))

    @classmethod
    def from_settings(cls, settings: Settings) -> SignInPolicy:
        """The allowances as configured (CASEFLOW_AUTH_SIGN_IN_*)."""
        window = timedelta(minutes=settings.auth_sign_in_window_minutes)
        return cls(
            account=Allowance(
                settings.auth_sign_in_failures_per_account,
                window,
                slow_after=settings.auth_sign_in_slow_after,
                delay=timedelta(seconds=settings.auth_sign_in_delay_seconds),
            ),
            address=Allowance(settings.auth_sign_in_failures_per_address, window),
        )


def after_failure(count: FailureCount | None, allowance: Allowance, now: datetime) -> FailureCount:
    """The count once one more failure is recorded at `now`."""
    if count is None or count.window_ends <= now:
        count = FailureCount(0, now + allowance.window)
    failures = count.failures + 1
    if failures >= allowance.failures:
        # Refused for a whole window; the count starts afresh once it has passed.
        return FailureCount(failures, now + allowance.window, now + allowance.window)
    slow_after = allowance.slow_after
    if slow_after is not None and failures > slow_after:
        wait = allowance.delay * 2 ** (failures - slow_after - 1)
        return replace(count, failures=failures, blocked_until=now + wait)
    return replace(count, failures=failures)


class SignInAttempts:
    """Admits sign-in attempts while neither their account name nor their client address has
    failed too often."""

    def __init__(self, pool: asyncpg.Pool, policy: SignInPolicy) -> None:
        self.pool = pool
        self.policy = policy

    async def admit(self, name: str, address: str, now: datetime) -> timedelta | None:
        """None when the attempt may check its password, or how long sign-ins of this name from
        this address stay refused. An admitted attempt counts as the name's failure until it
        succeeds, so that guesses sent side by side cannot all slip through."""
        async with self.pool.acquire() as connection, connection.transaction():
            count = await _locked_count(connection, _account(name), now)
            address_blocked = await connection.fetchval(
                "SELECT blocked_until FROM sign_in_failures WHERE subject = $1", _address(address)
            )
            until = max(
                (at for at in (count.blocked_until, address_blocked) if at and at > now),
                default=None,
            )
            if until is not None:
                return until - now
            admitted = after_failure(count, self.policy.account, now)
            await _store(connection, _account(name), admitted)
        return None

    async def failed(self, address: str, now: datetime) -> None:
        """Count a failed sign-in against the client address (the name's is already counted)."""
        async with self.pool.acquire() as connection, connection.transaction():
            count = await _locked_count(connection, _address(address), now)
            await _store(
                connection, _address(address), after_failure(count, self.policy.address, now)
            )
            # Counts whose window has long passed say nothing any more.
            await connection.execute(
                "DELETE FROM sign_in_failures WHERE window_ends < $1", now - timedelta(days=1)
            )

    async def clear(self, name: str) -> None:
        """Clear the name's count and refusal (after a success, or `caseflow users unblock`);
        the address keeps its own."""
        await self.pool.execute("DELETE FROM sign_in_failures WHERE subject = $1", _account(name))


async def _locked_count(connection: Connection, subject: str, now: datetime) -> FailureCount:
    """The subject's count, its row locked to the end of the transaction: concurrent attempts,
    on any desk instance, are counted one after another."""
    await connection.execute(
        "INSERT INTO sign_in_failures (subject, failures, window_ends) VALUES ($1, 0, $2)"
        " ON CONFLICT (subject) DO NOTHING",
        subject,
        now,
    )
    row = await connection.fetchrow(
        "SELECT failures, window_ends, blocked_until FROM sign_in_failures"
        " WHERE subject = $1 FOR UPDATE",
        subject,
    )
    assert row is not None  # inserted just above
    return FailureCount(*row.values())


async def _store(connection: Connection, subject: str, count: FailureCount) -> None:
    await connection.execute(
        "UPDATE sign_in_failures SET failures = $2, window_ends = $3, blocked_until = $4"
        " WHERE subject = $1",
        subject,
        count.failures,
        count.window_ends,
        count.blocked_until,
    )


def _account(name: str) -> str:
    return f"account:{name}"


def _address(address: str) -> str:
    return f"address:{address}"
