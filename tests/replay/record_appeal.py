"""Record Appeal histories for the replay test.

    .venv/bin/python -m tests.replay.record_appeal v1 [scenario …]

Starts a throwaway embedded stack, starts each scenario's Appeal workflow as the bridge does
(publishing faked), acts on it with the stack's real tokens, and writes its history to
`tests/replay/appeal_histories/<label>/`. Keep earlier folders: appeals started under them may
still be open, so today's code must replay them too.
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

from temporalio.client import Client

from schemas.appeals import AppealFiled, AppealResult
from schemas.cases import DecisionOutcome
from schemas.envelope import Envelope
from tests.actors import token_for
from tests.integration.case_harness import fake_publishing_worker
from tests.replay.recording import record_from_command_line, throwaway_stack
from workflows import appeal_desk
from workflows.appeal import Appeal, appeal_workflow_id
from workflows.appeal_rules import AppealCountersignature, AppealPolicy, AppealRuling
from workflows.bridge import start_appeal
from workflows.tasks import Reviewer, ReviewerRole

HISTORIES = Path(__file__).parent / "appeal_histories"
RULING_OFFICER = Reviewer(id="officer-7", role=ReviewerRole.LICENSING_OFFICER)
SENIOR = Reviewer(id="senior-7", role=ReviewerRole.SENIOR_OFFICER)
OTHER_SENIOR = Reviewer(id="senior-8", role=ReviewerRole.SENIOR_OFFICER)
Scenario = Callable[[Client, str], Awaitable[None]]


def filed(case_id: str, outcome: DecisionOutcome = DecisionOutcome.DENIED) -> AppealFiled:
    """An appeal of a decision by officer-1, countersigned by senior-1, filed today."""
    now = datetime.now(UTC)
    return AppealFiled(
        case_id=case_id,
        control_number="Z123456",
        submitting_agency="DE-BAFA",
        agency_reference=f"BAFA-{case_id[:8]}",
        appeal_id=str(uuid.uuid5(uuid.NAMESPACE_URL, case_id)),
        appealed_outcome=outcome,
        appealed_decided_at=now - timedelta(days=3),
        appealed_decided_by="officer-1",
        appealed_countersigned_by="senior-1",
        grounds="The end user is a teaching hospital.",
        filed_at=now,
        window_until=now + timedelta(days=42),
        window_source="15 CFR 756.2",
    )


def _ruling(result: AppealResult, who: Reviewer = RULING_OFFICER) -> AppealRuling:
    overturned = result is AppealResult.OVERTURNED
    return AppealRuling(
        result=result,
        rationale="Recorded scenario.",
        conditions=["End-use certificate"] if overturned else [],
        assessment_conclusion="No serious risk on the evidence filed." if overturned else "",
        token=token_for(who),
    )


async def overturned(client: Client, case_id: str) -> None:
    await appeal_desk.rule(client, case_id, _ruling(AppealResult.OVERTURNED))
    await appeal_desk.countersign(client, case_id, AppealCountersignature(token=token_for(SENIOR)))


async def upheld(client: Client, case_id: str) -> None:
    await appeal_desk.rule(client, case_id, _ruling(AppealResult.UPHELD))
    await appeal_desk.countersign(client, case_id, AppealCountersignature(token=token_for(SENIOR)))


async def sent_back_then_upheld(client: Client, case_id: str) -> None:
    await appeal_desk.rule(client, case_id, _ruling(AppealResult.OVERTURNED))
    back = AppealCountersignature(
        agree=False, note="Weigh the NGO report.", token=token_for(SENIOR)
    )
    await appeal_desk.countersign(client, case_id, back)
    await appeal_desk.rule(client, case_id, _ruling(AppealResult.UPHELD, OTHER_SENIOR))
    await appeal_desk.countersign(client, case_id, AppealCountersignature(token=token_for(SENIOR)))


SCENARIOS: tuple[Scenario, ...] = (overturned, upheld, sent_back_then_upheld)


async def record(folder: Path, scenarios: tuple[Scenario, ...] = SCENARIOS) -> list[Path]:
    """Run the scenarios on a throwaway stack; write each appeal's history to `folder`."""
    written: list[Path] = []
    async with (
        throwaway_stack() as (_, client),
        fake_publishing_worker(client, "record-appeals", Appeal) as (task_queue, _),
    ):
        for scenario in scenarios:
            case_id = str(uuid.uuid4())
            envelope = Envelope.wrap(
                filed(case_id), source="tests", subject=case_id, correlation_id=case_id
            )
            await start_appeal(client, envelope, AppealPolicy(), task_queue)
            await scenario(client, case_id)
            handle = client.get_workflow_handle(appeal_workflow_id(case_id))
            await handle.result()
            path = folder / f"{scenario.__name__}.json"
            path.write_text((await handle.fetch_history()).to_json())
            written.append(path)
    return written


if __name__ == "__main__":
    record_from_command_line(HISTORIES, SCENARIOS, record)
