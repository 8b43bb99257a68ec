"""The reviewer desk in a real headless Chromium, against every process of caseflow: an officer
approves a high-risk case with conditions, a senior officer countersigns, the case is decided."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from playwright.async_api import Browser, Page, async_playwright, expect

from caseflow.auth import Principal, Role, open_accounts
from caseflow.settings import Endpoints, Settings
from desk.runtime import desk_server
from entrypoints.agency_client import publish_submissions, sample_messages
from entrypoints.processes import start_processes, stop_processes
from entrypoints.samples import sample_applications
from tests.e2e.reviews import await_review
from workflows.case_client import resolve_case
from workflows.client import connect

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


async def submitted_case_under_review(settings: Settings, endpoints: Endpoints) -> str:
    """Submit the high-risk sample under a fresh reference; its control number once in review."""
    suffix = f"-web{uuid.uuid4().hex[:6]}"
    await publish_submissions(endpoints.kafka, [sample_messages(suffix)[HIGH_RISK_SAMPLE]])
    (case,) = await await_review(await connect(settings), suffix, count=1)
    return case.control_number


async def sign_in(page: Page, base: str, name: str) -> None:
    await page.goto(f"{base}/login")
    await page.get_by_label("Account").fill(name)
    await page.get_by_label("Password").fill(PASSWORD)
    await page.get_by_role("button", name="Sign in").click()
    await expect(page.locator(".account")).to_have_text(name)


async def test_an_officer_approves_with_conditions_and_a_senior_officer_countersigns(
    desk_url: str, stack_settings: Settings, stack_endpoints: Endpoints, browser: Browser
) -> None:
    officer, senior = await officers(stack_endpoints.database)
    control_number = await submitted_case_under_review(stack_settings, stack_endpoints)
    page = await browser.new_page()
    # The desk's pages work under their Content-Security-Policy: nothing of theirs is blocked.
    blocked: list[str] = []
    page.on(
        "console",
        lambda message: (
            blocked.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )

    await sign_in(page, desk_url, officer)
    served = await page.request.get(f"{desk_url}/login")
    assert "default-src 'none'" in served.headers["content-security-policy"]
    assert served.headers["x-frame-options"] == "DENY"
    assert await page.evaluate("document.styleSheets[0].cssRules.length") > 0
    await expect(page.get_by_role("heading", name="Tasks awaiting a reviewer")).to_be_visible()
    await page.get_by_role("link", name=control_number).click()
    await expect(page.get_by_role("heading", name=f"Case {control_number}")).to_be_visible()
    await page.get_by_role("button", name="Claim").click()
    await expect(page.locator(".flash.ok")).to_contain_text("under review")
    form = page.locator("details", has_text="Approve with conditions").locator("form")
    await form.get_by_label("Rationale").fill("Lawful interception under judicial oversight.")
    await form.get_by_label("Conditions, one per line").fill(
        "End-use certificate signed by the regulator\nPost-shipment verification within 6 months"
    )
    await form.get_by_label("End user and its record").fill("A regulated telecom operator.")
    await form.get_by_label("Potential for surveillance or repression").fill(
        "Interception: high, limited by judicial warrants."
    )
    await form.get_by_label("Destination's human-rights situation").fill(
        "Judicial oversight of interception in place."
    )
    await form.get_by_label("Sources relied on").fill("UN OHCHR country report")
    await form.get_by_label("Conclusion").fill("High risk mitigated by oversight and verification.")
    await form.get_by_label("Mitigations").fill("Post-shipment verification within 6 months")
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
    await expect(page.locator("section.assessment")).to_contain_text("mitigated by oversight")
    assert blocked == []


async def test_only_an_operator_signed_in_at_the_desk_reads_case_data_in_the_temporal_ui(
    desk_url: str, stack_settings: Settings, stack_endpoints: Endpoints, browser: Browser
) -> None:
    operator = f"operator-{uuid.uuid4().hex[:6]}"
    async with open_accounts(stack_endpoints.database) as accounts:
        await accounts.add(Principal(name=operator, role=Role.OPERATOR), PASSWORD)
    control_number = await submitted_case_under_review(stack_settings, stack_endpoints)
    case_id = await resolve_case(await connect(stack_settings), control_number)
    applicant = sample_applications()[HIGH_RISK_SAMPLE].applicant.name
    case_page = f"{stack_endpoints.temporal_ui_url}/namespaces/default/workflows/"
    case_page += f"license-case-{case_id}"
    page = await browser.new_page()

    # Anyone else reaching the UI sees the case encrypted: the codec server refuses them.
    async with page.expect_response(lambda answer: "/decode" in answer.url) as refused:
        await page.goto(case_page)
    assert (await refused.value).status == 401
    # Every payload the page shows passes the codec server, which refused: no plaintext remains.
    await expect(page.get_by_text("LicenseCase").first).to_be_visible()
    assert applicant not in await page.content()

    await page.goto(f"{desk_url}/login")
    await page.get_by_label("Account").fill(operator)
    await page.get_by_label("Password").fill(PASSWORD)
    await page.get_by_role("button", name="Sign in").click()
    await page.wait_for_url(lambda url: not url.endswith("/login"))
    assert await _session_cookies(page) == 1
    await _send_credentials_to_the_codec_server(page, case_page, stack_settings.codec_endpoint)
    async with page.expect_response(lambda answer: "/decode" in answer.url) as decoded:
        await page.goto(case_page)
    assert (await decoded.value).status == 200
    await expect(page.get_by_text(applicant).first).to_be_visible()


async def _session_cookies(page: Page) -> int:
    return sum(cookie["name"] == "caseflow_session" for cookie in await page.context.cookies())


async def _send_credentials_to_the_codec_server(page: Page, ui_page: str, codec: str) -> None:
    """The UI's own codec setting, as an operator sets it once in their browser."""
    await page.goto(ui_page)
    await page.get_by_role("button", name="Codec Server").first.click()
    await page.get_by_text("Use my browser setting").click()
    await page.get_by_label("Codec Server browser endpoint").fill(codec)
    await page.get_by_text("Include cross-origin credentials").click()
    await page.get_by_role("button", name="Apply").click()
