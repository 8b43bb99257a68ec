"""Waiting for cases submitted under a reference suffix to reach a reviewer."""

from __future__ import annotations

import asyncio
import time

from temporalio.client import Client

from workflows.case_client import CaseListing, find_cases


async def await_review(temporal: Client, suffix: str, count: int) -> list[CaseListing]:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        found = await find_cases(temporal, "CaseStatus = 'under_review'")
        mine = [case for case in found if await _reference_ends(temporal, case, suffix)]
        if len(mine) >= count:
            return mine
        await asyncio.sleep(1)
    raise AssertionError(f"fewer than {count} cases with suffix {suffix} reached review")


async def _reference_ends(temporal: Client, case: CaseListing, suffix: str) -> bool:
    description = await temporal.get_workflow_handle(f"license-case-{case.case_id}").describe()
    memo = await description.memo()
    return str(memo.get("agency_reference", "")).endswith(suffix)
