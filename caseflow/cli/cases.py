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
from schemas.intake import SubmissionRejected
from workflows.client import connect
from workflows.desk import CaseSummary, case_view, find_cases, resolve_case
from workflows.model import CaseView
from workflows.tasks import ReviewerRole

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


def case(
    reference: str = typer.Argument(..., help="Case id or control number."),
    role: ReviewerRole | None = typer.Option(
        None, envvar="CASEFLOW_REVIEWER_ROLE", help="Your role: lists the actions open to you."
    ),
    reviewer: str = typer.Option("", envvar="CASEFLOW_REVIEWER", help="Your reviewer id."),
) -> None:
    """Show a case: parties, risk, findings, who holds it, what is due, what you can do now."""
    view = asyncio.run(_view(reference, role, reviewer))
    show_case(view)


async def _client() -> Client:
    settings = Settings()
    return await connect(settings.endpoints().temporal, settings.temporal_namespace)


async def _find(query: str, limit: int) -> list[CaseSummary]:
    return await find_cases(await _client(), query, limit)


async def _view(reference: str, role: ReviewerRole | None, reviewer: str) -> CaseView:
    client = await _client()
    return await case_view(client, await resolve_case(client, reference), role, reviewer)


RISK_COLOURS = {"low": "green", "medium": "yellow", "high": "red", "critical": "bold red"}


def show_cases(found: list[CaseSummary]) -> None:
    """Cases as a table."""
    table = Table("control no.", "status", "risk", "reviewer", "agency", "dest.", "codes", "due")
    for summary in found:
        colour = RISK_COLOURS.get(summary.risk_level, "dim")
        due = f"{summary.deadline_at:%Y-%m-%d}" if summary.deadline_at else ""
        table.add_row(
            summary.control_number,
            summary.status,
            f"[{colour}]{summary.risk_level or '-'}[/{colour}]",
            summary.assigned_reviewer or "-",
            summary.agency,
            summary.destination,
            ", ".join(summary.control_codes),
            f"[bold red]{due} overdue[/bold red]" if summary.overdue else due,
        )
    console.print(table)
    console.print(f"{len(found)} case(s)")


def show_case(view: CaseView) -> None:
    """A case as readable text."""
    due = f"due {view.deadline_at:%Y-%m-%d %H:%M} UTC" if view.deadline_at else "clock stopped"
    lines = [
        f"# Case {view.control_number} — {view.status.value}",
        f"{view.submitting_agency} `{view.agency_reference}` → {view.destination_country}; "
        f"{due}{' **OVERDUE**' if view.overdue else ''}; codes {', '.join(view.control_codes)}; "
        f"reviewer {view.assigned_reviewer or 'unassigned'}",
    ]
    if view.referral_due_at is not None:
        missed = " **MISSED**" if view.referral_missed else ""
        lines.append(f"Refer for consultation by {view.referral_due_at:%Y-%m-%d %H:%M} UTC{missed}")
    if view.alert:
        lines.append(f"> **Alert:** {view.alert}")
    lines += [f"- {role.replace('_', ' ')}: {p.name}" for role, p in view.application.parties()]
    if view.changes:
        lines.append("## Last amendment")
        lines += [f"- `{change.path}`: {change.before} → {change.after}" for change in view.changes]
    if view.screening is not None:
        lines.append(f"## Screening: {view.screening.risk_level.value} risk")
        lines += [
            f"- **{finding.severity.value}** {finding.evidence}: {finding.explanation}"
            for finding in view.screening.findings
        ]
        if view.screening.recommended_route:
            lines.append("Proposed for consultation (`caseflow refer --stakeholder` to choose):")
            lines += [f"- {stakeholder}" for stakeholder in view.screening.recommended_route]
    if view.consultation is not None:
        lines.append(f"## Consultation, answers due {view.consultation.due_at:%Y-%m-%d %H:%M} UTC")
        concluded = view.consultation.concluded
        lines += [
            f"- {p.stakeholder_name}: {p.position.value}"
            + (" (silent: deemed)" if p.deemed_no_objection else f" — {p.rationale}")
            for p in (concluded.positions if concluded else [])
        ]
    if view.escalation is not None:
        escalation = view.escalation
        lines.append(f"## Escalated: {escalation.dissent}")
        lines += [f"- {level}" for level in view.escalation_levels]
    if view.hold is not None:
        lines.append(f"## On hold since {view.hold.since:%Y-%m-%d %H:%M} UTC")
        lines += [f"- {question}" for question in view.hold.questions]
    if view.sign_off is not None:
        signed = view.sign_off
        lines.append(f"## Signed off: {signed.outcome.value} by {signed.reviewer.id}")
        lines.append(signed.rationale)
        lines += [f"- condition: {condition}" for condition in signed.conditions]
        lines += [
            f"- ground{' (human rights)' if ground.human_rights else ''}: {ground.text}"
            for ground in signed.grounds
        ]
    if view.decided is not None:
        countersigned = view.decided.countersigned_by
        lines.append(
            f"## Decided: {view.decided.outcome.value} by {view.decided.decided_by}"
            + (f", countersigned by {countersigned}" if countersigned else "")
        )
    lines.append("## Timeline")
    lines += [
        f"- {entry.at:%Y-%m-%d %H:%M:%S} {entry.status.value}: {entry.note}"
        for entry in view.timeline
    ]
    if view.open_actions:
        lines.append("## Open to you\n" + ", ".join(view.open_actions))
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
