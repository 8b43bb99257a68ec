"""The system's main job on the embedded default: stack, services, sample cases, UI address."""

from __future__ import annotations

import asyncio
import time
from datetime import UTC, datetime, timedelta

from rich.console import Console
from rich.progress import Progress
from rich.table import Table
from temporalio.client import Client

from caseflow.auth import Principal
from caseflow.auth.tokens import issuer
from caseflow.settings import Settings
from desk.demo import DEMO_ACCOUNTS, publishes_passwords, seed_demo_accounts
from desk.register_client import register_url
from desk.runtime import desk_server
from entrypoints.agency_client import publish_submissions, read_rejections, sample_messages
from entrypoints.cli.cases import show_cases, show_rejections
from entrypoints.processes import start_processes
from entrypoints.samples import sample_assessment
from entrypoints.stack import start_stack
from entrypoints.supervisor import start_supervisor
from schemas.cases import DecisionOutcome
from workflows.case_client import CaseListing, case_view, claim, decide, find_cases
from workflows.client import connect
from workflows.tasks import ReviewDecision, ReviewerTask

SAMPLE_COUNT = 6
MALFORMED = b'{"type": "SubmitApplication.v1", "data": {"submitting_agency": "DE-BAFA"}}'


async def run_demo(settings: Settings, console: Console, *, wait_seconds: float = 180.0) -> None:
    """Bring everything up, push the samples through and show where to watch them."""
    began = time.monotonic()
    console.rule("caseflow")
    console.print("starting PostgreSQL, the Kafka-protocol broker and Temporal …")
    endpoints = await start_stack(settings)
    console.print("starting intake, screening, consultation, the bridge, the worker and the desk …")
    await start_processes(settings)
    await start_supervisor(settings)
    accounts = await seed_demo_accounts(endpoints.database, published=publishes_passwords(settings))
    since = datetime.now(UTC)
    suffix = since.strftime("-%m%d%H%M%S")
    sent = await publish_submissions(
        endpoints.kafka, [*sample_messages(suffix), ("DE-BAFA:malformed", MALFORMED)]
    )
    console.print(f"submitted {sent} messages: {SAMPLE_COUNT} applications and one deficient one")
    client = await connect(settings)
    cases = await _await_review(client, since, console, wait_seconds)
    low = next((case for case in cases if case.risk_level == "low"), None)
    if low is not None:
        await _approve(settings, client, low, console)
    show_rejections(await read_rejections(endpoints.kafka, since))
    show_cases(await find_cases(client, f"StartTime >= '{since.isoformat()}'"))
    console.print(
        f"\n[bold]Temporal UI:[/bold] {endpoints.temporal_ui_url}/namespaces/"
        f"{settings.temporal_namespace}/workflows"
    )
    show_desk(settings, accounts, console)
    register = register_url(settings)
    console.print(
        f"[bold]Register of record:[/bold] {register}  (API documentation: {register}/docs; "
        "closed cases: caseflow register cases)"
    )
    console.print(
        "next: caseflow cases --status under_review · caseflow case Z… --role licensing_officer · "
        "caseflow login officer · caseflow claim Z… · caseflow assessment Z… > hr.json (fill it "
        "in) · caseflow decide Z… --outcome denied --rationale … --hr-ground … --assessment "
        "hr.json · caseflow login senior · caseflow countersign Z…"
    )
    console.print(f"ready in {time.monotonic() - began:.0f}s; stop everything with `caseflow down`")


async def _approve(settings: Settings, client: Client, low: CaseListing, console: Console) -> None:
    """Claim and approve the low-risk case as the demo officer, with a token the desk's issuer
    signs for that account (as its sign-in would): the workflow verifies it like any other."""
    officer = next(principal for principal, _ in DEMO_ACCOUNTS if principal.name == "officer")
    token = issuer(settings).issue(officer, timedelta(minutes=5))
    await claim(client, low.case_id, ReviewerTask(token=token))
    screened = (await case_view(client, low.case_id)).screening
    findings = [f.reference for f in screened.findings if f.reference] if screened else []
    await decide(
        client,
        low.case_id,
        ReviewDecision(
            token=token,
            outcome=DecisionOutcome.APPROVED,
            rationale="Teaching equipment for a university; no human-rights concern found.",
            assessment=sample_assessment(
                "Low risk: civilian end user, EAR99 item.", findings=findings
            ),
        ),
    )
    console.print(f"claimed and approved low-risk case {low.control_number} as {officer.name}")


def show_desk(
    settings: Settings, accounts: list[tuple[Principal, str | None]], console: Console
) -> None:
    """Where the reviewer desk is, and the demo accounts to sign in with."""
    url_file = desk_server(settings).url_file
    url = url_file.read_text() if url_file.exists() else "(not running)"
    table = Table("account", "password", "role", "agency / stakeholder", title="demo accounts")
    for principal, password in accounts:
        speaks_for = principal.agency or principal.stakeholder or ""
        shown = password or "(set by an earlier run, not shown again)"
        table.add_row(principal.name, shown, principal.role.value, speaks_for)
    console.print(f"\n[bold]Reviewer desk:[/bold] {url}  (API documentation: {url}/docs)")
    console.print(table)
    if not publishes_passwords(settings):
        console.print(
            "[bold]These passwords were generated for this database and are shown once:[/bold] "
            "keep them, or disable the accounts with `caseflow users disable`."
        )


async def _await_review(
    client: Client, since: datetime, console: Console, wait_seconds: float
) -> list[CaseListing]:
    """Wait until every sample case is screened and waits for a reviewer."""
    query = f"StartTime >= '{since.isoformat()}'"
    deadline = time.monotonic() + wait_seconds
    with Progress(console=console, transient=True) as progress:
        task = progress.add_task("cases reaching review", total=SAMPLE_COUNT)
        while True:
            found = await find_cases(client, query)
            waiting = [case for case in found if case.status == "under_review"]
            progress.update(task, completed=len(waiting))
            if len(waiting) >= SAMPLE_COUNT:
                return waiting
            if time.monotonic() > deadline:
                raise TimeoutError(
                    f"only {len(waiting)} of {SAMPLE_COUNT} cases reached review in "
                    f"{wait_seconds:.0f}s; see the logs under {Settings().state_dir}/logs"
                )
            await asyncio.sleep(1.0)
