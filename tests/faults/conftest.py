"""The fault suite's own stack: every server and every caseflow process under the supervisor,
with a case policy that re-sends unanswered screening requests within seconds."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Callable
from pathlib import Path

import pytest

from caseflow.loopback import free_ports
from caseflow.settings import Settings
from entrypoints.processes import start_processes, stop_processes
from entrypoints.stack import StackError, start_stack, stop_stack
from entrypoints.supervisor import start_supervisor
from tests.actors import acting_on
from workflows.policy import DEFAULT_CASE_POLICY

SCREENING_ANSWER_WAIT = "PT15S"


def short_case_policy(path: Path) -> Path:
    """The shipped case policy with a screening re-send after seconds rather than minutes."""
    policy = json.loads(DEFAULT_CASE_POLICY.read_text())
    policy.update(version="faults", screening_answer_wait=SCREENING_ANSWER_WAIT)
    path.write_text(json.dumps(policy))
    return path


@pytest.fixture(scope="module")
async def fault_stack(stack_state_dirs: Callable[[], Path]) -> AsyncIterator[Settings]:
    """PostgreSQL, broker, Temporal, the caseflow processes and their supervisor, this
    module's alone."""
    kafka_port, temporal_port, ui_port, http_port, codec_port = free_ports(5)
    state_dir = stack_state_dirs()
    settings = Settings(
        state_dir=state_dir,
        kafka_port=kafka_port,
        temporal_port=temporal_port,
        temporal_ui_port=ui_port,
        consultation_http_port=http_port,
        codec_port=codec_port,
        case_policy_file=short_case_policy(state_dir / "case_policy.json"),
    )
    with pytest.MonkeyPatch.context() as environment, acting_on(settings):
        # The processes read their settings from the environment they inherit.
        environment.setenv("CASEFLOW_CASE_POLICY_FILE", str(settings.case_policy_file))
        environment.setenv("CASEFLOW_CONSULTATION_HTTP_PORT", str(http_port))
        try:
            await start_stack(settings)
            await start_processes(settings)
            await start_supervisor(settings)
        except StackError as error:
            stop_processes(settings)
            stop_stack(settings)
            pytest.fail(f"the fault suite's stack did not start:\n{error}", pytrace=False)
        yield settings
        stop_processes(settings)
        stop_stack(settings)
