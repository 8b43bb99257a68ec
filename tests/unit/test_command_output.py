"""What a test reads as a command's output is the command's alone: a service running in the
test's process that logs while the command waits on it is not in it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import jwt
import pytest
import structlog
from fastapi import FastAPI

from caseflow.http import HttpServer
from caseflow.settings import Settings
from schemas.intake_reads import ReferenceStanding
from tests.support import caseflow

SERVICE_WORDS = "the-service-logged-this-while-the-command-waited"


async def test_a_service_logging_while_a_command_waits_on_it_is_not_in_the_commands_output(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    log = structlog.get_logger("a-service")
    service = FastAPI()

    @service.get("/standing")
    async def standing(agency: str, reference: str) -> ReferenceStanding:
        log.info(SERVICE_WORDS, agency=agency)
        return ReferenceStanding(
            agency=agency, reference=reference, case=None, refusals=[], unreadable=[]
        )

    server = HttpServer("intake", "127.0.0.1", 0, 0, tmp_path / "run" / "intake.url")
    url = await server.start(service)
    expires = datetime.now(UTC) + timedelta(minutes=5)
    token = jwt.encode({"sub": "someone", "exp": expires}, "test-key-" + "x" * 32)
    try:
        told = await caseflow(
            Settings(state_dir=tmp_path),
            *("status", "DE-BAFA", "BAFA-NONE"),
            status=1,
            token=token,
            environment={"CASEFLOW_INTAKE_URL": url},
        )
    finally:
        await server.stop()

    assert "no case and no refusal under DE-BAFA BAFA-NONE" in told
    assert SERVICE_WORDS not in told
    assert SERVICE_WORDS in capsys.readouterr().out  # the test's own output has it
