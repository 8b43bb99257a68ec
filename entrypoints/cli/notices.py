"""`caseflow notices list`: denial, risk and approval-despite-denial notices this state shared
(consultation's records) and those partner states sent (screening's records), read through the
services' APIs with the user's token."""

from __future__ import annotations

from contextlib import aclosing
from enum import StrEnum

import typer
from rich.console import Console
from rich.table import Table

from caseflow.service_api import Service, ServiceClient, pages
from entrypoints.cli.acting import act_on_service
from schemas.notices import NoticeListed, NoticePage

app = typer.Typer(help="Notices shared with and received from partner states.")
console = Console()
PAGE = 500  # notices a call asks for: the listings' most


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


@app.command("list")
def list_(
    kind: Kind | None = typer.Option(None, "--kind", help="Only notices of this kind."),
    direction: Direction | None = typer.Option(None, "--direction", help="Only one way."),
) -> None:
    """Notices, newest first: when, which way, kind, issuer, destination, parties or reason."""
    found = _notices(kind, direction)
    table = Table("when", "direction", "kind", "issuer", "notice", "destination", "case", "about")
    for way, notice in found:
        table.add_row(
            f"{notice.at:%Y-%m-%d %H:%M}",
            way.value,
            notice.kind.value,
            notice.issuing_state,
            notice.notice_id,
            notice.destination_country,
            notice.case_id,
            "; ".join(part for part in (", ".join(notice.parties), notice.about) if part),
        )
    console.print(table)
    console.print(f"{len(found)} notice(s)")


def _notices(
    kind: Kind | None, direction: Direction | None
) -> list[tuple[Direction, NoticeListed]]:
    """Both ways, newest first; a notice of ours that screening kept too is shown as shared."""
    wanted = {} if kind is None else {"kind": kind.stored}
    shared = _listed("consultation", "/shared-notices", wanted)
    ours = {(notice.issuing_state, notice.notice_id) for notice in shared}
    received = (
        [
            notice
            for notice in _listed("screening", "/partner-notices", wanted)
            if (notice.issuing_state, notice.notice_id) not in ours
        ]
        if direction in (None, Direction.RECEIVED)
        else []
    )
    found = [
        *((Direction.SHARED, notice) for notice in shared if direction != Direction.RECEIVED),
        *((Direction.RECEIVED, notice) for notice in received),
    ]
    return sorted(found, key=lambda way_notice: way_notice[1].at, reverse=True)


def _listed(service: Service, path: str, wanted: dict[str, str]) -> list[NoticeListed]:
    """Every notice the listing holds, page after page."""
    return list(act_on_service(service, lambda client, token: _every(client, token, path, wanted)))


async def _every(
    client: ServiceClient, token: str, path: str, wanted: dict[str, str]
) -> list[NoticeListed]:
    """Every notice of the listing at `path`, in the order its pages give them."""
    query: dict[str, str | int] = {**wanted, "limit": PAGE}
    async with aclosing(pages(client, token, path, query, NoticePage)) as listing:
        return [notice async for page in listing for notice in page.notices]
