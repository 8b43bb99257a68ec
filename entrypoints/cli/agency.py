"""`caseflow submit | status | follow`: an agency submits applications, asks where its case
stands, and reads its own topic of case events."""

from __future__ import annotations

import asyncio
from pathlib import Path
from urllib.parse import urlencode

import typer
from rich.console import Console

from caseflow.settings import Settings
from entrypoints.agency_client import (
    agency_events,
    publish_submissions,
    read_submission,
    sample_messages,
)
from entrypoints.cli.acting import call_service
from schemas.intake_reads import ReferenceStanding, UnreadableSubmission

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


def status(
    agency: str = typer.Argument(..., help="The agency's registry code, e.g. DE-BAFA."),
    reference: str = typer.Argument(..., help="The agency's own reference."),
) -> None:
    """Show the case registered under an agency reference, and any refusals it drew, as intake
    answers the signed-in agency (or staff)."""
    query = urlencode({"agency": agency, "reference": reference})
    found = ReferenceStanding.model_validate(call_service("intake", "GET", f"/standing?{query}"))
    standing, refusals, unreadable = found.case, found.refusals, found.unreadable
    if standing is None and not refusals and not unreadable:
        console.print(f"no case and no refusal under {agency} {reference}")
        raise typer.Exit(1)
    _show_unreadable(agency, reference, unreadable)
    if standing is not None:
        outcome = f" ({standing.outcome})" if standing.outcome else ""
        console.print(
            f"{agency} {reference}: case {standing.control_number} is "
            f"[bold]{standing.status}{outcome}[/bold]; registered "
            f"{standing.registered_at:%Y-%m-%d %H:%M} UTC, case id {standing.case_id}",
            highlight=False,
        )
    for refusal in refusals:
        console.print(
            f"refused {refusal.rejected_at:%Y-%m-%d %H:%M} UTC: {', '.join(refusal.codes)}",
            highlight=False,
        )


def _show_unreadable(agency: str, reference: str, found: list[UnreadableSubmission]) -> None:
    """Tell the agency its submission could not be read, or that one nobody could name was not.

    Such a message was never registered nor refused: only a resend, with a supported codec
    (none, gzip, snappy, lz4, zstd) and intact, is read.
    """
    for batch in found:
        sent = f"sent {batch.sent_at:%Y-%m-%d %H:%M} UTC, " if batch.sent_at else ""
        whose = (
            f"a submission under {agency} {reference}"
            if batch.names_this_reference
            else "a submission whose sender could not be seen (it may be yours)"
        )
        console.print(
            f"[bold red]could not be read[/bold red]: {whose}, {sent}at {batch.location} "
            f"(codec {batch.codec}: {batch.reason}); it was not registered, resend it",
            highlight=False,
        )


def follow(
    agency: str = typer.Argument(..., help="The agency's registry code, e.g. DE-BAFA."),
    keep_following: bool = typer.Option(
        False, "--follow", "-f", help="Keep waiting for new events (Ctrl-C stops)."
    ),
) -> None:
    """Read the agency's own topic, caseflow.agency.AGENCY.cases: its cases' events only."""

    async def show() -> None:
        bootstrap = Settings().endpoints().kafka
        async for envelope, data in agency_events(bootstrap, agency, keep_following=keep_following):
            console.print(
                f"{envelope.time:%Y-%m-%d %H:%M:%S} {_line(envelope.type, data)}", highlight=False
            )

    try:
        asyncio.run(show())
    except LookupError as error:
        console.print(str(error))
        raise typer.Exit(1) from error
    except KeyboardInterrupt:
        pass


def _line(kind: str, data: dict[str, object]) -> str:
    """One event as the agency reads it: which case, and what happened."""
    application = data.get("application")
    reference = data.get("agency_reference") or (
        application.get("agency_reference") if isinstance(application, dict) else None
    )
    case = " ".join(str(part) for part in (data.get("control_number"), reference) if part)
    name = kind.split(".v")[0]
    if name == "SubmissionRejected":
        deficiencies = data.get("deficiencies")
        codes = (
            [d.get("code") for d in deficiencies if isinstance(d, dict)]
            if isinstance(deficiencies, list)
            else []
        )
        return f"{name} {case or '(unreadable)'}: {', '.join(str(code) for code in codes)}"
    detail = data.get("status") or data.get("outcome") or data.get("reason") or ""
    return f"{name} {case}{f': {detail}' if detail else ''}"
