"""Recorded cases replay on today's workflow code: a change that breaks determinism fails here.

Only the supported generations are kept (workflows/versions.py, docs/workflow-versions.md): the
previous build's, whose cases may still be open, and this build's own. A change to what the
workflow does goes behind `workflow.patched(...)`; record a new generation with
`python -m tests.replay.record <label>`.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from temporalio import workflow
from temporalio.worker import Replayer
from temporalio.workflow import NondeterminismError

from workflows import versions
from workflows.licence import Licence
from workflows.license_case import LicenseCase
from workflows.model import DecisionRecorded, LicenseCaseInput

# The sandbox re-imports this module; the codec's native cryptography must not be re-imported.
with workflow.unsafe.imports_passed_through():
    from tests.replay.keys import REPLAY_KEYS
    from tests.replay.replaying import named, recorded, replay
    from workflows.client import data_converter

FOLDER = Path(__file__).parent / "histories"
HISTORIES = sorted(FOLDER.glob("*/*.json"))
# This build's own recordings: they carry the retired patches' markers as deprecated.
THIS_BUILD = [path for path in HISTORIES if path.parent.name == versions.SUPPORTED_GENERATIONS[-1]]


@pytest.mark.parametrize("path", HISTORIES, ids=named)
async def test_a_recorded_case_replays_on_the_current_workflow_code(path: Path) -> None:
    await replay(path, LicenseCase, Licence)


@pytest.mark.parametrize("path", HISTORIES, ids=named)
def test_a_recorded_history_holds_no_plaintext_party(path: Path) -> None:
    from entrypoints.samples import sample_applications  # here: the sandbox re-imports this module

    stored = b"".join(event.SerializeToString() for event in recorded(path).events)
    assert b"binary/encrypted" in stored
    for application in sample_applications():
        for _, party in application.parties():
            assert party.name.encode() not in stored, party.name


def test_the_supported_generations_and_only_they_are_kept() -> None:
    kept = sorted(folder.name for folder in FOLDER.iterdir() if folder.is_dir())
    supported = versions.SUPPORTED_GENERATIONS + versions.SUPPORTED_LICENCE_GENERATIONS
    assert kept == sorted(supported)


@pytest.mark.parametrize("path", THIS_BUILD, ids=named)
async def test_the_next_build_may_drop_the_retired_markers(
    path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The next build deletes every `retired(...)` call once no case of the previous build is
    # open: this build's histories must replay without them (workflows is passed through the
    # sandbox, so the switch reaches the replayed workflow).
    monkeypatch.setattr(versions, "marking", False)
    await replay(path, LicenseCase)


def test_every_scenario_has_been_recorded() -> None:
    # Imported here: the sandbox re-imports this module, and the recorder's imports are not
    # allowed in a workflow.
    from tests.replay.licence_record import SCENARIOS as LICENCE_SCENARIOS
    from tests.replay.record import SCENARIOS

    recorded_runs = {path.stem.rsplit("-run", 1)[0] for path in THIS_BUILD}
    assert {scenario.__name__ for scenario in SCENARIOS} <= recorded_runs
    recorded_runs = {path.stem.rsplit("-run", 1)[0] for path in HISTORIES}
    assert {scenario.__name__ for scenario in SCENARIOS + LICENCE_SCENARIOS} <= recorded_runs


@workflow.defn(name="LicenseCase")
class LicenseCaseWithoutRetiredMarkers(LicenseCase):
    """Retired patches dropped while histories that carry their markers are still supported."""

    @workflow.run
    async def run(self, start: LicenseCaseInput) -> DecisionRecorded:
        return await super().run(start)

    def _mark_retired_patches(self) -> None:
        pass


async def test_a_change_to_what_the_workflow_does_fails_the_replay() -> None:
    replayer = Replayer(
        workflows=[LicenseCaseWithoutRetiredMarkers],
        data_converter=data_converter(REPLAY_KEYS),
    )
    with pytest.raises(NondeterminismError):
        await replayer.replay_workflow(recorded(HISTORIES[0]))
