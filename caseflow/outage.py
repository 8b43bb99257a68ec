"""Which failures mean a server we depend on is unavailable, rather than a message being bad.

Parking is for poison messages: a message whose handler fails only because PostgreSQL, Temporal
or the broker cannot be reached is delivered again for as long as the outage lasts, and its
failures never count toward parking (`caseflow.bad_messages.retries`).
"""

from __future__ import annotations

from collections.abc import Iterator

import asyncpg
from aiokafka import errors as kafka_errors

# OSErrors about local files, not about reaching a server.
_LOCAL_OS_ERRORS = (
    FileNotFoundError,
    FileExistsError,
    IsADirectoryError,
    NotADirectoryError,
    PermissionError,
)
_UNAVAILABLE = (
    OSError,  # ConnectionError (refused, reset, aborted), TimeoutError, socket.gaierror
    asyncpg.PostgresConnectionError,  # ConnectionDoesNotExistError, ConnectionFailureError…
    asyncpg.CannotConnectNowError,  # the server is starting or shutting down
    asyncpg.TooManyConnectionsError,
    asyncpg.AdminShutdownError,
    asyncpg.CrashShutdownError,
    kafka_errors.KafkaConnectionError,
    kafka_errors.RequestTimedOutError,
    kafka_errors.KafkaTimeoutError,
    kafka_errors.NodeNotReadyError,
    kafka_errors.NotLeaderForPartitionError,
    kafka_errors.LeaderNotAvailableError,
)
# Temporal's answers meaning "not now" (temporalio.service.RPCStatusCode names); read by name,
# since the shared plumbing that services use does not speak Temporal.
_TEMPORAL_UNAVAILABLE = {"UNAVAILABLE", "DEADLINE_EXCEEDED", "RESOURCE_EXHAUSTED"}
# asyncpg's InterfaceError also reports misuse; only a closed connection or pool is an outage.
_CLOSED = ("closed", "closing", "connection was lost")
# A server that dies mid-conversation (its last words a FATAL error) leaves the connection's
# protocol stuck; the next query on it says so with an InternalClientError.
_BROKEN = ("cannot switch to state", "not connected")
LONGEST_CHAIN = 20


def server_unavailable(error: BaseException) -> bool:
    """Whether the error, or one it was raised from or while handling, means a server is away."""
    return any(_unavailable(link) for link in _chain(error))


def _unavailable(error: BaseException) -> bool:
    if isinstance(error, FileNotFoundError) and error.filename is None:
        return True  # connecting to a Unix socket that is gone: PostgreSQL stopped or restarts
    if isinstance(error, _LOCAL_OS_ERRORS):
        return False
    if isinstance(error, _UNAVAILABLE):
        return True
    if isinstance(error, asyncpg.InterfaceError):
        return any(word in str(error).lower() for word in _CLOSED)
    if isinstance(error, asyncpg.InternalClientError):
        return str(error).lower().startswith(_BROKEN)
    if type(error).__name__ == "RPCError" and type(error).__module__.startswith("temporalio"):
        return getattr(getattr(error, "status", None), "name", None) in _TEMPORAL_UNAVAILABLE
    if isinstance(error, BaseExceptionGroup):
        return any(server_unavailable(inner) for inner in error.exceptions)
    return False


def _chain(error: BaseException) -> Iterator[BaseException]:
    """The error, then what it was raised from or while handling, each once."""
    seen: set[int] = set()
    link: BaseException | None = error
    while link is not None and id(link) not in seen and len(seen) < LONGEST_CHAIN:
        seen.add(id(link))
        yield link
        # `raise … from None` hides the context on purpose.
        hidden = link.__suppress_context__
        link = link.__cause__ if link.__cause__ is not None or hidden else link.__context__
