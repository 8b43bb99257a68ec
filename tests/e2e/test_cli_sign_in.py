"""Reviewers sign in from the CLI: every acting command is refused without a valid token, an
officer cannot countersign, and a senior officer's real token decides the case (four eyes)."""

from __future__ import annotations

import uuid
from datetime import timedelta

import jwt
import pytest

from caseflow.auth import Principal, Role
from caseflow.auth.tokens import issuer, new_key
from caseflow.settings import Endpoints, Settings
from schemas.topics import CASES
from tests.e2e.cli import caseflow
from tests.e2e.reviews import await_review
from tests.support import collect
from workflows.client import connect

pytestmark = pytest.mark.e2e
PASSWORD = "a long enough password"


def _forged(settings: Settings, name: str) -> str:
    """A senior officer's claims under the desk's key id, signed by a key the desk never had."""
    genuine = issuer(settings).issue(Principal(name=name, role=Role.SENIOR_OFFICER), timedelta(1))
    claims = jwt.decode(genuine, options={"verify_signature": False})
    kid = jwt.get_unverified_header(genuine)["kid"]
    return jwt.encode(claims, new_key().signer, algorithm="ES256", headers={"kid": kid})


def _account(settings: Settings, name: str, role: Role) -> None:
    added = caseflow(
        settings,
        "users",
        "add",
        name,
        "--role",
        role.value,
        environment={"CASEFLOW_PASSWORD": PASSWORD},
    )
    assert f"account {name}" in added


def _login(settings: Settings, name: str) -> str:
    return caseflow(settings, "login", name, environment={"CASEFLOW_PASSWORD": PASSWORD})


async def test_the_cli_acts_only_with_a_real_token_and_a_senior_officer_countersigns(
    processes: None, stack_settings: Settings, stack_endpoints: Endpoints
) -> None:
    settings, run = stack_settings, uuid.uuid4().hex[:6]
    officer, senior = f"officer-{run}", f"senior-{run}"
    _account(settings, officer, Role.LICENSING_OFFICER)
    _account(settings, senior, Role.SENIOR_OFFICER)
    suffix = f"-login{run}"
    caseflow(settings, "submit", "--samples", "--suffix", suffix)
    case = (await await_review(await connect(settings), suffix, 6))[0]
    number = case.control_number
    (settings.state_dir / "cli-token").unlink(missing_ok=True)

    unsigned = caseflow(settings, "claim", number, ok=(1,))
    assert "not signed in: run `caseflow login NAME`" in unsigned
    forged = caseflow(settings, "claim", number, token=_forged(settings, senior), ok=(1,))
    assert "invalid token: Signature verification failed" in forged
    wrong = caseflow(
        settings, "login", officer, environment={"CASEFLOW_PASSWORD": "wrong"}, ok=(1,)
    )
    assert "unknown name or wrong password (HTTP 401)" in wrong

    assert f"signed in as {officer} (licensing_officer)" in _login(settings, officer)
    assert (settings.state_dir / "cli-token").stat().st_mode & 0o777 == 0o600
    assert f"claimed by {officer}" in caseflow(settings, "claim", number)
    denial = caseflow(
        settings,
        "decide",
        number,
        "--outcome",
        "denied",
        "--rationale",
        "End user linked to the surveillance of journalists.",
        "--hr-ground",
        "Risk of use in internal repression",
        *("--end-user", "An agency with a record of surveilling journalists."),
        *("--misuse", "Interception equipment: high potential for repression."),
        *("--destination", "Reports of arbitrary surveillance by UN special rapporteurs."),
        *("--source", "Screening result"),
        *("--conclusion", "A clear risk of use in internal repression."),
    )
    assert "signed_off" in denial
    refused = caseflow(settings, "countersign", number, ok=(1,))
    assert f"{officer} is a licensing officer: only a senior officer can countersign" in refused

    assert f"signed in as {senior} (senior_officer)" in _login(settings, senior)
    countersigned = caseflow(settings, "countersign", number)
    assert f"case {number}: decided — denied" in countersigned

    [decided] = await collect(
        stack_endpoints.kafka,
        CASES.name,
        lambda seen: len(seen) >= 1,
        where=lambda event: event["type"] == "CaseDecided.v1" and event["subject"] == case.case_id,
    )
    assert decided["data"]["decided_by"] == officer
    assert decided["data"]["countersigned_by"] == senior
    assert "signed out" in caseflow(settings, "logout")
    assert "not signed in" in caseflow(settings, "release", number, ok=(1,))
