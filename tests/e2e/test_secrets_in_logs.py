"""Secrets set in the processes' environment appear in no log line and no command output."""

from __future__ import annotations

import asyncio
import base64
import json
import os
import time
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest
from pydantic import SecretStr

from caseflow.auth import Role
from caseflow.auth.tokens import new_key
from caseflow.loopback import free_ports
from caseflow.settings import Settings
from entrypoints.processes import start_processes, stop_processes
from entrypoints.stack import start_stack, stop_stack
from tests.e2e.cli import caseflow
from tests.support import signed_token
from workflows.case_client import find_cases
from workflows.client import connect, payload_keys

pytestmark = pytest.mark.e2e
DB_PASSWORD = "db-pw-4b1c9e"
SASL_PASSWORD = "sasl-pw-77d0aa"
PAYLOAD_KEY = base64.b64encode(b"payload-key-32-bytes-of-secret!!").decode()
AUTH_KEY = new_key().private_key.get_secret_value()
AUTH_SECRET = AUTH_KEY.splitlines()[1]  # a line of the private key's PEM


@pytest.fixture(scope="module")
def own_stack(stack_state_dirs: Callable[[], Path]) -> Iterator[Settings]:
    """A stack of its own: its processes run under keys no other test shares."""
    kafka, temporal, ui, codec = free_ports(4)
    settings = Settings(
        state_dir=stack_state_dirs(),
        kafka_port=kafka,
        temporal_port=temporal,
        temporal_ui_port=ui,
        codec_port=codec,
    )
    yield settings
    stop_stack(settings)


@pytest.fixture(scope="module")
async def secret_environment(own_stack: Settings) -> AsyncIterator[dict[str, str]]:
    """Every secret caseflow reads, set in the environment its processes inherit."""
    endpoints = await start_stack(own_stack)
    # The embedded server trusts its socket: the password is carried (and must not leak).
    parts = urlsplit(endpoints.database)
    database_url = urlunsplit(parts._replace(netloc=f"postgres:{DB_PASSWORD}@"))
    secrets = {
        "CASEFLOW_DATABASE_URL": database_url,
        "CASEFLOW_KAFKA_SASL_USERNAME": "caseflow",
        "CASEFLOW_KAFKA_SASL_PASSWORD": SASL_PASSWORD,
        "CASEFLOW_PAYLOAD_KEYS": f"test-1:{PAYLOAD_KEY}",
        "CASEFLOW_AUTH_KEYS": json.dumps([{"kid": "k1", "private_key": AUTH_KEY}]),
        "CASEFLOW_LOG_LEVEL": "DEBUG",
    }
    saved = {name: os.environ.get(name) for name in secrets}
    os.environ.update(secrets)
    try:
        await start_processes(own_stack)
        yield secrets
    finally:
        stop_processes(own_stack)
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


async def test_no_secret_reaches_a_log_line_or_the_command_line_output(
    own_stack: Settings, secret_environment: dict[str, str]
) -> None:
    output = caseflow(own_stack, "submit", "--samples", "--suffix", "-secrets", with_log=True)
    keys = SecretStr(secret_environment["CASEFLOW_PAYLOAD_KEYS"])
    client = await connect(own_stack.model_copy(update={"payload_keys": keys}))
    assert payload_keys(own_stack.model_copy(update={"payload_keys": keys})).active_id == "test-1"
    deadline = time.monotonic() + 120
    while len(await find_cases(client, "CaseStatus = 'under_review'")) < 6:
        assert time.monotonic() < deadline, "the sample cases did not reach review"
        await asyncio.sleep(1)
    for command in (("cases",), ("stack", "status")):
        output += caseflow(own_stack, *command, with_log=True)
    signing = own_stack.model_copy(
        update={"auth_keys": SecretStr(secret_environment["CASEFLOW_AUTH_KEYS"])}
    )
    operator = await signed_token(signing, Role.OPERATOR)
    output += caseflow(own_stack, "audit", "verify", with_log=True, token=operator)

    logs = {path.name: path.read_text(errors="replace") for path in _logs(own_stack)}
    assert {"intake.log", "worker.log", "bridge.log", "codec.log", "audit.log"} <= logs.keys()
    assert any("debug" in text.lower() for text in logs.values())  # the processes said a lot
    for secret in (DB_PASSWORD, SASL_PASSWORD, PAYLOAD_KEY, AUTH_SECRET):
        assert secret not in output
        for name, text in logs.items():
            assert secret not in text, f"{name} shows a secret"


def _logs(settings: Settings) -> list[Path]:
    return sorted((settings.state_dir / "logs").glob("*.log"))
