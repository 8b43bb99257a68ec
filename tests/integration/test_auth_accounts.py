"""Accounts in PostgreSQL: hashed passwords, refusals, disabled accounts."""

from __future__ import annotations

import uuid

import pytest

from caseflow.auth import AccountRefused, Accounts, Principal, Role, open_accounts
from caseflow.settings import Endpoints

pytestmark = pytest.mark.integration
PASSWORD = "correct horse battery"


def officer() -> Principal:
    return Principal(name=f"officer-{uuid.uuid4().hex[:8]}", role=Role.LICENSING_OFFICER)


async def added(accounts: Accounts) -> Principal:
    """A new officer's account with PASSWORD."""
    principal = officer()
    await accounts.add(principal, PASSWORD)
    return principal


async def test_the_right_password_authenticates_and_a_wrong_one_does_not(
    stack_endpoints: Endpoints,
) -> None:
    async with open_accounts(stack_endpoints.database) as accounts:
        principal = await added(accounts)
        assert await accounts.authenticate(principal.name, PASSWORD) == principal
        assert await accounts.authenticate(principal.name, PASSWORD + "!") is None
        assert await accounts.authenticate("nobody-" + principal.name, PASSWORD) is None


async def test_only_an_argon2_hash_of_the_password_is_stored(stack_endpoints: Endpoints) -> None:
    async with open_accounts(stack_endpoints.database) as accounts:
        principal = await added(accounts)
        stored = await accounts.pool.fetchval(
            "SELECT password_hash FROM accounts WHERE name = $1", principal.name
        )
    assert stored.startswith("$argon2id$")
    assert PASSWORD not in stored


async def test_a_disabled_account_cannot_log_in_and_is_no_longer_active(
    stack_endpoints: Endpoints,
) -> None:
    async with open_accounts(stack_endpoints.database) as accounts:
        principal = await added(accounts)
        assert await accounts.is_active(principal.name)
        assert await accounts.disable(principal.name)
        assert not await accounts.is_active(principal.name)
        assert await accounts.authenticate(principal.name, PASSWORD) is None
        listed = {record.name: record for record in await accounts.listing()}
        assert listed[principal.name].disabled


@pytest.mark.parametrize(
    ("principal", "password", "reason"),
    [
        (Principal(name="a-1", role=Role.OPERATOR), "short", "at least 10"),
        (Principal(name="a-2", role=Role.AGENCY), PASSWORD, "names its agency"),
        (Principal(name="a-3", role=Role.STAKEHOLDER), PASSWORD, "stakeholder id"),
        (Principal(name="a-4", role=Role.OPERATOR, agency="DE-BAFA"), PASSWORD, "only one"),
    ],
)
async def test_an_account_with_wrong_details_is_refused_with_the_reason(
    stack_endpoints: Endpoints, principal: Principal, password: str, reason: str
) -> None:
    async with open_accounts(stack_endpoints.database) as accounts:
        with pytest.raises(AccountRefused, match=reason):
            await accounts.add(principal, password)


async def test_a_taken_name_is_refused(stack_endpoints: Endpoints) -> None:
    async with open_accounts(stack_endpoints.database) as accounts:
        principal = await added(accounts)
        with pytest.raises(AccountRefused, match="exists"):
            await accounts.add(principal, PASSWORD)
