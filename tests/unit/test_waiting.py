"""A server that is away is waited for with a capped pause; any other failure is raised."""

from __future__ import annotations

import asyncpg
import pytest

from caseflow.waiting import CappedPause, until_available


class FakeClock:
    """Records each pause instead of sleeping."""

    def __init__(self) -> None:
        self.pauses: list[float] = []

    async def sleep(self, seconds: float) -> None:
        self.pauses.append(seconds)


class FlakyServer:
    """Fails with the given errors, one per call, then answers."""

    def __init__(self, *errors: Exception) -> None:
        self.errors = list(errors)
        self.calls = 0

    async def query(self) -> str:
        self.calls += 1
        if self.errors:
            raise self.errors.pop(0)
        return "answer"


def test_the_pause_doubles_after_each_failure_and_stops_at_its_ceiling() -> None:
    pause = CappedPause(first=0.5, longest=15.0)
    assert [pause.next() for _ in range(8)] == [0.5, 1.0, 2.0, 4.0, 8.0, 15.0, 15.0, 15.0]


def test_the_pause_starts_again_from_the_first_once_the_server_answered() -> None:
    pause = CappedPause(first=0.5, longest=15.0)
    for _ in range(10):
        pause.next()
    pause.reset()
    assert pause.next() == 0.5


def test_the_pause_stays_at_its_ceiling_however_long_the_outage() -> None:
    pause = CappedPause(first=0.5, longest=15.0, failures=100_000)
    assert pause.next() == 15.0


async def test_an_unreachable_database_is_tried_again_until_it_answers() -> None:
    clock = FakeClock()
    server = FlakyServer(
        ConnectionRefusedError(111, "Connect call failed"),
        FileNotFoundError(2, "No such file or directory"),  # the socket is gone meanwhile
        asyncpg.CannotConnectNowError("the database system is starting up"),
        asyncpg.InterfaceError("cannot call Connection.fetch(): connection is closed"),
    )

    answer = await until_available(server.query, purpose="test", sleep=clock.sleep)

    assert answer == "answer"
    assert server.calls == 5
    assert clock.pauses == [0.5, 1.0, 2.0, 4.0]


async def test_a_failure_that_is_not_an_outage_is_raised_at_once() -> None:
    clock = FakeClock()
    server = FlakyServer(ConnectionRefusedError(), asyncpg.UniqueViolationError("duplicate key"))

    with pytest.raises(asyncpg.UniqueViolationError):
        await until_available(server.query, purpose="test", sleep=clock.sleep)

    assert server.calls == 2
    assert clock.pauses == [0.5]


async def test_a_connection_lost_after_it_was_made_starts_from_the_first_pause() -> None:
    clock = FakeClock()
    pause = CappedPause()
    attempts = 0

    async def relay() -> str:
        nonlocal attempts
        attempts += 1
        if attempts <= 3:
            raise ConnectionRefusedError()  # still down
        if attempts == 4:
            pause.reset()  # connected, then the server went away again
            raise asyncpg.ConnectionDoesNotExistError("connection was closed")
        return "stopped"

    assert await until_available(relay, purpose="relay", pause=pause, sleep=clock.sleep) == (
        "stopped"
    )
    assert clock.pauses == [0.5, 1.0, 2.0, 0.5]
