"""A worker refuses to take cases while one begun under an unsupported generation is open."""

from __future__ import annotations

import contextlib
import uuid

import pytest
from temporalio import workflow
from temporalio.client import Client, WorkflowHandle
from temporalio.service import RPCError
from temporalio.worker import Worker

from tests.support import eventually
from workflows.version_gate import UnsupportedCasesOpen, refuse_unsupported_cases
from workflows.versions import OLDEST_SUPPORTED_MARKER


@workflow.defn(name="LicenseCase", sandboxed=False)
class CaseOfSomeGeneration:
    """Stands for a case begun under a generation: it marks `patch_id` (none: the oldest)."""

    @workflow.run
    async def run(self, patch_id: str) -> None:
        if patch_id:
            workflow.patched(patch_id)
        await workflow.wait_condition(lambda: False)


async def _refused(client: Client) -> bool:
    try:
        await refuse_unsupported_cases(client)
    except UnsupportedCasesOpen:
        return True
    return False


async def _started(
    client: Client, patch_id: str, queue: str
) -> WorkflowHandle[CaseOfSomeGeneration, None]:
    handle = await client.start_workflow(
        CaseOfSomeGeneration.run, patch_id, id=f"versions-{uuid.uuid4()}", task_queue=queue
    )

    async def first_task_done() -> bool:
        listed = [run async for run in client.list_workflows(f"WorkflowId = '{handle.id}'")]
        return bool(listed) and "BuildIds" in listed[0].search_attributes

    await eventually(first_task_done, "the run's first task is done and listed", wait=30)
    return handle


async def test_a_worker_refuses_while_a_case_of_an_unsupported_generation_is_open(
    temporal: Client,
) -> None:
    queue = f"versions-{uuid.uuid4()}"
    async with Worker(temporal, task_queue=queue, workflows=[CaseOfSomeGeneration]):
        supported = await _started(temporal, OLDEST_SUPPORTED_MARKER, queue)
        older = await _started(temporal, "escalation-levels", queue)
        oldest = await _started(temporal, "", queue)
        try:
            await eventually(lambda: _refused(temporal), "older cases refused", wait=30)
            with pytest.raises(UnsupportedCasesOpen, match=r"^2 open LicenseCase run\(s\)"):
                await refuse_unsupported_cases(temporal)
            await older.terminate("closed for the test")
            await oldest.terminate("closed for the test")

            async def accepted() -> bool:
                return not await _refused(temporal)

            # The supported case stays open: it does not stand in the way.
            await eventually(accepted, "accepted once the older cases closed", wait=30)
        finally:
            for handle in (supported, older, oldest):
                with contextlib.suppress(RPCError):  # closed already
                    await handle.terminate("the test ends")
