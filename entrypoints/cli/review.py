"""`caseflow claim | release | decide | countersign | hold | refer | resolve | appeal |
waive-partner`: reviewer tasks.

Each is a Temporal Update: the workflow refuses an invalid task before it enters the history and
says every reason. Who acts is proven by the token of `caseflow login` (or CASEFLOW_TOKEN): the
workflow verifies it and takes the reviewer and role from it. Each command's name and help come
from its action in workflows/case_client.py.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any, TypeVar

import typer
from rich.console import Console

from caseflow.settings import Settings
from entrypoints.cli import assessment as hr
from entrypoints.cli.session import NotSignedIn, actor_token
from schemas.cases import DecisionOutcome, DenialGround
from workflows import case_client
from workflows.case_client import ReviewerAction
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
    ReviewerTask,
    SignedTask,
)

console = Console()
TaskT = TypeVar("TaskT", bound=SignedTask)
Command = TypeVar("Command", bound=Callable[..., None])

CASE = typer.Argument(..., help="Case id or control number.")

act = typer.Typer(
    help="Every reviewer action on a case, each a Temporal Update the workflow checks first.",
    no_args_is_help=True,
)


def command(action: ReviewerAction[Any]) -> Callable[[Command], Command]:
    """Make the function `caseflow act <action>`, documented by the action's help."""

    def register(function: Command) -> Command:
        # Typer reads a command's help from its docstring, here and for `caseflow <action>`.
        function.__doc__ = action.help
        act.command(action.name)(function)
        return function

    return register


@command(case_client.claim)
def claim(reference: str = CASE) -> None:
    _run(case_client.claim, reference, ReviewerTask())


@command(case_client.release)
def release(reference: str = CASE) -> None:
    _run(case_client.release, reference, ReviewerTask())


@command(case_client.decide)
def decide(
    reference: str = CASE,
    outcome: DecisionOutcome = typer.Option(..., help="The decision."),
    rationale: str = typer.Option(..., help="Why."),
    condition: list[str] = typer.Option([], help="A licence condition (repeatable)."),
    ground: list[str] = typer.Option([], help="A ground for denial (repeatable)."),
    human_rights_ground: list[str] = typer.Option(
        [], "--hr-ground", help="A human-rights ground for denial (repeatable)."
    ),
    assessment: str | None = hr.ASSESSMENT_FILE,
    end_user: str | None = hr.END_USER,
    misuse: str | None = hr.MISUSE,
    destination: str | None = hr.DESTINATION,
    source: list[str] = hr.SOURCE,
    answers_finding: list[str] = hr.FINDING,
    answers_position: list[str] = hr.POSITION,
    conclusion: str | None = hr.CONCLUSION,
    mitigation: list[str] = hr.MITIGATION,
) -> None:
    assessed = hr.read_assessment(
        assessment,
        end_user=end_user,
        misuse=misuse,
        destination=destination,
        sources=source,
        findings=answers_finding,
        positions=answers_position,
        conclusion=conclusion,
        mitigations=mitigation,
    )
    decision = ReviewDecision(
        outcome=outcome,
        rationale=rationale,
        conditions=condition,
        grounds=[DenialGround(text=text, human_rights=True) for text in human_rights_ground]
        + [DenialGround(text=text) for text in ground],
        assessment=assessed,
    )
    _run(case_client.decide, reference, decision)


@command(case_client.countersign)
def countersign(
    reference: str = CASE,
    send_back: bool = typer.Option(False, "--send-back", help="Disagree: back to review."),
    note: str = typer.Option("", help="Why (required when sending back)."),
) -> None:
    signature = Countersignature(agree=not send_back, note=note)
    _run(case_client.countersign, reference, signature)


@command(case_client.request_information)
def hold(
    reference: str = CASE,
    question: list[str] = typer.Option([], help="A question for the agency (repeatable)."),
) -> None:
    request = InformationRequest(questions=question)
    _run(case_client.request_information, reference, request)


@command(case_client.refer_for_consultation)
def refer(
    reference: str = CASE,
    stakeholder: list[str] = typer.Option(
        [], help="A stakeholder id to consult (repeatable; none: the routing policy proposes)."
    ),
    note: str = typer.Option("", help="For the record."),
) -> None:
    referral = ConsultationReferral(stakeholders=stakeholder, note=note)
    _run(case_client.refer_for_consultation, reference, referral)


@command(case_client.resolve_escalation)
def resolve(
    reference: str = CASE,
    recommendation: str = typer.Option(..., help="What the committee recommends, e.g. deny."),
    rationale: str = typer.Option(..., help="Why."),
) -> None:
    resolution = EscalationResolution(
        recommendation=recommendation,
        rationale=rationale,
    )
    _run(case_client.resolve_escalation, reference, resolution)


@command(case_client.appeal_escalation)
def appeal(
    reference: str = CASE,
    on_behalf_of: str = typer.Option(..., help="Stakeholder id of the agency that appeals."),
    grounds: str = typer.Option(..., help="Why the agency disagrees with the decision."),
) -> None:
    task = EscalationAppeal(on_behalf_of=on_behalf_of, grounds=grounds)
    _run(case_client.appeal_escalation, reference, task)


@command(case_client.record_partner_waiver)
def waive_partner(
    reference: str = CASE,
    state: list[str] = typer.Option(..., help="A partner state's ISO code (repeatable)."),
    reason: str = typer.Option(..., help="Why it cannot be consulted."),
) -> None:
    waiver = PartnerWaiverRequest(states=state, reason=reason)
    _run(case_client.record_partner_waiver, reference, waiver)


def _run(action: ReviewerAction[TaskT], reference: str, task: TaskT) -> None:
    """Send the task with the actor's token; print where the case stands, or every reason it
    was refused."""
    settings = Settings()
    try:
        signed = task.model_copy(update={"token": actor_token(settings)})
        recorded = asyncio.run(_act(settings, action, reference, signed))
    except NotSignedIn as refusal:
        console.print(f"[red]refused:[/red] {refusal}", highlight=False)
        raise typer.Exit(1) from refusal
    except case_client.ActionRefused as refusal:
        console.print(f"[red]refused:[/red] {refusal}", highlight=False)
        raise typer.Exit(1) from refusal
    outcome = f" — [bold]{recorded.outcome.value}[/bold]" if recorded.outcome else ""
    console.print(
        f"case {recorded.control_number}: [bold]{recorded.status.value}[/bold]{outcome} "
        f"({recorded.note})",
        highlight=False,
    )


async def _act(
    settings: Settings, action: ReviewerAction[TaskT], reference: str, task: TaskT
) -> ActionRecorded:
    client = await connect(settings, token=task.token)
    return await action(client, await case_client.resolve_case(client, reference), task)
