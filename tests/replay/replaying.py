"""Reading recorded histories and replaying them on today's workflow code, under the replay key.

Imported by the replay tests through the sandbox's pass-through: the sandbox re-imports a test
module that defines a workflow, and the worker's imports are not allowed in a workflow."""

from __future__ import annotations

from pathlib import Path

from temporalio.client import WorkflowHistory
from temporalio.worker import Replayer

from tests.replay.keys import REPLAY_KEYS
from workflows.client import data_converter
from workflows.worker import workflow_runner


def named(path: Path) -> str:
    """A history's test id: its generation and scenario."""
    return f"{path.parent.name}/{path.stem}"


def recorded(path: Path) -> WorkflowHistory:
    """The history recorded at `path`."""
    return WorkflowHistory.from_json(f"replay-{path.stem}", path.read_text())


async def replay(path: Path, *workflows: type) -> None:
    """Replay the history at `path` on `workflows` as the worker runs them (raises if today's
    code would not do what the history says)."""
    replayer = Replayer(
        workflows=list(workflows),
        data_converter=data_converter(REPLAY_KEYS),
        workflow_runner=workflow_runner(),
    )
    await replayer.replay_workflow(recorded(path))
