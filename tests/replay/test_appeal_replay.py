"""Recorded appeals replay on today's Appeal workflow code: a change that breaks determinism
fails here. Record histories with `python -m tests.replay.record_appeal <label>`."""

from __future__ import annotations

from pathlib import Path

import pytest
from temporalio import workflow

from workflows.appeal import Appeal

with workflow.unsafe.imports_passed_through():
    from tests.replay.replaying import named, replay

HISTORIES = sorted((Path(__file__).parent / "appeal_histories").glob("*/*.json"))


@pytest.mark.parametrize("path", HISTORIES, ids=named)
async def test_a_recorded_appeal_replays_on_the_current_workflow_code(path: Path) -> None:
    await replay(path, Appeal)


def test_every_appeal_scenario_has_been_recorded() -> None:
    from tests.replay.record_appeal import SCENARIOS

    assert {path.stem for path in HISTORIES} >= {scenario.__name__ for scenario in SCENARIOS}
