"""`caseflow bundles publish | list | show | diff | adopt | refused`: this state's policy as
signed, versioned bundles to partner states, and partners' bundles as proposals, compared key by
key with the policy in force here and adopted in part with a reason (through the point of
contact's API, with the user's signed token)."""

from __future__ import annotations

import json
from typing import Any

import typer
from rich.console import Console
from rich.table import Table

from entrypoints.cli.acting import call_service

app = typer.Typer(help="Policy bundles between partner states: publish, review, adopt.")
console = Console()

REASON = typer.Option(..., "--reason", help="Why (kept with the decision).")
COLOURS = {"added": "green", "removed": "red", "changed": "yellow"}


def _when(value: Any) -> str:
    return str(value)[:16].replace("T", " ") if value else ""


def _value(value: Any, width: int = 70) -> str:
    if value is None:
        return "[dim]—[/dim]"
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    return text if len(text) <= width else text[: width - 1] + "…"


@app.command()
def publish(reason: str = REASON) -> None:
    """Publish the policy in force as this state's next bundle, to every partner."""
    found = call_service("sharing", "POST", "/bundles", {"reason": reason})
    console.print(
        f"bundle {found['bundle_version']} published by {found['published_by']} "
        f"({', '.join(found['parts'])}), {found['content_hash'][:19]}…; queued for every partner",
        highlight=False,
    )


@app.command("list")
def list_(limit: int = typer.Option(20, help="How many of each, newest first.")) -> None:
    """This state's bundles and partners' bundles received as proposals."""
    found = call_service("sharing", "GET", f"/bundles?limit={limit}")
    published = Table("version", "published", "by", "hash", "reason", title="published")
    for row in found["published"]:
        published.add_row(
            str(row["bundle_version"]), _when(row["published_at"]),
            f"{row['published_by']} ({row['published_role']})", row["content_hash"][7:19],
            row["reason"],
        )  # fmt: skip
    received = Table("state", "version", "received", "published by", "adoptions", "reason",
                     title="received (proposals)")  # fmt: skip
    for row in found["received"]:
        received.add_row(
            row["issuing_state"], str(row["bundle_version"]), _when(row["received_at"]),
            row["published_by"], str(row["adoptions"]) if row["adoptions"] else "[dim]none[/dim]",
            row["reason"] or "",
        )  # fmt: skip
    console.print(published)
    console.print(received)


def _shown(state: str, version: int) -> dict[str, Any]:
    found: dict[str, Any] = call_service("sharing", "GET", f"/bundles/{state.upper()}/{version}")
    return found


@app.command()
def show(state: str = typer.Argument(...), version: int = typer.Argument(...)) -> None:
    """A partner's bundle: who published it, what differs per part, its adoptions."""
    found = _shown(state, version)
    console.print(
        f"bundle {found['bundle_version']} of {found['issuing_state']}, published "
        f"{_when(found['published_at'])} by {found['published_by']} ({found['published_role']})"
        f"\nreason: {found['reason']}\nhash: {found['content_hash']}",
        highlight=False,
    )
    parts = Table("part", "added", "removed", "changed", title="differences from ours")
    for part, changes in found["differences"].items():
        count = {kind: sum(c["change"] == kind for c in changes) for kind in COLOURS}
        parts.add_row(part, *(str(count[kind]) for kind in COLOURS))
    console.print(parts)
    adoptions = Table("when", "part", "keys", "by", "reason", "version in force",
                      title="adoptions")  # fmt: skip
    for row in found["adoptions"]:
        adoptions.add_row(
            _when(row["adopted_at"]), row["part"], "\n".join(row["keys"]),
            f"{row['adopted_by']} ({row['adopted_role']})", row["reason"], row["policy_version"],
        )  # fmt: skip
    console.print(adoptions if found["adoptions"] else "not adopted from yet")


@app.command()
def diff(
    state: str = typer.Argument(...),
    version: int = typer.Argument(...),
    part: str | None = typer.Option(None, help="One part only."),
) -> None:
    """Key by key, how a partner's bundle differs from the policy in force here."""
    found = _shown(state, version)
    for name, changes in found["differences"].items():
        if part and name != part:
            continue
        table = Table("key", "change", "ours", "theirs", title=name)
        for change in changes:
            colour = COLOURS[change["change"]]
            table.add_row(
                change["key"], f"[{colour}]{change['change']}[/]",
                _value(change["ours"]), _value(change["theirs"]),
            )  # fmt: skip
        console.print(table if changes else f"{name}: the same as ours")


@app.command()
def adopt(
    state: str = typer.Argument(...),
    version: int = typer.Argument(...),
    key: list[str] = typer.Option(..., "--key", help="PART:KEY as `bundles diff` names it."),
    reason: str = REASON,
) -> None:
    """Adopt keys of a partner's bundle, in force from the owning service's next start."""
    keys: dict[str, list[str]] = {}
    for each in key:
        part, _, name = each.partition(":")
        if not part or not name:
            raise typer.BadParameter(f"give a key as PART:KEY, not {each!r}")
        keys.setdefault(part, []).append(name)
    path = f"/bundles/{state.upper()}/{version}/adoptions"
    found = call_service("sharing", "POST", path, {"keys": keys, "reason": reason})
    for part, in_force in found["adopted"].items():
        console.print(
            f"{part}: {', '.join(keys[part])} adopted by {found['adopted_by']}; version "
            f"{in_force} in force from the owning service's next start",
            highlight=False,
        )


@app.command()
def refused(limit: int = typer.Option(20, help="How many, newest first.")) -> None:
    """Bundles the point of contact refused, with their reason (they changed nothing)."""
    rows = call_service("sharing", "GET", f"/refused?kind=policy_bundle&limit={limit}")
    table = Table("when", "claimed sender", "reason", "message")
    for row in rows:
        table.add_row(
            _when(row["refused_at"]), row["claimed_from"] or "", f"[red]{row['reason']}[/red]",
            row["message"],
        )  # fmt: skip
    console.print(table if rows else "no bundle refused")
