"""What every recorder of replay histories shares: a throwaway stack, writing a workflow's runs,
and the command line (a label, then the scenarios to record; none named, all of them)."""

from __future__ import annotations

import asyncio
import shutil
import sys
import tempfile
from collections.abc import AsyncIterator, Callable, Coroutine
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any, TypeVar

from pydantic import SecretStr
from temporalio.client import Client

from caseflow.loopback import free_ports
from caseflow.settings import Settings
from entrypoints.stack import start_stack, stop_stack
from tests.actors import use_stack
from tests.replay.keys import REPLAY_KEYS
from workflows.client import connect

ScenarioT = TypeVar("ScenarioT", bound=Callable[..., Any])


@asynccontextmanager
async def throwaway_stack() -> AsyncIterator[tuple[Settings, Client]]:
    """An embedded stack started for the recording and a client of it (payloads under the replay
    key, reviewers acting with the stack's real tokens), stopped and deleted afterwards."""
    state_dir = Path(tempfile.mkdtemp(prefix="caseflow-record-"))
    kafka_port, temporal_port, ui_port = free_ports(3)
    settings = Settings(
        state_dir=state_dir,
        kafka_port=kafka_port,
        temporal_port=temporal_port,
        temporal_ui_port=ui_port,
        payload_keys=SecretStr(REPLAY_KEYS.format()),
    )
    try:
        await start_stack(settings)
        use_stack(settings)
        yield settings, await connect(settings)
    finally:
        stop_stack(settings)
        shutil.rmtree(state_dir, ignore_errors=True)


async def write_runs(client: Client, workflow_id: str, folder: Path, name: str) -> list[Path]:
    """Write the history of each run of the workflow, in the order they started, to
    `folder/<name>-run<N>.json`."""
    runs = [run async for run in client.list_workflows(f"WorkflowId = '{workflow_id}'")]
    written = []
    for number, run in enumerate(sorted(runs, key=lambda run: run.start_time), 1):
        handle = client.get_workflow_handle(run.id, run_id=run.run_id)
        path = folder / f"{name}-run{number}.json"
        path.write_text((await handle.fetch_history()).to_json())
        written.append(path)
    return written


def record_from_command_line(
    histories: Path,
    scenarios: tuple[ScenarioT, ...],
    record: Callable[[Path, tuple[ScenarioT, ...]], Coroutine[Any, Any, list[Path]]],
) -> None:
    """Record the scenarios named after the label (all, if none is) under `histories/<label>`."""
    label, *names = sys.argv[1:]
    folder = histories / label
    folder.mkdir(parents=True, exist_ok=True)
    chosen = tuple(s for s in scenarios if s.__name__ in names) or scenarios
    for path in asyncio.run(record(folder, chosen)):
        print(path)
