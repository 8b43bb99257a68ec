"""Recorded cases replay on today's workflow code: a change that breaks determinism fails here.

A change to what the workflow does goes behind `workflow.patched(...)`, so that histories
recorded before it replay as they ran. Record histories with `python -m tests.replay.record`.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from temporalio import workflow
from temporalio.client import WorkflowHistory
from temporalio.worker import Replayer
from temporalio.workflow import NondeterminismError

from workflows.licence import Licence
from workflows.license_case import LicenseCase
from workflows.model import DecisionRecorded, LicenseCaseInput

# The sandbox re-imports this module; the codec's native cryptography must not be re-imported.
with workflow.unsafe.imports_passed_through():
    from tests.replay.keys import REPLAY_KEYS
    from workflows.client import data_converter

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
        workflows=[LicenseCase, Licence],
        data_converter=data_converter(REPLAY_KEYS),
        workflow_runner=workflow_runner(),
    )
    await replayer.replay_workflow(recorded(path))


# Recorded without the payload codec (v8-resend-consultation-request was recorded alongside the
# codec's introduction, before it reached the recorder); every other recording is encrypted.
PLAINTEXT = {
    "v1-per-event-publishing",
    "v2-batched-publishing",
    "v3-consultation",
    "v4-escalation-deadline",
    "v5-escalation-levels",
    "v6-consultation-follow-up",
    "v7-local-publishing",
    "v8-resend-consultation-request",
}
ENCRYPTED = [path for path in HISTORIES if path.parent.name not in PLAINTEXT]


@pytest.mark.parametrize("path", ENCRYPTED, ids=named)
def test_a_history_recorded_since_encryption_holds_no_plaintext_party(path: Path) -> None:
    from caseflow.samples import sample_applications  # here: the sandbox re-imports this module

    stored = b"".join(event.SerializeToString() for event in recorded(path).events)
    assert b"binary/encrypted" in stored
    for application in sample_applications():
        for _, party in application.parties():
            assert party.name.encode() not in stored, party.name


def test_every_scenario_has_been_recorded() -> None:
    # Imported here: the sandbox re-imports this module, and the recorder's imports are not
    # allowed in a workflow.
    from tests.replay.licence_record import SCENARIOS as LICENCE_SCENARIOS
    from tests.replay.record import SCENARIOS

    recorded_runs = {path.stem.rsplit("-run", 1)[0] for path in HISTORIES}
    assert {scenario.__name__ for scenario in SCENARIOS + LICENCE_SCENARIOS} <= recorded_runs


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
        workflows=[LicenseCaseWithoutSearchAttributes],
        data_converter=data_converter(REPLAY_KEYS),
    )
    with pytest.raises(NondeterminismError):
        await replayer.replay_workflow(recorded(HISTORIES[0]))
