"""`caseflow partners list | add | rotate | revoke | refused | log | identity | rotate-own`: the
trust registry of partner states' keys and what the point of contact refused, through the
sharing service's API with the operator's signed token."""

from __future__ import annotations

from typing import Any

import typer
from rich.console import Console
from rich.table import Table

from entrypoints.cli.acting import call_service

app = typer.Typer(help="Partner states: their keys, notices exchanged, refusals.")
console = Console()

REASON = typer.Option(..., "--reason", help="Why (kept with the change).")
KEY = typer.Option(..., "--key", help="The partner's key as KEY_ID:PUBLIC_KEY (base64url).")


def _key(text: str) -> tuple[str, str]:
    key_id, _, public = text.partition(":")
    if not key_id or not public:
        raise typer.BadParameter("give the key as KEY_ID:PUBLIC_KEY")
    return key_id, public


def _when(value: Any) -> str:
    return str(value)[:19].replace("T", " ") if value else ""


@app.command("list")
def list_() -> None:
    """Every partner state, its point of contact and the history of its keys."""
    table = Table("state", "point of contact", "keys (newest last)", "changes")
    for partner in call_service("sharing", "GET", "/partners"):
        keys = "\n".join(
            f"{k['key_id']} [{'green' if k['status'] == 'active' else 'red'}]{k['status']}[/]"
            f" since {_when(k['added_at'])}"
            + (f", revoked {_when(k['revoked_at'])}" if k["revoked_at"] else "")
            for k in partner["keys"]
        )
        changes = "\n".join(
            f"{_when(c['changed_at'])} {c['action']} by {c['changed_by']}: {c['reason']}"
            for c in partner["changes"]
        )
        table.add_row(f"{partner['state']}\n{partner['name']}", partner["url"], keys, changes)
    console.print(table)


@app.command()
def add(
    state: str = typer.Argument(..., help="The partner's ISO 3166-1 code."),
    name: str = typer.Option(..., help="The state's name."),
    url: str = typer.Option(..., help="Its point of contact (https://…)."),
    key: str = KEY,
    reason: str = REASON,
) -> None:
    """Trust a partner state and its first signing key."""
    key_id, public = _key(key)
    body = {"state": state.upper(), "name": name, "url": url, "key_id": key_id}
    call_service("sharing", "POST", "/partners", {**body, "public_key": public, "reason": reason})
    console.print(f"{state.upper()} added as a partner, key {key_id} trusted")


@app.command()
def rotate(state: str = typer.Argument(...), key: str = KEY, reason: str = REASON) -> None:
    """Trust a partner's new key (its previous key is retired after the grace period)."""
    key_id, public = _key(key)
    body = {"key_id": key_id, "public_key": public, "reason": reason}
    call_service("sharing", "POST", f"/partners/{state.upper()}/keys", body)
    console.print(f"{state.upper()}: key {key_id} trusted, the previous one retired")


@app.command()
def revoke(
    state: str = typer.Argument(...),
    key_id: str | None = typer.Option(None, "--key-id", help="One key; unset: all of them."),
    reason: str = REASON,
) -> None:
    """Never trust a partner's key (or all its keys) again."""
    body = {"key_id": key_id, "reason": reason}
    revoked = call_service("sharing", "POST", f"/partners/{state.upper()}/revocations", body)
    console.print(f"{state.upper()}: revoked {', '.join(revoked['revoked'])}")


@app.command()
def refused(limit: int = typer.Option(50, help="How many, newest first.")) -> None:
    """Requests the point of contact refused, with their reason."""
    rows = call_service("sharing", "GET", f"/refused?limit={limit}")
    table = Table("when", "claimed sender", "key", "reason", "message", "from")
    for row in rows:
        table.add_row(
            _when(row["refused_at"]), row["claimed_from"] or "", row["key_id"] or "",
            f"[red]{row['reason']}[/red]", row["message"], row["remote"] or "",
        )  # fmt: skip
    console.print(table if rows else "nothing refused")


@app.command()
def log(limit: int = typer.Option(20, help="How many of each, newest first.")) -> None:
    """Notices received from partners and deliveries of this state's notices."""
    found = call_service("sharing", "GET", f"/exchange-log?limit={limit}")
    received = Table("received", "from", "kind", "notice", "signed with", title="received")
    for row in found["received"]:
        received.add_row(
            _when(row["received_at"]), row["issuing_state"], row["kind"], row["notice_id"],
            row["key_id"],
        )  # fmt: skip
    sent = Table("to", "notice", "kind", "status", "attempts", "last error", title="deliveries")
    for row in found["deliveries"]:
        colour = {"delivered": "green", "refused": "red"}.get(row["status"], "yellow")
        sent.add_row(
            row["partner"], row["notice_id"], row["kind"], f"[{colour}]{row['status']}[/]",
            str(row["attempts"]), (row["last_error"] or "")[:120],
        )  # fmt: skip
    console.print(received)
    console.print(sent)


@app.command()
def identity() -> None:
    """This state's code, name and current signing key: what partners record."""
    found = call_service("sharing", "GET", "/exchange/v1/identity")
    console.print(f"state: {found['state']} ({found['name']})", highlight=False)
    console.print(f"key: {found['key_id']}:{found['public_key']}", highlight=False, soft_wrap=True)


@app.command("rotate-own")
def rotate_own(reason: str = REASON) -> None:
    """A new signing key for this state; every partner is told, signed by the old key."""
    found = call_service("sharing", "POST", "/identity/rotations", {"reason": reason})
    console.print(f"signing key {found['previous_key_id']} replaced by {found['key_id']}")
