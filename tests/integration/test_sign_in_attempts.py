"""Failed sign-ins counted in PostgreSQL: every desk instance sees the same counts."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import pytest

from caseflow.auth import open_accounts
from caseflow.auth.attempts import Allowance, SignInAttempts, SignInPolicy
from caseflow.settings import Endpoints, Settings
from tests.e2e.cli import caseflow

pytestmark = pytest.mark.integration
WINDOW = timedelta(minutes=15)
POLICY = SignInPolicy(account=Allowance(3, WINDOW), address=Allowance(5, WINDOW))
NOW = datetime.now(UTC)


@pytest.fixture
async def desks(stack_endpoints: Endpoints) -> AsyncIterator[tuple[SignInAttempts, ...]]:
    """Two desk instances' attempt counters, each on its own connection pool."""
    async with (
        open_accounts(stack_endpoints.database) as one,
        open_accounts(stack_endpoints.database) as other,
    ):
        yield SignInAttempts(one.pool, POLICY), SignInAttempts(other.pool, POLICY)


def unique(kind: str) -> str:
    return f"{kind}-{uuid.uuid4().hex[:8]}"


async def fail(desk: SignInAttempts, name: str, address: str) -> None:
    """An attempt admitted whose password was wrong."""
    assert await desk.admit(name, address, NOW) is None
    await desk.failed(address, NOW)


async def test_failures_on_two_desks_add_up_and_refuse_the_name_for_a_window(
    desks: tuple[SignInAttempts, ...],
) -> None:
    one, other = desks
    name = unique("nobody")  # no such account: counted all the same
    for desk in (one, other, one):
        await fail(desk, name, unique("address"))
    assert await other.admit(name, unique("address"), NOW) == WINDOW
    later = NOW + WINDOW + timedelta(seconds=1)
    assert await other.admit(name, unique("address"), later) is None


async def test_an_address_failing_for_many_names_is_refused_for_every_name(
    desks: tuple[SignInAttempts, ...],
) -> None:
    one, other = desks
    address = unique("address")
    for desk in (one, other, one, other, one):
        await fail(desk, unique("name"), address)
    assert await other.admit(unique("name"), address, NOW) == WINDOW


async def test_a_success_clears_the_account_s_count_but_not_the_address_s(
    desks: tuple[SignInAttempts, ...],
) -> None:
    one, other = desks
    name, address = unique("officer"), unique("address")
    for _ in range(2):
        await fail(one, name, address)
    assert await other.admit(name, address, NOW) is None
    await other.clear(name)  # that attempt's password was right
    for _ in range(2):
        await fail(other, name, address)
    await fail(one, name, unique("address"))
    assert await one.admit(name, unique("address"), NOW) == WINDOW
    assert await one.admit(unique("name"), address, NOW) is None
    await one.failed(address, NOW)
    assert await one.admit(unique("name"), address, NOW) == WINDOW


async def test_guesses_sent_side_by_side_to_two_desks_get_no_more_than_the_allowance(
    desks: tuple[SignInAttempts, ...],
) -> None:
    one, other = desks
    name = unique("officer")
    answers = await asyncio.gather(
        *(desk.admit(name, unique("address"), NOW) for desk in (one, other) * 4)
    )
    assert answers.count(None) == POLICY.account.failures


async def test_an_operator_unblocks_a_refused_name_from_the_command_line(
    desks: tuple[SignInAttempts, ...], stack_settings: Settings
) -> None:
    one, _ = desks
    name = unique("officer")
    for _ in range(3):
        await fail(one, name, unique("address"))
    assert await one.admit(name, unique("address"), NOW) == WINDOW
    assert f"failed sign-ins of {name} cleared" in caseflow(
        stack_settings, "users", "unblock", name
    )
    assert await one.admit(name, unique("address"), NOW) is None
