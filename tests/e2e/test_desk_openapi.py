"""schemathesis against the desk's OpenAPI document: no request, from any role, makes the
desk (its own process, on real PostgreSQL and Temporal) answer with a server error."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.core.result import Ok
from schemathesis.generation import GenerationMode
from schemathesis.generation.case import Case
from schemathesis.schemas import APIOperation

from caseflow.auth import Principal, Role, open_accounts
from caseflow.settings import Endpoints, Settings
from desk.runtime import desk_server
from entrypoints.processes import start_processes, stop_processes

pytestmark = pytest.mark.e2e
PASSWORD = "schemathesis-pass"
ROLES = {
    Role.LICENSING_OFFICER: {},
    Role.SENIOR_OFFICER: {},
    Role.COMMITTEE_CHAIR: {},
    Role.OPERATOR: {},
    Role.AGENCY: {"agency": "DE-BAFA"},
    Role.STAKEHOLDER: {"stakeholder": "cso-digital-rights"},
}


@pytest.fixture(scope="module")
async def desk_url(stack_settings: Settings, stack_endpoints: Endpoints) -> AsyncIterator[str]:
    """The desk, the worker (which answers case queries), the screening and consultation services
    (which the desk's clearances and referral answers go to) and the register (which answers for
    cases Temporal does not have), as their own processes."""
    await start_processes(
        stack_settings, ("worker", "screening", "consultation", "desk", "register")
    )
    yield desk_server(stack_settings).url_file.read_text()
    stop_processes(stack_settings)


@pytest.fixture(scope="module")
async def bearer(desk_url: str, stack_endpoints: Endpoints) -> dict[str, dict[str, str]]:
    """An Authorization header per role, for accounts made for this module."""
    headers = {}
    async with open_accounts(stack_endpoints.database) as accounts, httpx.AsyncClient() as http:
        for role, speaks_for in ROLES.items():
            name = f"fuzz-{role.value}-{uuid.uuid4().hex[:6]}"
            await accounts.add(Principal(name=name, role=role, **speaks_for), PASSWORD)
            signed = await http.post(
                f"{desk_url}/api/auth/token", json={"name": name, "password": PASSWORD}
            )
            headers[role.value] = {"Authorization": f"Bearer {signed.json()['access_token']}"}
    return headers


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
def test_no_request_from_any_role_makes_the_desk_fail(
    desk_url: str, bearer: dict[str, dict[str, str]], mode: GenerationMode
) -> None:
    schema = schemathesis.openapi.from_url(f"{desk_url}/openapi.json")
    operations = []
    for result in schema.get_all_operations():
        assert isinstance(result, Ok), f"the OpenAPI document is invalid: {result.err()}"
        operations.append(result.ok())
    assert len(operations) >= 14, "the document lost operations"
    for operation in operations:
        if mode is GenerationMode.NEGATIVE and not _takes_input(operation):
            continue  # e.g. the public keys: an operation taking no input has none to break

        @given(case=operation.as_strategy(generation_mode=mode))
        @settings(max_examples=20, deadline=None, suppress_health_check=list(HealthCheck))
        def call(case: Case[Any]) -> None:
            for headers in [{}, *bearer.values()]:  # anonymous, then each role
                case.call_and_validate(
                    base_url=desk_url, headers=headers, checks=[not_a_server_error]
                )

        call()


def _takes_input(operation: APIOperation[Any, Any, Any, Any]) -> bool:
    """Whether the operation reads parameters, a body or credentials."""
    parameters = list(operation.iter_parameters())
    return bool(parameters or operation.body.items or operation.definition.raw.get("security"))
