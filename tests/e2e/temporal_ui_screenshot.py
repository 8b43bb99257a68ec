"""Take the Temporal UI's workflow list, with caseflow's search-attribute columns, for the docs.

    .venv/bin/python -m tests.e2e.temporal_ui_screenshot docs/temporal-ui-workflow-list.png

Starts a throwaway embedded stack, opens cases in several states through the real workflow
(publishing faked, as tests/replay/record.py does), adds the columns in the UI as an operator
would (docs/operations.md) and saves the list.
"""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

from playwright.async_api import Page, async_playwright

from schemas.cases import DecisionOutcome, DenialGround
from schemas.consultation import Position
from schemas.screening import RiskLevel
from tests.actors import token_for
from tests.e2e.test_desk_browser import CHROMIUM, CHROMIUM_ARGS
from tests.integration.case_harness import OFFICER, CaseHarness, case_harness
from tests.replay.record import a_decision
from tests.replay.recording import throwaway_stack
from workflows import case_client
from workflows.tasks import ConsultationReferral, InformationRequest, ReviewerTask

# The operator's columns (docs/operations.md), and the default ones they make room for.
COLUMNS = (
    "ControlNumber",
    "CaseStatus",
    "RiskLevel",
    "AssignedReviewer",
    "DeadlineFor",
    "DeadlineAt",
    "Overdue",
)
DROPPED = ("Run ID", "Type", "Start", "End")


async def _cases(cases: CaseHarness) -> None:
    """A handful of cases, each at another step."""
    await cases.open_case(RiskLevel.LOW)
    claimed = await cases.open_case(RiskLevel.MEDIUM, sample=1)
    await case_client.claim(cases.client, claimed, ReviewerTask(token=token_for(OFFICER)))
    held = await cases.open_case(RiskLevel.MEDIUM, sample=2)
    await case_client.claim(cases.client, held, ReviewerTask(token=token_for(OFFICER)))
    request = InformationRequest(token=token_for(OFFICER), questions=["Who operates it?"])
    await case_client.request_information(cases.client, held, request)
    referred = await cases.open_case(RiskLevel.HIGH, sample=1)
    await case_client.claim(cases.client, referred, ReviewerTask(token=token_for(OFFICER)))
    referral = ConsultationReferral(token=token_for(OFFICER), stakeholders=["ngo-1"])
    await case_client.refer_for_consultation(cases.client, referred, referral)
    escalated = await cases.open_case(RiskLevel.HIGH)
    await case_client.claim(cases.client, escalated, ReviewerTask(token=token_for(OFFICER)))
    await case_client.refer_for_consultation(cases.client, escalated, referral)
    await cases.conclude(escalated, Position.RECOMMEND_DENIAL, Position.NO_OBJECTION)
    await cases.until(escalated, lambda view: view.status == "escalated")
    denied = await cases.open_case(RiskLevel.CRITICAL, sample=1)
    await case_client.claim(cases.client, denied, ReviewerTask(token=token_for(OFFICER)))
    ground = DenialGround(text="Surveillance of journalists", human_rights=True)
    await case_client.decide(
        cases.client, denied, a_decision(DecisionOutcome.DENIED, grounds=[ground])
    )
    await cases.open_case(risk=None)  # screening


async def _add_columns(page: Page) -> None:
    """Add caseflow's columns through the UI's column settings ("Configure Columns")."""
    configure = page.get_by_test_id("workflows-summary-table-configuration-button")
    await configure.wait_for(state="visible")
    await configure.click(no_wait_after=True)
    for column in DROPPED:
        await page.get_by_test_id(f"orderable-list-item-{column}-remove-button").click()
    for column in COLUMNS:
        await page.get_by_test_id(f"orderable-list-item-{column}-add-button").click()
    await page.get_by_test_id("drawer-close-button").click()
    await page.get_by_role("columnheader", name=COLUMNS[-1]).wait_for(state="visible")


async def screenshot(path: Path) -> None:
    """Open cases on a throwaway stack and save the UI's workflow list to `path`."""
    async with throwaway_stack() as (settings, client), case_harness(client) as cases:
        await _cases(cases)
        await asyncio.sleep(2)  # visibility catches up
        async with async_playwright() as playwright:
            browser = await playwright.chromium.launch(
                executable_path=str(CHROMIUM), args=CHROMIUM_ARGS
            )
            page = await browser.new_page(viewport={"width": 2000, "height": 680})
            page.set_default_timeout(120_000)  # the UI is slow to start on a busy machine
            ui = f"http://127.0.0.1:{settings.temporal_ui_port}"
            await page.goto(f"{ui}/namespaces/default/workflows")
            await _add_columns(page)
            await page.wait_for_timeout(2000)
            await page.screenshot(path=str(path))
            await browser.close()


if __name__ == "__main__":
    asyncio.run(screenshot(Path(sys.argv[1])))
