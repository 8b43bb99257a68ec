"""A case file exported from the register: one JSON bundle checked against the audit trail's
hash chain, and a printable page of it (HTML, or PDF through WeasyPrint)."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, select_autoescape
from pydantic import BaseModel, Field

from schemas.register import CaseFile
from services.audit.domain import ChainBreak, ChainedRow

TEMPLATES = Path(__file__).parent / "templates"


class AuditedEvent(BaseModel):
    """A register event and the audit row that vouches for it."""

    event_id: str
    type: str
    audit_seq: int | None = Field(description="Its row in the audit trail; None if missing.")
    audit_hash: str | None
    content_matches: bool = Field(
        description="The register's digest is the SHA-256 of the audit row's content."
    )


class AuditCheck(BaseModel):
    """How the case file stands against the audit trail."""

    chain_intact: bool = Field(description="The whole trail's hash chain recomputes.")
    chain_rows: int
    chain_head: str | None = Field(description="Hash of the trail's last row when checked.")
    events: list[AuditedEvent]
    problems: list[str] = Field(description="Every mismatch found; empty when the file holds.")

    @property
    def holds(self) -> bool:
        """The chain is intact and vouches for every event of the file."""
        return self.chain_intact and not self.problems


class Bundle(BaseModel):
    """The exported case file."""

    format: str = "caseflow-register-bundle/1"
    exported_at: datetime
    case: CaseFile
    audit: AuditCheck


def check_against_trail(
    case: CaseFile,
    rows: Sequence[ChainedRow],
    chain_breaks: Sequence[ChainBreak],
    chain_rows: int,
    chain_head: str | None,
) -> AuditCheck:
    """Each register event against the audit row of the same event id: the content the
    audit chain hashes must be what the register received (its digest); unpseudonymised data
    must still equal that content's data."""
    by_id = {str(row.entry.event_id): row for row in rows}
    problems = [f"audit trail: {problem}" for problem in chain_breaks]
    checked = []
    for event in case.events:
        row = by_id.get(str(event.event_id))
        if row is None:
            problems.append(f"{event.type} {event.event_id}: not on the audit trail")
            checked.append(
                AuditedEvent(
                    event_id=str(event.event_id),
                    type=event.type,
                    audit_seq=None,
                    audit_hash=None,
                    content_matches=False,
                )
            )
            continue
        matches = hashlib.sha256(row.entry.content.encode()).hexdigest() == event.digest
        if not matches:
            problems.append(f"{event.type} {event.event_id}: differs from audit row {row.seq}")
        elif (
            case.retention.pseudonymised_at is None
            and json.loads(row.entry.content).get("data") != event.data
        ):
            problems.append(f"{event.type} {event.event_id}: data changed since received")
            matches = False
        checked.append(
            AuditedEvent(
                event_id=str(event.event_id),
                type=event.type,
                audit_seq=row.seq,
                audit_hash=row.hash,
                content_matches=matches,
            )
        )
    return AuditCheck(
        chain_intact=not chain_breaks,
        chain_rows=chain_rows,
        chain_head=chain_head,
        events=checked,
        problems=problems,
    )


def printable(bundle: Bundle) -> str:
    """The bundle as a printable HTML page."""
    environment = Environment(
        loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(["html"])
    )
    return environment.get_template("case_file.html").render(bundle=bundle, case=bundle.case)


def write_pdf(html: str, path: Path) -> None:
    """The printable page as PDF (WeasyPrint, the `pdf` extra; it needs Pango)."""
    try:
        from weasyprint import HTML
    except (ImportError, OSError) as error:
        raise RuntimeError(
            f"PDF needs WeasyPrint and Pango (pip install 'caseflow[pdf]'): {error}"
        ) from error
    HTML(string=html).write_pdf(path)
