"""Recorded cases replay on today's workflow code: a change that breaks determinism fails here.

A change to what the workflow does goes behind `workflow.patched(...)`, so that histories
recorded before it replay as they ran. Record histories with `python -m tests.replay.record`.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from temporalio import workflow
from temporalio.client import WorkflowHistory
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.worker import Replayer
from temporalio.workflow import NondeterminismError

from workflows.license_case import LicenseCase
from workflows.model import DecisionRecorded, LicenseCaseInput

HISTORIES = sorted((Path(__file__).parent / "histories").glob("*/*.json"))


def named(path: Path) -> str:
    return f"{path.parent.name}/{path.stem}"


def recorded(path: Path) -> WorkflowHistory:
    return WorkflowHistory.from_json(f"replay-{path.stem}", path.read_text())


@pytest.mark.parametrize("path", HISTORIES, ids=named)
async def test_a_recorded_case_replays_on_the_current_workflow_code(path: Path) -> None:
    # Imported here, as below: the worker's imports are not allowed in a workflow.
    from workflows.worker import workflow_runner

    replayer = Replayer(
        workflows=[LicenseCase],
        data_converter=pydantic_data_converter,
        workflow_runner=workflow_runner(),
    )
    await replayer.replay_workflow(recorded(path))


def test_every_scenario_has_been_recorded() -> None:
    # Imported here: the sandbox re-imports this module, and the recorder's imports are not
    # allowed in a workflow.
    from tests.replay.record import SCENARIOS

    recorded_runs = {path.stem.rsplit("-run", 1)[0] for path in HISTORIES}
    assert {scenario.__name__ for scenario in SCENARIOS} <= recorded_runs


@workflow.defn(name="LicenseCase")
class LicenseCaseWithoutSearchAttributes(LicenseCase):
    """An incompatible change made without a patch: search attributes no longer pushed."""

    @workflow.run
    async def run(self, start: LicenseCaseInput) -> DecisionRecorded:
        return await super().run(start)

    def _show(self) -> None:
        workflow.set_current_details("")


async def test_a_change_to_what_the_workflow_does_fails_the_replay() -> None:
    replayer = Replayer(
        workflows=[LicenseCaseWithoutSearchAttributes], data_converter=pydantic_data_converter
    )
    with pytest.raises(NondeterminismError):
        await replayer.replay_workflow(recorded(HISTORIES[0]))
