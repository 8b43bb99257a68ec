"""Record Licence histories for the replay test.

    .venv/bin/python -m tests.replay.licence_record v11-licence [scenario …]

Starts a throwaway embedded stack, runs each scenario through the real Licence workflow
(publishing faked) and writes every run's history to `tests/replay/histories/<label>/`, beside
the LicenseCase histories: tests/replay/test_replay.py replays both workflow types.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path

from schemas.licences import LicenceStatus
from tests.actors import token_for
from tests.integration.licence_harness import LicenceHarness, licence_harness, quick_conditions
from tests.replay.recording import record_from_command_line, throwaway_stack, write_runs
from workflows import licence_desk
from workflows.licence_bridge import licence_workflow_id
from workflows.licence_model import (
    ConditionFulfilled,
    LicenceInformation,
    LicenceReviewDecision,
    ReviewAction,
)
from workflows.tasks import Reviewer, ReviewerRole

HISTORIES = Path(__file__).parent / "histories"
OFFICER = Reviewer(id="officer-1", role=ReviewerRole.LICENSING_OFFICER)
SENIOR = Reviewer(id="senior-1", role=ReviewerRole.SENIOR_OFFICER)
OTHER_SENIOR = Reviewer(id="senior-2", role=ReviewerRole.SENIOR_OFFICER)
Scenario = Callable[[LicenceHarness], Awaitable[str]]


def _decision(action: ReviewAction, grounds: str, by: Reviewer = SENIOR) -> LicenceReviewDecision:
    return LicenceReviewDecision(action=action, grounds=grounds, token=token_for(by))


async def licence_shipped_suspended_and_revoked(licences: LicenceHarness) -> str:
    case_id = await licences.issue()
    await licences.ship(case_id, "SHIP-1", 8, 67_200)
    await licences.ship(case_id, "SHIP-2", 5, 42_000)
    await licences.list_update(case_id)
    await licences.until(case_id, lambda view: view.status is LicenceStatus.UNDER_REVIEW)
    client = licences.client
    await licence_desk.decide_review(client, case_id, _decision(ReviewAction.SUSPEND, "listed"))
    await licences.ship(case_id, "SHIP-3", 1, 1)
    await licence_desk.decide_review(client, case_id, _decision(ReviewAction.REVOKE, "confirmed"))
    return case_id


async def licence_conditions_reminded_informed_and_confirmed(licences: LicenceHarness) -> str:
    policy = quick_conditions(continue_after=100)
    case_id = await licences.issue(
        ["End-use certificate from the end user", "Post-shipment verification"], policy
    )
    client = licences.client
    await licence_desk.fulfil_condition(
        client, case_id, ConditionFulfilled(condition=2, token=token_for(OFFICER))
    )
    await licences.until_published(case_id, "LicenceConditionBreached")
    await licence_desk.record_information(
        client, case_id, LicenceInformation(information="NGO report", token=token_for(SENIOR))
    )
    await licence_desk.decide_review(
        client, case_id, _decision(ReviewAction.CONFIRM, "not the end user", OTHER_SENIOR)
    )
    for number in range(20):  # enough to continue as new at the policy's short history
        await licences.ship(case_id, f"SHIP-{number}", 1, 1)
    await licences.list_update(case_id)
    await licences.until(case_id, lambda view: view.status is LicenceStatus.UNDER_REVIEW)
    await licence_desk.decide_review(client, case_id, _decision(ReviewAction.REVOKE, "listed"))
    return case_id


SCENARIOS: tuple[Scenario, ...] = (
    licence_shipped_suspended_and_revoked,
    licence_conditions_reminded_informed_and_confirmed,
)


async def record(folder: Path, scenarios: tuple[Scenario, ...] = SCENARIOS) -> list[Path]:
    """Run the scenarios on a throwaway stack; write each run's history to `folder`."""
    written: list[Path] = []
    async with throwaway_stack() as (_, client), licence_harness(client) as licences:
        for scenario in scenarios:
            case_id = await scenario(licences)
            await licences.result(case_id)
            workflow_id = licence_workflow_id(case_id)
            written += await write_runs(client, workflow_id, folder, scenario.__name__)
    return written


if __name__ == "__main__":
    record_from_command_line(HISTORIES, SCENARIOS, record)
