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
    replayer = Replayer(workflows=[LicenseCase], data_converter=pydantic_data_converter)
    await replayer.replay_workflow(recorded(path))


@pytest.mark.parametrize("version", sorted({path.parent.name for path in HISTORIES}))
def test_each_version_covers_four_eyes_holds_amendments_withdrawal_deadlines_continuation(
    version: str,
) -> None:
    names = {path.stem for path in HISTORIES if path.parent.name == version}
    assert {
        "denied_and_countersigned-run1",
        "held_amended_and_approved_with_conditions-run1",
        "list_update_then_sent_back_then_withdrawn-run1",
        "deadline_breached_then_released_and_returned-run1",
        "continued_as_new-run1",
        "continued_as_new-run2",
    } <= names


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
