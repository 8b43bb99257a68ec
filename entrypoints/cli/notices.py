"""`caseflow notices list`: denial, risk and approval-despite-denial notices this state shared
(consultation's records) and those partner states sent (screening's records). Read-only."""

from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

import asyncpg
import typer
from rich.console import Console
from rich.table import Table

from entrypoints.cli.consultation import consultation_schema, schema_connection
from services.screening.config import MIGRATIONS as SCREENING_MIGRATIONS
from services.screening.config import SCHEMA as SCREENING_SCHEMA

app = typer.Typer(help="Notices shared with and received from partner states.")
console = Console()


class Kind(StrEnum):
    """A notice's kind as the command names it."""

    DENIAL = "denial"
    RISK = "risk"
    APPROVAL_DESPITE_DENIAL = "approval-despite-denial"

    @property
    def stored(self) -> str:
        """The kind as the notice records it."""
        return self.value.replace("-", "_")


class Direction(StrEnum):
    """Shared by this state, or received from a partner."""

    SHARED = "shared"
    RECEIVED = "received"


@dataclass(frozen=True)
class NoticeRow:
    """One notice as the table shows it."""

    direction: Direction
    at: datetime
    kind: str
    issuing_state: str
    notice_id: str
    destination: str
    case_id: str
    about: str


@app.command("list")
def list_(
    kind: Kind | None = typer.Option(None, "--kind", help="Only notices of this kind."),
    direction: Direction | None = typer.Option(None, "--direction", help="Only one way."),
) -> None:
    """Notices, newest first: when, which way, kind, issuer, destination, parties or reason."""
    found = asyncio.run(_notices(kind, direction))
    table = Table("when", "direction", "kind", "issuer", "notice", "destination", "case", "about")
    for notice in found:
        table.add_row(
            f"{notice.at:%Y-%m-%d %H:%M}",
            notice.direction.value,
            notice.kind,
            notice.issuing_state,
            notice.notice_id,
            notice.destination,
            notice.case_id,
            notice.about,
        )
    console.print(table)
    console.print(f"{len(found)} notice(s)")


async def _notices(kind: Kind | None, direction: Direction | None) -> list[NoticeRow]:
    """Both ways, newest first; a notice of ours that screening kept too is shown as shared."""
    stored = None if kind is None else kind.stored
    async with consultation_schema() as connection:
        rows = await connection.fetch(
            "SELECT case_id, kind, notice, shared_at AS at FROM shared_notices"
            " WHERE $1::text IS NULL OR kind = $1",
            stored,
        )
    shared = [_row(Direction.SHARED, row["case_id"], row) for row in rows]
    async with schema_connection(SCREENING_SCHEMA, SCREENING_MIGRATIONS) as connection:
        rows = await connection.fetch(
            "SELECT kind, notice, received_at AS at FROM partner_notices"
            " WHERE $1::text IS NULL OR kind = $1",
            stored,
        )
    ours = {(notice.issuing_state, notice.notice_id) for notice in shared}
    received = [_row(Direction.RECEIVED, "", row) for row in rows]
    found = [
        *(shared if direction in (None, Direction.SHARED) else []),
        *(
            notice
            for notice in received
            if direction in (None, Direction.RECEIVED)
            and (notice.issuing_state, notice.notice_id) not in ours
        ),
    ]
    return sorted(found, key=lambda notice: notice.at, reverse=True)


def _row(direction: Direction, case_id: str, row: asyncpg.Record) -> NoticeRow:
    """The row of a stored notice (a PartnerNotice or an ApprovalDespiteDenial)."""
    notice = json.loads(row["notice"])
    parties = ", ".join(party["name"] for party in notice.get("parties", []))
    about = notice.get("reason") or notice.get("explanation") or ""
    return NoticeRow(
        direction=direction,
        at=row["at"],
        kind=str(row["kind"]),
        issuing_state=notice["issuing_state"],
        notice_id=notice["notice_id"],
        destination=notice.get("destination_country", ""),
        case_id=case_id,
        about="; ".join(part for part in (parties, about) if part),
    )
