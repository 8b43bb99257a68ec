"""`caseflow stack`: the embedded servers start, answer, survive crashes and stop on request."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import socket
from collections.abc import AsyncIterator, Callable, Iterator, Mapping
from pathlib import Path

import asyncpg
import psutil
import pytest
from aiokafka.admin import AIOKafkaAdminClient
from temporalio.api.operatorservice.v1 import ListSearchAttributesRequest
from temporalio.client import Client
from typer.testing import CliRunner

from caseflow.loopback import free_ports
from caseflow.settings import Endpoints, Settings
from entrypoints.cli.stack import app as stack_cli
from entrypoints.stack import (
    ComponentFailed,
    ManagedProcess,
    PortTaken,
    ProcessState,
    pid_file,
    process_status,
    stack_status,
    start_process,
    start_stack,
    stop_process,
    stop_stack,
)
from entrypoints.stack.temporal import database_file, temporal_executable, temporal_process
from schemas.topics import ALL_TOPICS
from workflows.search_attributes import ALL_KEYS

pytestmark = pytest.mark.integration


def _throwaway_settings(
    state_dir: Path, configured: Mapping[str, object] | None = None
) -> Settings:
    """Settings for a stack of a test's own, on free ports, with some addresses configured."""
    kafka_port, temporal_port, temporal_ui_port = free_ports(3)
    return Settings.model_validate(
        {
            "state_dir": state_dir,
            "kafka_port": kafka_port,
            "temporal_port": temporal_port,
            "temporal_ui_port": temporal_ui_port,
            **(configured or {}),
        }
    )


def _external(endpoints: Endpoints) -> dict[str, object]:
    """Configured addresses pointing at an already running stack."""
    return {name: value for name, value in endpoints.model_dump().items() if value is not None}


def _pids(settings: Settings) -> dict[str, int | None]:
    """The pid of each component, as `status` reports it."""
    return {component.name: component.pid for component in stack_status(settings).components}


def _is_running(pid: int) -> bool:
    """Alive and not a zombie."""
    try:
        return psutil.Process(pid).status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False


async def _select_one(database_url: str) -> str:
    """The current database's name, asked through a fresh connection."""
    connection = await asyncpg.connect(database_url)
    try:
        name: str = await connection.fetchval("select current_database()")
        return name
    finally:
        await connection.close()


async def _topic_partitions(bootstrap: str) -> dict[str, int]:
    """Every topic on the broker with its number of partitions."""
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    try:
        described = await admin.describe_topics(await admin.list_topics())
    finally:
        await admin.close()
    return {topic["topic"]: len(topic["partitions"]) for topic in described}


async def _search_attributes(temporal_address: str) -> set[str]:
    """The custom search attributes of the default namespace."""
    client = await Client.connect(temporal_address)
    listed = await client.operator_service.list_search_attributes(
        ListSearchAttributesRequest(namespace="default")
    )
    return set(listed.custom_attributes)


@pytest.fixture(scope="module")
async def own_stack(stack_state_dirs: Callable[[], Path]) -> AsyncIterator[Settings]:
    """A stack these tests may kill and stop, apart from the session's."""
    settings = _throwaway_settings(stack_state_dirs())
    try:
        await start_stack(settings)
        yield settings
    finally:
        stop_stack(settings)


@pytest.fixture
def foreign_listener() -> Iterator[int]:
    """A port some other program listens on."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        yield int(listener.getsockname()[1])


async def test_status_shows_every_server_running_with_its_address(
    stack_settings: Settings, stack_endpoints: Endpoints
) -> None:
    status = stack_status(stack_settings)

    assert [(c.name, c.state) for c in status.components] == [
        ("postgres", ProcessState.RUNNING),
        ("broker", ProcessState.RUNNING),
        ("temporal", ProcessState.RUNNING),
    ]
    assert [c.address for c in status.components] == [
        stack_endpoints.database_url,
        stack_endpoints.kafka_bootstrap,
        stack_endpoints.temporal_address,
    ]
    assert all(c.pid is not None and _is_running(c.pid) for c in status.components)
    assert status.temporal_ui_url == stack_endpoints.temporal_ui_url
    assert stack_settings.endpoints() == stack_endpoints


async def test_the_caseflow_database_answers(stack_endpoints: Endpoints) -> None:
    assert await _select_one(stack_endpoints.database) == "caseflow"


async def test_every_topic_exists_with_its_partitions(stack_endpoints: Endpoints) -> None:
    partitions = await _topic_partitions(stack_endpoints.kafka)

    assert {topic.name: topic.partitions for topic in ALL_TOPICS}.items() <= partitions.items()


async def test_caseflow_search_attributes_are_listed_by_the_temporal_cli(
    stack_endpoints: Endpoints,
) -> None:
    listing = await asyncio.create_subprocess_exec(
        temporal_executable(),
        "operator",
        "search-attribute",
        "list",
        "--address",
        stack_endpoints.temporal,
        "--output",
        "json",
        stdout=asyncio.subprocess.PIPE,
    )
    output, _ = await listing.communicate()
    custom = json.loads(output)["customAttributes"]

    expected = {key.name: f"INDEXED_VALUE_TYPE_{key.indexed_value_type.name}" for key in ALL_KEYS}
    assert expected.items() <= custom.items()


async def test_the_temporal_ui_answers(stack_endpoints: Endpoints) -> None:
    assert stack_endpoints.temporal_ui_url is not None
    host_port = stack_endpoints.temporal_ui_url.removeprefix("http://")
    host, port = host_port.split(":")
    reader, writer = await asyncio.open_connection(host, int(port))
    writer.write(f"GET / HTTP/1.0\r\nHost: {host_port}\r\n\r\n".encode())
    status_line = await reader.readline()
    writer.close()

    assert status_line.split()[1] == b"200"


def test_the_status_command_shows_the_stack_as_json(
    stack_settings: Settings, stack_endpoints: Endpoints
) -> None:
    environment = {
        "CASEFLOW_STATE_DIR": str(stack_settings.state_dir),
        "CASEFLOW_KAFKA_PORT": str(stack_settings.kafka_port),
        "CASEFLOW_TEMPORAL_PORT": str(stack_settings.temporal_port),
        "CASEFLOW_TEMPORAL_UI_PORT": str(stack_settings.temporal_ui_port),
    }

    result = CliRunner().invoke(stack_cli, ["status", "--json"], env=environment)

    assert result.exit_code == 0, result.output
    shown = json.loads(result.output)
    assert {c["name"]: c["state"] for c in shown["components"]} == {
        "postgres": "running",
        "broker": "running",
        "temporal": "running",
    }
    assert shown["temporal_ui_url"] == stack_endpoints.temporal_ui_url


async def test_up_twice_reuses_the_running_servers(
    stack_settings: Settings, stack_endpoints: Endpoints
) -> None:
    before = _pids(stack_settings)

    again = await start_stack(stack_settings)

    assert again == stack_endpoints
    assert _pids(stack_settings) == before


async def test_up_recovers_after_the_broker_is_killed(own_stack: Settings) -> None:
    await start_stack(own_stack)
    killed = stack_status(own_stack).component("broker").pid
    assert killed is not None
    os.kill(killed, signal.SIGKILL)
    await asyncio.sleep(0.2)
    assert stack_status(own_stack).component("broker").state is ProcessState.EXITED

    endpoints = await start_stack(own_stack)

    restarted = stack_status(own_stack).component("broker")
    assert restarted.state is ProcessState.RUNNING
    assert restarted.pid != killed
    assert {t.name for t in ALL_TOPICS} <= set(await _topic_partitions(endpoints.kafka))


async def test_up_recovers_after_postgres_is_killed_and_keeps_the_data(
    own_stack: Settings,
) -> None:
    endpoints = await start_stack(own_stack)
    connection = await asyncpg.connect(endpoints.database)
    await connection.execute("create table if not exists licence (id text primary key)")
    await connection.execute("insert into licence values ('EL-2026-0001') on conflict do nothing")
    await connection.close()
    killed = stack_status(own_stack).component("postgres").pid
    assert killed is not None
    os.kill(killed, signal.SIGKILL)
    await asyncio.sleep(0.2)

    await start_stack(own_stack)

    assert stack_status(own_stack).component("postgres").pid != killed
    connection = await asyncpg.connect(endpoints.database)
    assert await connection.fetchval("select id from licence") == "EL-2026-0001"
    await connection.close()


async def test_down_stops_what_the_stack_started(own_stack: Settings) -> None:
    await start_stack(own_stack)
    started = _pids(own_stack)

    status = stop_stack(own_stack)

    assert {c.state for c in status.components} == {ProcessState.STOPPED}
    assert not any(pid is not None and _is_running(pid) for pid in started.values())
    assert not own_stack.stack_file.exists()
    assert not list((own_stack.state_dir / "run").glob("*.pid"))
    await start_stack(own_stack)  # and it comes back on the same data
    assert {c.state for c in stack_status(own_stack).components} == {ProcessState.RUNNING}


async def test_configured_servers_are_neither_started_nor_stopped(
    tmp_path: Path, stack_settings: Settings, stack_endpoints: Endpoints
) -> None:
    external = _throwaway_settings(tmp_path, _external(stack_endpoints))

    endpoints = await start_stack(external)
    status = stop_stack(external)

    assert endpoints == stack_endpoints
    assert {c.state for c in status.components} == {"external"}
    assert not list((tmp_path / "run").glob("*.pid"))
    assert {c.state for c in stack_status(stack_settings).components} == {ProcessState.RUNNING}


async def test_a_port_held_by_another_program_is_named(
    tmp_path: Path, stack_endpoints: Endpoints, foreign_listener: int
) -> None:
    configured = _external(stack_endpoints)
    del configured["kafka_bootstrap"]
    settings = _throwaway_settings(tmp_path, {**configured, "kafka_port": foreign_listener})

    with pytest.raises(PortTaken) as taken:
        await start_stack(settings)

    assert f"port {foreign_listener}" in str(taken.value)
    assert f"pid {os.getpid()}" in str(taken.value)
    assert str(taken.value).startswith("broker: ")
    assert "CASEFLOW_KAFKA_PORT" in str(taken.value)


async def test_search_attributes_are_added_when_temporal_data_predates_them(
    tmp_path: Path, stack_endpoints: Endpoints
) -> None:
    configured = _external(stack_endpoints)
    del configured["temporal_address"], configured["temporal_ui_url"]
    settings = _throwaway_settings(tmp_path, configured)
    bare = temporal_process(settings)
    flags = ("--search-attribute",)
    bare_argv = [
        arg
        for before, arg in zip(("", *bare.argv), bare.argv, strict=False)
        if arg not in flags and before not in flags
    ]
    database_file(settings).parent.mkdir(parents=True)
    await start_process(
        settings.state_dir, ManagedProcess(name="temporal", argv=bare_argv, ready=bare.ready)
    )
    stop_process(settings.state_dir, "temporal")

    endpoints = await start_stack(settings)
    try:
        assert endpoints.temporal_address is not None
        assert {key.name for key in ALL_KEYS} <= await _search_attributes(
            endpoints.temporal_address
        )
    finally:
        stop_stack(settings)


async def test_a_program_dying_at_start_is_reported_with_its_log(tmp_path: Path) -> None:
    doomed = ManagedProcess(
        name="register",
        argv=["sh", "-c", "echo cannot open the licence register; exit 3"],
        ready=_never_ready,
    )

    with pytest.raises(ComponentFailed) as failed:
        await start_process(tmp_path, doomed, ready_within=10)

    message = str(failed.value)
    assert message.startswith("register: exited with code 3")
    assert str(tmp_path / "logs" / "register.log") in message
    assert "cannot open the licence register" in message


async def test_a_program_never_ready_is_stopped_after_its_deadline(tmp_path: Path) -> None:
    mute = ManagedProcess(name="mute", argv=["sleep", "60"], ready=_never_ready)

    with pytest.raises(ComponentFailed, match=r"mute: not ready after 1s \(ConnectionRefused"):
        await start_process(tmp_path, mute, ready_within=1)

    assert process_status(tmp_path, "mute").state is ProcessState.STOPPED


async def test_a_pid_file_naming_a_reused_pid_is_stale(tmp_path: Path) -> None:
    record = {
        "name": "intake",
        "pid": os.getpid(),
        "create_time": 1.0,
        "stop_signal": 15,
        "argv": ["intake"],
    }
    pid_file(tmp_path, "intake").parent.mkdir(parents=True)
    pid_file(tmp_path, "intake").write_text(json.dumps(record))
    assert process_status(tmp_path, "intake").state is ProcessState.EXITED

    started = await start_process(tmp_path, ManagedProcess(name="intake", argv=["sleep", "60"]))
    stop_process(tmp_path, "intake")

    assert started.state is ProcessState.RUNNING
    assert started.pid != os.getpid()
    assert process_status(tmp_path, "intake").state is ProcessState.STOPPED


async def test_a_program_started_with_other_arguments_is_restarted(tmp_path: Path) -> None:
    first = await start_process(tmp_path, ManagedProcess(name="bridge", argv=["sleep", "60"]))
    again = await start_process(tmp_path, ManagedProcess(name="bridge", argv=["sleep", "60"]))
    changed = await start_process(tmp_path, ManagedProcess(name="bridge", argv=["sleep", "61"]))
    stop_process(tmp_path, "bridge")

    assert again.pid == first.pid
    assert changed.pid != first.pid
    assert first.pid is not None
    assert not _is_running(first.pid)


async def _never_ready() -> None:
    raise ConnectionRefusedError("nobody answers")
