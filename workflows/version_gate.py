"""Before a worker takes cases: no open case may have begun under a generation this code no
longer replays (workflows/versions.py; docs/workflow-versions.md)."""

from __future__ import annotations

from temporalio.client import Client

from workflows.versions import OLDEST_SUPPORTED_MARKER, SUPPORTED_GENERATIONS

# Open cases that ran at least one workflow task (BuildIds) and do not list the oldest supported
# generation's marker: they began under an older one. (`IS NULL OR NOT IN`: visibility stores
# differ on whether `NOT IN` matches a run without the attribute.)
UNSUPPORTED_OPEN_CASES = (
    "WorkflowType = 'LicenseCase' AND ExecutionStatus = 'Running' AND BuildIds IS NOT NULL"
    " AND (TemporalChangeVersion IS NULL"
    f" OR TemporalChangeVersion NOT IN ('{OLDEST_SUPPORTED_MARKER}'))"
)


class UnsupportedCasesOpen(RuntimeError):
    """Open cases began under a generation this worker cannot replay."""


async def refuse_unsupported_cases(client: Client) -> None:
    """Raise `UnsupportedCasesOpen` when any open case began under an unsupported generation."""
    found = (await client.count_workflows(UNSUPPORTED_OPEN_CASES)).count
    if found:
        raise UnsupportedCasesOpen(
            f"{found} open LicenseCase run(s) began under a generation older than "
            f"{SUPPORTED_GENERATIONS[0]}, which this build no longer replays: keep the previous "
            "build's worker running until they close, then deploy this one "
            f'(temporal workflow list --query "{UNSUPPORTED_OPEN_CASES}"; '
            "docs/workflow-versions.md)"
        )
