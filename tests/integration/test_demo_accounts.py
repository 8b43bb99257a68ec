"""The demo's accounts: on a configured database, never the passwords the README publishes."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import SecretStr
from rich.console import Console

from caseflow.auth import open_accounts
from caseflow.settings import Endpoints, Settings
from desk.demo import DEMO_ACCOUNTS, publishes_passwords, seed_demo_accounts
from entrypoints.demo import show_desk

pytestmark = pytest.mark.integration


def test_only_the_embedded_database_gets_the_published_passwords() -> None:
    assert publishes_passwords(Settings(database_url=None))
    assert not publishes_passwords(Settings(database_url=SecretStr("postgresql://db/caseflow")))


async def test_a_configured_database_gets_random_passwords_shown_once(
    stack_endpoints: Endpoints,
) -> None:
    seeded = await seed_demo_accounts(stack_endpoints.database, published=False)
    published = {principal.name: password for principal, password in DEMO_ACCOUNTS}
    async with open_accounts(stack_endpoints.database) as accounts:
        for principal, password in seeded:
            assert password is not None
            assert password != published[principal.name]
            assert len(password) >= 20
            assert await accounts.authenticate(principal.name, password) == principal
            assert await accounts.authenticate(principal.name, published[principal.name]) is None
    again = await seed_demo_accounts(stack_endpoints.database, published=False)
    assert [password for _, password in again] == [None] * len(DEMO_ACCOUNTS)
    assert len({password for _, password in seeded}) == len(DEMO_ACCOUNTS)


def test_the_demo_shows_generated_passwords_once_and_says_so(tmp_path: Path) -> None:
    settings = Settings(state_dir=tmp_path, database_url=SecretStr("postgresql://db/caseflow"))
    officer, senior = (principal for principal, _ in DEMO_ACCOUNTS[:2])
    console = Console(record=True, width=200)
    show_desk(settings, [(officer, "Kq3-generated-once"), (senior, None)], console)
    shown = console.export_text()
    assert "Kq3-generated-once" in shown
    assert "set by an earlier run, not shown again" in shown
    assert "shown once" in shown
    assert not any(password in shown for _, password in DEMO_ACCOUNTS)
