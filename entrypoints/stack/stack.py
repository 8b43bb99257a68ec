"""The embedded stack as one thing: bring it up, say how it is, take it down."""

from __future__ import annotations

import asyncio
import fcntl
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Literal, TypeVar

import structlog
from pydantic import BaseModel

from caseflow.settings import Endpoints, Settings, masked_url
from entrypoints.stack import broker, postgres, temporal
from entrypoints.stack.errors import ComponentFailed, StackError
from entrypoints.stack.pidfiles import log_file
from entrypoints.stack.processes import ProcessState, list_processes, process_status, stop_process
from entrypoints.stack.restarts import SUPERVISOR

COMPONENTS = (postgres.NAME, broker.NAME, temporal.NAME)
START_TIMEOUT = 60.0

T = TypeVar("T")

log = structlog.get_logger(__name__)


class ComponentStatus(BaseModel):
    """One server of the stack: where it answers and whether the stack runs it."""

    name: str
    address: str | None
    state: ProcessState | Literal["external"]
    pid: int | None = None
    log_file: Path | None = None
    restarts: int = 0  # by the supervisor since `stack up`
    last_restart_at: datetime | None = None


class StackStatus(BaseModel):
    """Every server of the stack, and where operators watch the cases."""

    components: list[ComponentStatus]
    temporal_ui_url: str | None

    def component(self, name: str) -> ComponentStatus:
        """The status of one component by name."""
        return next(component for component in self.components if component.name == name)


async def start_stack(settings: Settings, *, ready_within: float = START_TIMEOUT) -> Endpoints:
    """Start every server without a configured address (reusing running ones); record endpoints."""
    with _stack_lock(settings):
        # Side by side: the components do not depend on each other, and every failure is told.
        database, kafka, temporal_ends = await asyncio.gather(
            postgres.ensure_postgres(settings, ready_within=ready_within),
            broker.ensure_broker(settings, ready_within=ready_within),
            temporal.ensure_temporal(settings, ready_within=ready_within),
            return_exceptions=True,
        )
        _raise_failures(settings, database, kafka, temporal_ends)
        temporal_address, ui_url = _unwrap(temporal_ends)
        endpoints = Endpoints(
            database_url=_unwrap(database),
            kafka_bootstrap=_unwrap(kafka),
            temporal_address=temporal_address,
            temporal_ui_url=ui_url,
        )
        # A configured URL may carry a password: it stays in the environment, not on disk.
        recorded = endpoints.model_copy(
            update={"database_url": None} if settings.database_url else {}
        )
        recorded.write(settings.stack_file)
    log.info("stack up", **endpoints.public())
    return endpoints


def stop_stack(settings: Settings) -> StackStatus:
    """Stop the servers this stack started (by their pid files) and forget their endpoints."""
    with _stack_lock(settings):
        for name in reversed(COMPONENTS):
            stop_process(settings.state_dir.resolve(), name)
        settings.stack_file.unlink(missing_ok=True)
    stop_idle_supervisor(settings.state_dir.resolve())
    return stack_status(settings)


def stop_idle_supervisor(state_dir: Path) -> None:
    """Stop the supervisor once nothing it supervises is left running."""
    if all(process.name == SUPERVISOR for process in list_processes(state_dir)):
        stop_process(state_dir, SUPERVISOR)


def stack_status(settings: Settings) -> StackStatus:
    """Each server's address and process state, read from the settings and pid files."""
    state_dir = settings.state_dir.resolve()
    planned = {
        postgres.NAME: (
            settings.database_url and masked_url(settings.database_url.get_secret_value()),
            postgres.postgres_url(settings),
        ),
        broker.NAME: (settings.kafka_bootstrap, broker.broker_address(settings)),
        temporal.NAME: (settings.temporal_address, temporal.temporal_address(settings)),
    }
    components = []
    for name, (configured, embedded) in planned.items():
        if configured:
            components.append(ComponentStatus(name=name, address=configured, state="external"))
            continue
        process = process_status(state_dir, name)
        components.append(
            ComponentStatus(
                name=name,
                address=embedded,
                state=process.state,
                pid=process.pid,
                log_file=process.log_file,
                restarts=process.restarts,
                last_restart_at=process.last_restart_at,
            )
        )
    embedded_ui = temporal.temporal_ui_url(settings)
    ui_url = settings.temporal_ui_url if settings.temporal_address else embedded_ui
    return StackStatus(components=components, temporal_ui_url=ui_url)


def _raise_failures(settings: Settings, *results: object) -> None:
    """Raise the one failure, or all of them together, each naming its component."""
    failures = [
        _named(name, settings, result)
        for name, result in zip(COMPONENTS, results, strict=True)
        if isinstance(result, BaseException)
    ]
    if len(failures) == 1:
        raise failures[0]
    if failures:
        raise StackError("\n\n".join(str(failure) for failure in failures))


def _named(name: str, settings: Settings, failure: BaseException) -> BaseException:
    """A failure that names its component and log, unless it already does."""
    if isinstance(failure, StackError) or not isinstance(failure, Exception):
        return failure
    output = log_file(settings.state_dir.resolve(), name)
    named = ComponentFailed(name, f"{type(failure).__name__}: {failure}", output)
    named.__cause__ = failure
    return named


def _unwrap(result: T | BaseException) -> T:
    """A component's result, known to be no failure after `_raise_failures`."""
    if isinstance(result, BaseException):
        raise result
    return result


@contextmanager
def _stack_lock(settings: Settings) -> Iterator[None]:
    """One `stack up`/`down` at a time per state folder; the kernel drops it if we die."""
    lock_path = settings.state_dir.resolve() / "run" / "stack.lock"
    lock_path.parent.mkdir(parents=True, exist_ok=True)
    with lock_path.open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        yield
