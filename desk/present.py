"""How the page shows dates, deadlines and codes: Jinja filters."""

from __future__ import annotations

from datetime import UTC, datetime

from jinja2 import Environment

ACTION_LABELS = {
    "claim": "Claim",
    "release": "Release",
    "approved": "Approve",
    "approved_with_conditions": "Approve with conditions",
    "denied": "Deny",
    "returned_without_action": "Return without action",
    "request_information": "Request information (hold)",
    "refer_for_consultation": "Refer for consultation",
    "countersign": "Countersign",
    "send_back": "Send back",
    "resolve_escalation": "Decide the escalation",
    "appeal_escalation": "Record an appeal",
}


def label(value: object) -> str:
    """`approved_with_conditions` → `approved with conditions`."""
    text = getattr(value, "value", value)
    return str(text or "").replace("_", " ")


def when(moment: datetime | None) -> str:
    """A moment in UTC, to the minute."""
    return f"{moment.astimezone(UTC):%Y-%m-%d %H:%M}" if moment else "—"


def due_in(deadline: datetime | None, now: datetime) -> str:
    """How long until the deadline, or how long past it."""
    if deadline is None:
        return "clock stopped"
    seconds = (deadline - now).total_seconds()
    days, hours = int(abs(seconds) // 86_400), int(abs(seconds) % 86_400 // 3_600)
    span = f"{days} d" if days else f"{hours} h"
    return f"in {span}" if seconds >= 0 else f"{span} overdue"


def urgency(deadline: datetime | None, now: datetime, overdue: bool = False) -> str:
    """A CSS class: overdue, due within ten days, or not pressing."""
    if deadline is None:
        return "stopped"
    if overdue or deadline <= now:
        return "overdue"
    return "soon" if (deadline - now).days < 10 else "later"


def register_filters(environment: Environment) -> None:
    """Make the filters available to every template."""
    environment.filters.update(label=label, when=when, due_in=due_in, urgency=urgency)
    environment.globals["action_label"] = ACTION_LABELS
