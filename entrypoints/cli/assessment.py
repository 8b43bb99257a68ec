"""The human-rights assessment `caseflow decide` sends: from a JSON file, options, or both.

A reviewer writes the assessment once in a file (`--assessment FILE.json`, `-` for standard
input) with the fields of `HumanRightsAssessment`, or gives each part as an option; an option
given replaces the file's part. `caseflow assessment Z…` prints a file to start from, listing
the case's finding references and the stakeholders heard.
"""

from __future__ import annotations

import asyncio
import json
import sys
from pathlib import Path
from typing import NoReturn

import typer
from pydantic import ValidationError
from rich.console import Console

from caseflow.settings import Settings
from schemas.cases import HumanRightsAssessment
from workflows.case_client import case_view, resolve_case
from workflows.client import connect
from workflows.model import CaseView

console = Console()

ASSESSMENT_FILE = typer.Option(
    None,
    "--assessment",
    help="The human-rights assessment as a JSON file (`-`: standard input); "
    "`caseflow assessment CASE` prints one to start from.",
)
END_USER = typer.Option(None, "--end-user", help="Risk considered: the end user and its record.")
MISUSE = typer.Option(
    None, "--misuse", help="Risk considered: the item's potential for surveillance or repression."
)
DESTINATION = typer.Option(
    None, "--destination", help="Risk considered: the destination's human-rights situation."
)
SOURCE = typer.Option([], "--source", help="A source relied on (repeatable).")
FINDING = typer.Option(
    [], "--answers-finding", help="A screening finding answered, by its reference (repeatable)."
)
POSITION = typer.Option(
    [],
    "--answers-position",
    help="A consultation position answered, by stakeholder id (repeatable).",
)
CONCLUSION = typer.Option(None, "--conclusion", help="The conclusion of the assessment.")
MITIGATION = typer.Option(
    [],
    "--mitigation",
    help="A mitigation: one of the --condition texts, word for word (repeatable; required for "
    "an approval at high or critical risk).",
)


def read_assessment(
    path: str | None,
    *,
    end_user: str | None = None,
    misuse: str | None = None,
    destination: str | None = None,
    sources: list[str] | None = None,
    findings: list[str] | None = None,
    positions: list[str] | None = None,
    conclusion: str | None = None,
    mitigations: list[str] | None = None,
) -> HumanRightsAssessment | None:
    """The assessment from the file and the options (an option replaces the file's part); None
    when neither gives any part. A file that cannot be read ends the command with every reason."""
    parts: dict[str, object] = _read_file(path) if path else {}
    given = {
        "end_user": end_user,
        "misuse_potential": misuse,
        "destination": destination,
        "sources": sources or None,
        "findings_answered": findings or None,
        "positions_answered": positions or None,
        "conclusion": conclusion,
        "mitigations": mitigations or None,
    }
    parts |= {field: value for field, value in given.items() if value is not None}
    if not parts and not path:
        return None
    try:
        return HumanRightsAssessment.model_validate(parts)
    except ValidationError as invalid:
        _refuse(path or "the options", _reasons(invalid))


def template(reference: str) -> str:
    """A JSON assessment to fill in, naming the case's findings and the stakeholders heard."""
    view = asyncio.run(_view(reference))
    findings = view.screening.findings if view.screening is not None else []
    concluded = view.consultation.concluded if view.consultation is not None else None
    skeleton = {
        "end_user": "",
        "misuse_potential": "",
        "destination": "",
        "sources": [],
        "findings_answered": list(dict.fromkeys(f.reference for f in findings if f.reference)),
        "positions_answered": [p.stakeholder_id for p in concluded.positions] if concluded else [],
        "conclusion": "",
        "mitigations": [],
    }
    return json.dumps(skeleton, indent=2)


def assessment(reference: str = typer.Argument(..., help="Case id or control number.")) -> None:
    """Print a human-rights assessment to fill in for `caseflow decide --assessment`: every part
    empty, and the case's findings and the stakeholders heard listed as answered (keep those the
    assessment answers)."""
    print(template(reference))  # plain JSON for a file, without rich's markup


async def _view(reference: str) -> CaseView:
    client = await connect(Settings())
    return await case_view(client, await resolve_case(client, reference))


def _read_file(path: str) -> dict[str, object]:
    """The file's JSON object, or the command ends saying why it cannot be read."""
    try:
        raw = sys.stdin.read() if path == "-" else Path(path).read_text()
    except OSError as error:
        _refuse(path, [f"cannot be read: {error.strerror or error}"])
    try:
        parsed = json.loads(raw)
    except json.JSONDecodeError as error:
        _refuse(path, [f"is not JSON: {error.msg} (line {error.lineno}, column {error.colno})"])
    if not isinstance(parsed, dict):
        _refuse(path, ["must hold a JSON object with the assessment's parts"])
    return parsed


def _reasons(invalid: ValidationError) -> list[str]:
    return [
        f"{'.'.join(str(part) for part in error['loc']) or 'the assessment'}: {error['msg']}"
        for error in invalid.errors()
    ]


def _refuse(source: str, reasons: list[str]) -> NoReturn:
    console.print(f"[red]refused:[/red] the assessment ({source})", highlight=False)
    for reason in reasons:
        console.print(f"  - {reason}", highlight=False, markup=False)
    raise typer.Exit(1)
