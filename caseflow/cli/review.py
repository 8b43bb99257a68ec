"""`caseflow claim | release | decide | countersign | hold | refer | resolve | appeal |
waive-partner`: reviewer tasks.

Each is a Temporal Update: the workflow refuses an invalid task before it enters the history and
says every reason. Who acts comes from `--reviewer` and `--role` (or CASEFLOW_REVIEWER and
CASEFLOW_REVIEWER_ROLE).
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import TypeVar

import typer
from pydantic import BaseModel
from rich.console import Console
from temporalio.client import Client

from caseflow.settings import Settings
from schemas.cases import DecisionOutcome, DenialGround
from workflows import desk
from workflows.client import connect
from workflows.tasks import (
    ActionRecorded,
    ConsultationReferral,
    Countersignature,
    EscalationAppeal,
    EscalationResolution,
    InformationRequest,
    PartnerWaiverRequest,
    ReviewDecision,
    Reviewer,
    ReviewerRole,
    ReviewerTask,
)

console = Console()
TaskT = TypeVar("TaskT", bound=BaseModel)
Action = Callable[[Client, str, TaskT], Awaitable[ActionRecorded]]

CASE = typer.Argument(..., help="Case id or control number.")
REVIEWER = typer.Option(..., "--reviewer", envvar="CASEFLOW_REVIEWER", help="Your reviewer id.")
ROLE = typer.Option(
    ReviewerRole.LICENSING_OFFICER, "--role", envvar="CASEFLOW_REVIEWER_ROLE", help="Your role."
)
SENIOR_ROLE = typer.Option(
    ReviewerRole.SENIOR_OFFICER, "--role", envvar="CASEFLOW_REVIEWER_ROLE", help="Your role."
)


def claim(reference: str = CASE, reviewer: str = REVIEWER, role: ReviewerRole = ROLE) -> None:
    """Claim a case under review: from now on only you act on it."""
    _run(desk.claim, reference, ReviewerTask(reviewer=Reviewer(id=reviewer, role=role)))


def release(reference: str = CASE, reviewer: str = REVIEWER, role: ReviewerRole = ROLE) -> None:
    """Release a case you claimed back to the queue."""
    _run(desk.release, reference, ReviewerTask(reviewer=Reviewer(id=reviewer, role=role)))


def decide(
    reference: str = CASE,
    reviewer: str = REVIEWER,
    role: ReviewerRole = ROLE,
    outcome: DecisionOutcome = typer.Option(..., help="The decision."),
    rationale: str = typer.Option(..., help="Why."),
    condition: list[str] = typer.Option([], help="A licence condition (repeatable)."),
    ground: list[str] = typer.Option([], help="A ground for denial (repeatable)."),
    human_rights_ground: list[str] = typer.Option(
        [], "--hr-ground", help="A human-rights ground for denial (repeatable)."
    ),
    assessment: str = typer.Option("", help="The human-rights assessment, in brief."),
) -> None:
    """Decide a case you claimed; a denial or a risky approval then awaits a countersignature."""
    decision = ReviewDecision(
        reviewer=Reviewer(id=reviewer, role=role),
        outcome=outcome,
        rationale=rationale,
        conditions=condition,
        grounds=[DenialGround(text=text, human_rights=True) for text in human_rights_ground]
        + [DenialGround(text=text) for text in ground],
        human_rights_assessment=assessment,
    )
    _run(desk.decide, reference, decision)


def countersign(
    reference: str = CASE,
    reviewer: str = REVIEWER,
    role: ReviewerRole = SENIOR_ROLE,
    send_back: bool = typer.Option(False, "--send-back", help="Disagree: back to review."),
    note: str = typer.Option("", help="Why (required when sending back)."),
) -> None:
    """Countersign a signed-off decision as a second, senior officer (four eyes)."""
    signature = Countersignature(
        reviewer=Reviewer(id=reviewer, role=role), agree=not send_back, note=note
    )
    _run(desk.countersign, reference, signature)


def hold(
    reference: str = CASE,
    reviewer: str = REVIEWER,
    role: ReviewerRole = ROLE,
    question: list[str] = typer.Option([], help="A question for the agency (repeatable)."),
) -> None:
    """Ask the agency for information: the case goes on hold and its clock stops."""
    request = InformationRequest(reviewer=Reviewer(id=reviewer, role=role), questions=question)
    _run(desk.request_information, reference, request)


def refer(
    reference: str = CASE,
    reviewer: str = REVIEWER,
    role: ReviewerRole = ROLE,
    stakeholder: list[str] = typer.Option(
        [], help="A stakeholder id to consult (repeatable; none: the routing policy proposes)."
    ),
    note: str = typer.Option("", help="For the record."),
) -> None:
    """Refer a case you claimed for consultation; silence past the deadline is no objection."""
    referral = ConsultationReferral(
        reviewer=Reviewer(id=reviewer, role=role), stakeholders=stakeholder, note=note
    )
    _run(desk.refer_for_consultation, reference, referral)


def resolve(
    reference: str = CASE,
    reviewer: str = REVIEWER,
    role: ReviewerRole = SENIOR_ROLE,
    recommendation: str = typer.Option(..., help="What the committee recommends, e.g. deny."),
    rationale: str = typer.Option(..., help="Why."),
) -> None:
    """Record the decision of the committee at the case's escalation level, as its chair (a
    senior officer for the Operating Committee; `--role committee_chair` for the ACEP)."""
    resolution = EscalationResolution(
        reviewer=Reviewer(id=reviewer, role=role),
        recommendation=recommendation,
        rationale=rationale,
    )
    _run(desk.resolve_escalation, reference, resolution)


def waive_partner(
    reference: str = CASE,
    reviewer: str = REVIEWER,
    role: ReviewerRole = SENIOR_ROLE,
    state: list[str] = typer.Option(..., help="A partner state's ISO code (repeatable)."),
    reason: str = typer.Option(..., help="Why it cannot be consulted."),
) -> None:
    """Record, as a senior officer, why a partner state whose denial notice matched the case is
    not consulted before approval (EU 2021/821 Art. 16)."""
    waiver = PartnerWaiverRequest(
        reviewer=Reviewer(id=reviewer, role=role), states=state, reason=reason
    )
    _run(desk.record_partner_waiver, reference, waiver)


def appeal(
    reference: str = CASE,
    reviewer: str = REVIEWER,
    role: ReviewerRole = SENIOR_ROLE,
    on_behalf_of: str = typer.Option(..., help="Stakeholder id of the agency that appeals."),
    grounds: str = typer.Option(..., help="Why the agency disagrees with the decision."),
) -> None:
    """Record a dissenting agency's appeal of a committee's decision to the next level."""
    task = EscalationAppeal(
        reviewer=Reviewer(id=reviewer, role=role), on_behalf_of=on_behalf_of, grounds=grounds
    )
    _run(desk.appeal_escalation, reference, task)


def _run(action: Action[TaskT], reference: str, task: TaskT) -> None:
    """Send the task; print where the case stands, or every reason it was refused."""
    try:
        recorded = asyncio.run(_act(action, reference, task))
    except desk.ActionRefused as refusal:
        console.print(f"[red]refused:[/red] {refusal}", highlight=False)
        raise typer.Exit(1) from refusal
    outcome = f" — [bold]{recorded.outcome.value}[/bold]" if recorded.outcome else ""
    console.print(
        f"case {recorded.control_number}: [bold]{recorded.status.value}[/bold]{outcome} "
        f"({recorded.note})",
        highlight=False,
    )


async def _act(action: Action[TaskT], reference: str, task: TaskT) -> ActionRecorded:
    settings = Settings()
    client = await connect(settings.endpoints().temporal, settings.temporal_namespace)
    return await action(client, await desk.resolve_case(client, reference), task)


act = typer.Typer(
    help="Every reviewer action on a case, each a Temporal Update the workflow checks first.",
    no_args_is_help=True,
)
for _action in (claim, release, decide, countersign, hold, refer, resolve, appeal):
    act.command()(_action)
act.command("waive-partner")(waive_partner)
