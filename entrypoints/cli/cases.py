"""`caseflow cases [search | show] | case`: find cases in Temporal's visibility store, read one."""

from __future__ import annotations

import asyncio

import typer
from rich.console import Console
from rich.markdown import Markdown
from rich.table import Table
from temporalio.client import Client
from temporalio.service import RPCError

from caseflow.settings import Settings
from desk.register_client import (
    NotInRegister,
    RegisterClient,
    RegisterUnavailable,
)
from entrypoints.cli.session import NotSignedIn, actor_token
from schemas.cases import CaseStatus
from schemas.intake import SubmissionRejected
from workflows.case_card import assessment_lines
from workflows.case_client import (
    CaseListing,
    CaseNotFound,
    InvalidQuery,
    case_view,
    find_cases,
    resolve_case,
)
from workflows.client import connect
from workflows.closed_cases import closed_case_summary, closed_case_view
from workflows.inbox import task_of
from workflows.model import CaseView
from workflows.tasks import ReviewerRole

console = Console()


app = typer.Typer(help="Cases: list, search by visibility query, show one.")
LIMIT = typer.Option(100, help="At most this many cases.")


@app.callback(invoke_without_command=True)
def cases(
    context: typer.Context,
    status: CaseStatus | None = typer.Option(None, help="Only cases in this status."),
    query: str = typer.Option("", help="A Temporal visibility query, e.g. \"RiskLevel='high'\"."),
    limit: int = LIMIT,
) -> None:
    """List cases with their status, risk and deadline (newest first)."""
    if context.invoked_subcommand is not None:
        return
    clauses = [clause for clause in (f"CaseStatus = '{status}'" if status else "", query) if clause]
    # Decided cases Temporal no longer keeps are in the register (a free query is Temporal's).
    closed = not query and status in (None, CaseStatus.DECIDED)
    search(" AND ".join(f"({clause})" for clause in clauses), limit, closed=closed)


@app.command()
def search(
    query: str = typer.Argument(
        ..., help="A Temporal visibility query: \"CaseStatus = 'under_review' AND Overdue = true\"."
    ),
    limit: int = LIMIT,
    closed: bool = typer.Option(
        False, help="Add the decided cases the register keeps and Temporal no longer does."
    ),
) -> None:
    """Find cases by any of their search attributes, as in the Temporal UI."""
    try:
        found = asyncio.run(_find(query, limit, closed))
    except (InvalidQuery, RPCError) as error:
        console.print(f"[red]query refused:[/red] {error}", highlight=False)
        raise typer.Exit(1) from error
    show_cases(found)


@app.command("show")
def case(
    reference: str = typer.Argument(..., help="Case id or control number."),
    role: ReviewerRole | None = typer.Option(
        None, envvar="CASEFLOW_REVIEWER_ROLE", help="Your role: lists the actions open to you."
    ),
    reviewer: str = typer.Option("", envvar="CASEFLOW_REVIEWER", help="Your reviewer id."),
) -> None:
    """Show a case: parties, risk, findings, who holds it, what is due, what you can do now."""
    try:
        view = asyncio.run(_view(reference, role, reviewer))
    except (NotInRegister, RegisterUnavailable, NotSignedIn) as error:
        console.print(f"[red]no case {reference}:[/red] {error}", highlight=False)
        raise typer.Exit(1) from error
    show_case(view)


async def temporal_client() -> Client:
    """A client of the configured (or embedded) Temporal server."""
    settings = Settings()
    return await connect(settings)


async def _find(query: str, limit: int, closed: bool = False) -> list[CaseListing]:
    found = await find_cases(await temporal_client(), query, limit)
    if not closed or len(found) >= limit:
        return found
    settings = Settings()
    try:
        lines = await RegisterClient.of(settings).closed_cases(
            actor_token(settings), {"limit": limit - len(found)}
        )
    except (RegisterUnavailable, NotSignedIn) as error:
        console.print(
            f"[yellow]closed cases Temporal no longer keeps are not listed:[/yellow] {error}",
            highlight=False,
        )
        return found
    listed = {summary.case_id for summary in found}
    return found + [closed_case_summary(line) for line in lines if line.case_id not in listed]


async def _view(reference: str, role: ReviewerRole | None, reviewer: str) -> CaseView:
    """The case from its workflow or, once Temporal no longer keeps it, from the register."""
    client = await temporal_client()
    try:
        return await case_view(client, await resolve_case(client, reference), role, reviewer)
    except CaseNotFound:
        settings = Settings()
        found = await RegisterClient.of(settings).case_file(reference, actor_token(settings))
        return closed_case_view(found)


RISK_COLOURS = {"low": "green", "medium": "yellow", "high": "red", "critical": "bold red"}


def show_cases(found: list[CaseListing], *, tasks: bool = False) -> None:
    """Cases as a table; with `tasks`, what each waits for from a reviewer."""
    table = Table("control no.", "status", "risk", "reviewer", "agency", "dest.", "codes", "due")
    if tasks:
        table = Table("due", "task", "control no.", "status", "risk", "reviewer", "agency")
        table.add_column("dest.")
        table.add_column("codes")
    for summary in found:
        colour = RISK_COLOURS.get(summary.risk_level, "dim")
        due = f"{summary.deadline_at:%Y-%m-%d}" if summary.deadline_at else ""
        due = f"[bold red]{due} overdue[/bold red]" if summary.overdue else due
        first = [due, task_of(summary)] if tasks else []
        table.add_row(
            *first,
            summary.control_number,
            summary.status,
            f"[{colour}]{summary.risk_level or '-'}[/{colour}]",
            summary.assigned_reviewer or "-",
            summary.agency,
            summary.destination,
            ", ".join(summary.control_codes),
            *([] if tasks else [due]),
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
        lines.append("### Human-rights assessment")
        lines += assessment_lines(signed)
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
