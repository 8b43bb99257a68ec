"""A reviewer action sent while the case's last workflow task has failed is sent again, under
the same update id, until the server takes it; the reviewer is told when it never does."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, cast

import pytest
from temporalio.client import Client
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.converter import DataConverter
from temporalio.service import RPCError, RPCStatusCode

from workflows import case_client
from workflows.tasks import ActionRecorded, Reviewer, ReviewerRole, ReviewerTask

TASK = ReviewerTask(reviewer=Reviewer(id="officer-1", role=ReviewerRole.LICENSING_OFFICER))
FAILED_TASK = RPCError("Workflow Task in failed state.", RPCStatusCode.FAILED_PRECONDITION, b"")


@dataclass
class FakeHandle:
    """A workflow handle whose server refuses the first `refusals` Updates."""

    refusals: int
    recorded: ActionRecorded
    update_ids: list[str | None] = field(default_factory=list)

    async def execute_update(self, update: Any, task: Any, *, id: str | None = None) -> Any:
        self.update_ids.append(id)
        if len(self.update_ids) <= self.refusals:
            raise FAILED_TASK
        return self.recorded


@dataclass
class FakeClient:
    """Just enough of a Temporal client to reach one case's handle (and measure payloads)."""

    handle: FakeHandle
    data_converter: DataConverter = field(default_factory=lambda: pydantic_data_converter)

    def get_workflow_handle(self, workflow_id: str) -> FakeHandle:
        return self.handle


def recorded() -> ActionRecorded:
    return ActionRecorded.model_validate(
        {"case_id": "c-1", "control_number": "Z100001", "status": "under_review", "note": "x"}
    )


async def test_an_action_is_sent_again_under_one_update_id_until_the_server_takes_it() -> None:
    handle = FakeHandle(refusals=2, recorded=recorded())
    done = await case_client.claim(cast(Client, FakeClient(handle)), "c-1", TASK)
    assert done == handle.recorded
    assert len(handle.update_ids) == 3
    assert len(set(handle.update_ids)) == 1
    assert handle.update_ids[0]


async def test_a_case_that_never_takes_it_is_refused_with_why() -> None:
    handle = FakeHandle(refusals=len(case_client.BUSY_PAUSES) + 1, recorded=recorded())
    with pytest.raises(case_client.ActionRefused, match="cannot take actions right now"):
        await case_client.claim(cast(Client, FakeClient(handle)), "c-1", TASK)
    assert len(handle.update_ids) == len(case_client.BUSY_PAUSES) + 1
