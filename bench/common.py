"""What every bench does first: bring caseflow up (reused if running) and connect to Temporal."""

from __future__ import annotations

from rich.console import Console
from temporalio.client import Client

from caseflow.processes import start_processes
from caseflow.settings import Settings
from caseflow.stack import start_stack
from workflows.client import connect


async def caseflow_up(console: Console) -> tuple[Settings, Client]:
    """The stack and caseflow's processes up, started only if not running; a Temporal client."""
    settings = Settings()
    console.print("bringing the stack and services up (reused if running) …")
    await start_stack(settings)
    await start_processes(settings)
    return settings, await connect(settings)
