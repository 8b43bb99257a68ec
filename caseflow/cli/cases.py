"""`caseflow submit | cases | case | decide`: agencies submit, reviewers read and decide."""

from __future__ import annotations

import asyncio
from pathlib import Path

import typer
from rich.console import Console
from rich.markdown import Markdown
from rich.table import Table
from temporalio.client import Client

from caseflow.agency import publish_submissions, read_submission, sample_messages
from caseflow.settings import Settings
from schemas.cases import DecisionOutcome
from schemas.intake import SubmissionRejected
from workflows.client import connect
from workflows.desk import CaseSummary, DecisionRefused, case_view, decide, find_cases, resolve_case
from workflows.model import CaseView, DecisionRecorded, ReviewDecision

console = Console()


def submit(
    files: list[Path] = typer.Argument(None, help="JSON files: envelopes or bare applications."),
    samples: bool = typer.Option(False, "--samples", help="Submit the six sample applications."),
    suffix: str = typer.Option("", help="Appended to sample references, to submit them anew."),
) -> None:
    """Publish submissions to the submissions topic, as an agency gateway does."""
    messages = [read_submission(path) for path in files or []]
    if samples:
        messages += sample_messages(suffix)
    if not messages:
        raise typer.BadParameter("give files or --samples")
    sent = asyncio.run(publish_submissions(Settings().endpoints().kafka, messages))
    console.print(f"submitted {sent} message(s) to intake")


def cases(
    status: str = typer.Option("", help="Only cases in this status, e.g. under_review."),
    query: str = typer.Option("", help="A Temporal visibility query, e.g. \"RiskLevel='high'\"."),
    limit: int = typer.Option(100, help="At most this many cases."),
) -> None:
    """List cases with their status, risk and deadline."""
    clauses = [clause for clause in (f"CaseStatus = '{status}'" if status else "", query) if clause]
    found = asyncio.run(_find(" AND ".join(f"({clause})" for clause in clauses), limit))
    show_cases(found)


def case(reference: str = typer.Argument(..., help="Case id or control number.")) -> None:
    """Show a case: parties' risk, findings, timeline, what can be done now."""
    view = asyncio.run(_view(reference))
    show_case(view)


def decide_case(
    reference: str = typer.Argument(..., help="Case id or control number."),
    reviewer: str = typer.Option(..., help="Your reviewer id."),
    outcome: DecisionOutcome = typer.Option(..., help="The decision."),
    rationale: str = typer.Option(..., help="Why."),
    condition: list[str] = typer.Option([], help="A licence condition (repeatable)."),
    assessment: str = typer.Option("", help="The human-rights assessment, in brief."),
) -> None:
    """Decide a case under review (a Temporal Update: refused with a reason if invalid)."""
    decision = ReviewDecision(
        reviewer=reviewer,
        outcome=outcome,
        rationale=rationale,
        conditions=condition,
        human_rights_assessment=assessment,
    )
    try:
        recorded = asyncio.run(_decide(reference, decision))
    except DecisionRefused as refusal:
        console.print(f"[red]refused:[/red] {refusal}", highlight=False)
        raise typer.Exit(1) from refusal
    console.print(
        f"case {recorded.control_number}: {recorded.outcome.value} "
        f"at {recorded.decided_at:%Y-%m-%d %H:%M:%S} UTC"
    )


async def _client() -> Client:
    settings = Settings()
    return await connect(settings.endpoints().temporal, settings.temporal_namespace)


async def _find(query: str, limit: int) -> list[CaseSummary]:
    return await find_cases(await _client(), query, limit)


async def _view(reference: str) -> CaseView:
    client = await _client()
    return await case_view(client, await resolve_case(client, reference))


async def _decide(reference: str, decision: ReviewDecision) -> DecisionRecorded:
    client = await _client()
    return await decide(client, await resolve_case(client, reference), decision)


RISK_COLOURS = {"low": "green", "medium": "yellow", "high": "red", "critical": "bold red"}


def show_cases(found: list[CaseSummary]) -> None:
    """Cases as a table."""
    table = Table("control no.", "status", "risk", "agency", "dest.", "control codes", "due")
    for summary in found:
        colour = RISK_COLOURS.get(summary.risk_level, "dim")
        table.add_row(
            summary.control_number,
            summary.status,
            f"[{colour}]{summary.risk_level or '-'}[/{colour}]",
            summary.agency,
            summary.destination,
            ", ".join(summary.control_codes),
            f"{summary.deadline_at:%Y-%m-%d}" if summary.deadline_at else "",
        )
    console.print(table)
    console.print(f"{len(found)} case(s)")


def show_case(view: CaseView) -> None:
    """A case as readable text."""
    lines = [
        f"# Case {view.control_number} — {view.status.value}",
        f"{view.submitting_agency} `{view.agency_reference}` → {view.destination_country}; "
        f"due {view.deadline_at:%Y-%m-%d}; codes {', '.join(view.control_codes)}",
    ]
    if view.screening is not None:
        lines.append(f"## Screening: {view.screening.risk_level.value} risk")
        lines += [
            f"- **{finding.severity.value}** {finding.evidence}: {finding.explanation}"
            for finding in view.screening.findings
        ]
    if view.decision is not None:
        lines.append(f"## Decision: {view.decision.outcome.value} by {view.decision.reviewer}")
        lines.append(view.decision.rationale)
    lines.append("## Timeline")
    lines += [
        f"- {entry.at:%Y-%m-%d %H:%M:%S} {entry.status.value}: {entry.note}"
        for entry in view.timeline
    ]
    if view.open_actions:
        lines.append("## Open actions\n" + ", ".join(view.open_actions))
    console.print(Markdown("\n".join(lines)))


def show_rejections(rejections: list[SubmissionRejected]) -> None:
    """Refused submissions with every deficiency."""
    for rejection in rejections:
        console.print(
            f"[red]refused[/red] {rejection.submitting_agency or '?'} "
            f"{rejection.agency_reference or rejection.raw_message}:",
            highlight=False,
        )
        for deficiency in rejection.deficiencies:
            console.print(
                f"  {deficiency.code:<24} {deficiency.path:<40} {deficiency.message}",
                highlight=False,
                markup=False,
            )
