"""`caseflow demo --states N`: N subscribing states on this machine exchanging signed notices:
a denial in the first reaches the others, France's matching case is screened with it."""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import Awaitable, Callable
from functools import partial

from rich.console import Console
from rich.table import Table

from caseflow.settings import Settings
from entrypoints.agency_client import publish_submissions
from entrypoints.samples import sample_applications, submission
from entrypoints.states import (
    StateDeployment,
    call_contact,
    introduce,
    issue_denial,
    plan_states,
    start_state,
)
from workflows.case_client import CaseListing, case_view, find_cases
from workflows.client import connect

GROUNDS = "Face matching for a security service with a record of arbitrary detention."


async def run_states_demo(settings: Settings, count: int, console: Console) -> None:
    """Start the states, introduce them, share a denial, screen a matching case."""
    console.rule(f"caseflow: {count} subscribing states on one machine")
    deployments = plan_states(settings.state_dir / "states", count)
    cases_state = next(d for d in deployments if d.runs_cases)
    console.print(f"starting {cases_state.name} (runs cases: its own Temporal) …")
    await start_state(cases_state, None)
    temporal = cases_state.settings.endpoints().temporal
    others = [d for d in deployments if d is not cases_state]
    console.print(f"starting {', '.join(d.name for d in others)} (notices only) …")
    await asyncio.gather(*(start_state(d, temporal) for d in others))
    await introduce(deployments)
    await _show_states(deployments, console)

    issuer = deployments[0]
    suffix = f"-states{uuid.uuid4().hex[:6]}"
    [application] = [
        a for a in sample_applications(suffix) if a.submitting_agency.startswith("FR-")
    ]
    notice_id = await issue_denial(issuer, application, suffix.strip("-"), GROUNDS)
    console.print(f"\n{issuer.name} denied an export and shares denial notice {notice_id} …")
    for partner in deployments[1:]:
        await _until(partial(_received, partner, notice_id), f"{partner.name} has it")
        console.print(f"  {partner.name}: verified with {issuer.code}'s key and taken in")

    envelope = submission(application)
    await publish_submissions(
        cases_state.settings.endpoints().kafka, [(envelope.subject, envelope.to_bytes())]
    )
    console.print(f"\n{cases_state.name} receives an application for the same transaction …")
    client = await connect(cases_state.settings)
    found: list[CaseListing] = []

    async def screened() -> bool:
        cases = await find_cases(client, "CaseStatus = 'under_review'")
        found[:] = [c for c in cases if c.agency == application.submitting_agency]
        return bool(found)

    await _until(screened, "the case is screened")
    view = await case_view(client, found[0].case_id)
    consulted = view.screening.partner_consultations if view.screening else []
    named = [c.state for c in consulted if c.notice_id == notice_id]
    number = found[0].control_number
    if not named:  # the CLI reports it and exits 1
        raise TimeoutError(f"case {number} was screened without {notice_id}")
    console.print(
        f"  case {number}: screening names {named[0]}'s denial {notice_id}; "
        f"approval waits for the consultation of {named[0]} (EU 2021/821 Art. 16)\n"
        f"  see it: CASEFLOW_STATE_DIR={cases_state.settings.state_dir} caseflow case {number}"
    )
    console.print(
        "\nstop a state with CASEFLOW_STATE_DIR=<its state folder> caseflow down; its partners' "
        "notices wait in their outboxes until it is back"
    )


async def _show_states(deployments: list[StateDeployment], console: Console) -> None:
    table = Table("state", "point of contact", "signing key", "trusts", "state folder")
    for d in deployments:
        identity = await call_contact(d.settings, "GET", "/exchange/v1/identity")
        partners = await call_contact(d.settings, "GET", "/partners")
        url = (d.settings.state_dir / "run" / "sharing.url").read_text().strip()
        table.add_row(
            f"{d.code} {d.name}",
            url,
            identity["key_id"],
            ", ".join(p["state"] for p in partners),
            str(d.settings.state_dir),
        )
    console.print(table)


async def _received(deployment: StateDeployment, notice_id: str) -> bool:
    log = await call_contact(deployment.settings, "GET", "/exchange-log?limit=200")
    return notice_id in {row["notice_id"] for row in log["received"]}


async def _until(check: Callable[[], Awaitable[bool]], what: str, wait: float = 180.0) -> None:
    deadline = time.monotonic() + wait
    while not await check():
        if time.monotonic() > deadline:
            raise TimeoutError(f"not within {wait:.0f} s: {what}")
        await asyncio.sleep(0.5)
