"""The reviewer desk in a real headless Chromium, against every process of caseflow: an officer
approves a high-risk case with conditions, a senior officer countersigns, the case is decided."""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from playwright.async_api import Browser, Page, async_playwright, expect

from caseflow.agency import publish_submissions, sample_messages
from caseflow.auth import Principal, Role, open_accounts
from caseflow.processes import start_processes, stop_processes
from caseflow.settings import Endpoints, Settings
from desk.runtime import desk_server
from workflows.client import connect
from workflows.desk import case_view, find_cases

pytestmark = pytest.mark.e2e

CHROMIUM = Path("/usr/bin/chromium")
# Debian's Chromium, kept quiet: no network of its own, no first-run or update traffic.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PASSWORD = "browser-test-pass"
HIGH_RISK_SAMPLE = 1  # NL-CDIU: network surveillance to AE, screened high


@pytest.fixture(scope="module")
async def desk_url(stack_settings: Settings, stack_endpoints: Endpoints) -> AsyncIterator[str]:
    """Every caseflow process running, the desk among them; its address."""
    await start_processes(stack_settings)
    yield desk_server(stack_settings).url_file.read_text()
    stop_processes(stack_settings)


@pytest.fixture
def chromium() -> Path:
    """Debian's Chromium (scripts/test installs it when missing)."""
    assert CHROMIUM.exists(), "Debian's chromium is missing: apt-get install chromium"
    return CHROMIUM


@pytest.fixture
async def browser(chromium: Path) -> AsyncIterator[Browser]:
    async with async_playwright() as playwright:
        launched = await playwright.chromium.launch(
            executable_path=str(chromium), args=CHROMIUM_ARGS
        )
        yield launched
        await launched.close()


async def officers(database_url: str) -> tuple[str, str]:
    """A licensing officer's and a senior officer's account, new for this test."""
    suffix = uuid.uuid4().hex[:6]
    officer, senior = f"officer-{suffix}", f"senior-{suffix}"
    async with open_accounts(database_url) as accounts:
        await accounts.add(Principal(name=officer, role=Role.LICENSING_OFFICER), PASSWORD)
        await accounts.add(Principal(name=senior, role=Role.SENIOR_OFFICER), PASSWORD)
    return officer, senior


async def submitted_case_under_review(endpoints: Endpoints) -> str:
    """Submit the high-risk sample under a fresh reference; its control number once in review."""
    suffix = f"-web{uuid.uuid4().hex[:6]}"
    await publish_submissions(endpoints.kafka, [sample_messages(suffix)[HIGH_RISK_SAMPLE]])
    temporal = await connect(endpoints.temporal)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        for case in await find_cases(temporal, "CaseStatus = 'under_review'"):
            view = await case_view(temporal, case.case_id)
            if view.agency_reference.endswith(suffix):
                return view.control_number
        await asyncio.sleep(1)
    raise AssertionError(f"the case {suffix} never reached review")


async def sign_in(page: Page, base: str, name: str) -> None:
    await page.goto(f"{base}/login")
    await page.get_by_label("Account").fill(name)
    await page.get_by_label("Password").fill(PASSWORD)
    await page.get_by_role("button", name="Sign in").click()
    await expect(page.locator(".account")).to_have_text(name)


async def test_an_officer_approves_with_conditions_and_a_senior_officer_countersigns(
    desk_url: str, stack_endpoints: Endpoints, browser: Browser
) -> None:
    officer, senior = await officers(stack_endpoints.database)
    control_number = await submitted_case_under_review(stack_endpoints)
    page = await browser.new_page()

    await sign_in(page, desk_url, officer)
    await expect(page.get_by_role("heading", name="Tasks awaiting a reviewer")).to_be_visible()
    await page.get_by_role("link", name=control_number).click()
    await expect(page.get_by_role("heading", name=f"Case {control_number}")).to_be_visible()
    await page.get_by_role("button", name="Claim").click()
    await expect(page.locator(".flash.ok")).to_contain_text("under review")
    form = page.locator("details", has_text="Approve with conditions").locator("form")
    await form.get_by_label("Rationale").fill("Lawful interception under judicial oversight.")
    await form.get_by_label("Conditions").fill(
        "End-use certificate signed by the regulator\nPost-shipment verification within 6 months"
    )
    await form.get_by_label("Human-rights assessment").fill(
        "High risk mitigated by oversight and verification."
    )
    await form.get_by_role("button", name="Approve with conditions").click()
    await expect(page.locator(".flash.ok")).to_contain_text("signed off")
    await page.get_by_role("button", name="Sign out").click()

    await sign_in(page, desk_url, senior)
    await page.goto(f"{desk_url}/inbox?status=signed_off")
    await page.get_by_role("link", name=control_number).click()
    await page.get_by_role("button", name="Countersign").click()
    await expect(page.locator(".flash.ok")).to_contain_text("decided")
    await expect(
        page.get_by_role("heading", name="Decided: approved with conditions")
    ).to_be_visible()
    await expect(page.locator("section.decided")).to_contain_text(f"countersigned by {senior}")
