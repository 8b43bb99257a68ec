"""A server that is away is waited for, however long; only a message that is bad is parked."""

from __future__ import annotations

import socket
from collections.abc import Callable

import asyncpg
import pytest
from aiokafka import errors as kafka_errors
from prometheus_client import REGISTRY
from temporalio.service import RPCError, RPCStatusCode

from caseflow.outage import server_unavailable
from tests.unit.test_parking import (
    BUDGET,
    Broken,
    FakeKafka,
    FakeMessage,
    deliver_until_committed,
    record,
)


def _rpc(status: RPCStatusCode) -> RPCError:
    return RPCError("temporal said no", status, b"")


@pytest.mark.parametrize(
    "error",
    [
        ConnectionRefusedError(111, "Connect call failed ('127.0.0.1', 5432)"),
        ConnectionResetError("reset by peer"),
        TimeoutError(),
        OSError("Multiple exceptions: [Errno 111] Connect call failed"),
        socket.gaierror(-2, "Name or service not known"),
        FileNotFoundError(2, "No such file or directory"),  # PostgreSQL's Unix socket is gone
        asyncpg.ConnectionDoesNotExistError("connection was closed in the middle of operation"),
        asyncpg.CannotConnectNowError("the database system is starting up"),
        asyncpg.TooManyConnectionsError("sorry, too many clients already"),
        asyncpg.PostgresConnectionError("connection failure"),
        asyncpg.AdminShutdownError("terminating connection due to administrator command"),
        asyncpg.InterfaceError("pool is closing"),
        asyncpg.InterfaceError("cannot call Connection.fetch(): connection is closed"),
        # PostgreSQL killed: its backend's last words leave the protocol stuck.
        asyncpg.InternalClientError(
            "cannot switch to state 11; another operation (2) is in progress"
        ),
        asyncpg.InternalClientError('cannot switch to state 11; protocol is in the "failed" state'),
        _rpc(RPCStatusCode.UNAVAILABLE),
        _rpc(RPCStatusCode.DEADLINE_EXCEEDED),
        _rpc(RPCStatusCode.RESOURCE_EXHAUSTED),
        kafka_errors.KafkaConnectionError("no broker"),
        kafka_errors.RequestTimedOutError(),
        kafka_errors.KafkaTimeoutError(),
        ExceptionGroup("one case's outage", [Broken(), ConnectionRefusedError()]),
    ],
    ids=lambda error: type(error).__name__,
)
def test_a_server_that_cannot_be_reached_is_an_outage(error: BaseException) -> None:
    assert server_unavailable(error)


@pytest.mark.parametrize(
    "error",
    [
        Broken("no such control code"),
        ValueError("bad value"),
        KeyError("party"),
        FileNotFoundError(2, "No such file", "lists/eu.json"),
        PermissionError(13, "Permission denied"),
        asyncpg.UniqueViolationError("duplicate key"),
        asyncpg.InterfaceError("cannot perform operation: another operation is in progress"),
        asyncpg.DataError("invalid input for query argument $1"),
        asyncpg.OutdatedSchemaCacheError("cached statement plan is invalid"),
        _rpc(RPCStatusCode.INVALID_ARGUMENT),
        _rpc(RPCStatusCode.NOT_FOUND),
        kafka_errors.MessageSizeTooLargeError(),
        ExceptionGroup("bad values", [Broken(), ValueError()]),
    ],
    ids=lambda error: type(error).__name__,
)
def test_a_message_the_handler_cannot_take_is_not_an_outage(error: BaseException) -> None:
    assert not server_unavailable(error)


def _raised(make: Callable[[], None]) -> BaseException:
    with pytest.raises(Exception) as raised:  # any error: its chain is tested
        make()
    return raised.value


def _caused() -> None:
    try:
        raise ConnectionRefusedError("connect call failed")
    except OSError as refused:
        raise RuntimeError("could not store the case") from refused


def _during() -> None:
    try:
        raise _rpc(RPCStatusCode.UNAVAILABLE)
    except RPCError:
        raise Broken("while cleaning up")  # noqa: B904  (the context is what is tested)


def _hidden() -> None:
    try:
        raise ConnectionRefusedError()
    except OSError:
        raise Broken("the value is wrong, whatever the server said") from None


def test_an_outage_is_found_where_the_error_came_from_or_was_raised_while_handling() -> None:
    assert server_unavailable(_raised(_caused))
    assert server_unavailable(_raised(_during))


def test_an_outage_hidden_on_purpose_is_not_one() -> None:
    assert not server_unavailable(_raised(_hidden))


def test_a_chain_that_loops_ends() -> None:
    first, second = Broken("a"), Broken("b")
    first.__context__, second.__context__ = second, first
    assert not server_unavailable(first)


def _redeliveries(reason: str) -> float:
    value = REGISTRY.get_sample_value(
        "caseflow_message_redeliveries_total", {"consumer": "caseflow-test", "reason": reason}
    )
    return value or 0.0


async def test_an_outage_far_longer_than_the_budget_parks_nothing_and_is_counted_as_one() -> None:
    kafka = FakeKafka()  # ten seconds pass at each pause; the budget is 3 attempts in 60 s
    back_after = 500  # about 80 minutes
    calls = 0

    async def needs_postgresql(message: FakeMessage) -> None:
        nonlocal calls
        calls += 1
        if calls <= back_after:
            raise Broken("could not store") from asyncpg.CannotConnectNowError("starting")

    before = _redeliveries("server_unavailable")
    handle = kafka.parking().guard(needs_postgresql)
    assert await deliver_until_committed(handle, FakeMessage(record(7)), limit=1000) == 501
    assert kafka.parked == []
    assert _redeliveries("server_unavailable") - before == back_after
    assert set(kafka.pauses[5:]) == {15.0}  # the pause grows, capped, as for any failure


async def test_failures_during_an_outage_do_not_count_toward_parking_a_bad_message() -> None:
    kafka = FakeKafka()
    errors: list[Exception] = [Broken("bad"), Broken("bad"), *[ConnectionResetError()] * 30]

    async def bad_and_then_the_server_leaves(message: FakeMessage) -> None:
        raise errors.pop(0) if errors else Broken("bad")

    handle = kafka.parking().guard(bad_and_then_the_server_leaves)
    before = _redeliveries("failed")
    deliveries = await deliver_until_committed(handle, FakeMessage(record(7)))
    # Two bad failures, thirty during the outage, then the third bad one spends the budget.
    assert deliveries == 33
    [parked] = kafka.parked
    assert (parked.attempts, parked.error_type) == (BUDGET.attempts, "Broken")
    assert _redeliveries("failed") - before == 2


async def test_a_batch_whose_messages_fail_alone_for_want_of_a_server_parks_nothing() -> None:
    kafka = FakeKafka()
    server_back = False

    async def bad_batch_then_outage(message: FakeMessage) -> None:
        assert isinstance(message.raw_message, tuple)
        if len(message.raw_message) > 1:
            raise Broken("the batch fails")
        offset = message.raw_message[0].offset
        if offset == 8 and not server_back:
            raise ConnectionRefusedError()  # alone, its server is away
        if offset == 9:
            raise Broken("offset 9 cannot be handled")

    handle = kafka.parking().guard(bad_batch_then_outage)
    batch = FakeMessage((record(7), record(8), record(9)))
    for _ in range(20):
        with pytest.raises((Broken, ConnectionRefusedError)):
            await handle(batch)
    assert kafka.parked == []
    server_back = True
    await deliver_until_committed(handle, batch)
    assert [p.offset for p in kafka.parked] == [9]
