"""caseflow's processes, each its own OS process, against the session's stack."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from caseflow.settings import Endpoints, Settings
from entrypoints.processes import start_processes, stop_processes


@pytest.fixture(scope="module")
async def processes(stack_settings: Settings, stack_endpoints: Endpoints) -> AsyncIterator[None]:
    await start_processes(stack_settings)
    yield
    stop_processes(stack_settings)
