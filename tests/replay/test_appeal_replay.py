"""Recorded appeals replay on today's Appeal workflow code: a change that breaks determinism
fails here. Record histories with `python -m tests.replay.record_appeal <label>`."""

from __future__ import annotations

from pathlib import Path

import pytest
from temporalio import workflow
from temporalio.client import WorkflowHistory
from temporalio.worker import Replayer

from workflows.appeal import Appeal

with workflow.unsafe.imports_passed_through():
    from tests.replay.keys import REPLAY_KEYS
    from workflows.client import data_converter

HISTORIES = sorted((Path(__file__).parent / "appeal_histories").glob("*/*.json"))


def named(path: Path) -> str:
    return f"{path.parent.name}/{path.stem}"


def recorded(path: Path) -> WorkflowHistory:
    return WorkflowHistory.from_json(f"replay-{path.stem}", path.read_text())


@pytest.mark.parametrize("path", HISTORIES, ids=named)
async def test_a_recorded_appeal_replays_on_the_current_workflow_code(path: Path) -> None:
    from workflows.worker import workflow_runner

    replayer = Replayer(
        workflows=[Appeal],
        data_converter=data_converter(REPLAY_KEYS),
        workflow_runner=workflow_runner(),
    )
    await replayer.replay_workflow(recorded(path))


def test_every_appeal_scenario_has_been_recorded() -> None:
    from tests.replay.record_appeal import SCENARIOS

    assert {path.stem for path in HISTORIES} >= {scenario.__name__ for scenario in SCENARIOS}
