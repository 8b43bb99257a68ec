"""The case card: markdown the Temporal UI shows as the workflow's current details."""

from __future__ import annotations

from schemas.cases import CaseReceived, CaseStatus
from schemas.screening import ScreeningCompleted
from workflows.model import TimelineEntry


def case_card(
    case: CaseReceived,
    status: CaseStatus,
    screening: ScreeningCompleted | None,
    timeline: list[TimelineEntry],
) -> str:
    """A readable summary: parties, items, risk, findings, the latest steps."""
    application = case.application
    lines = [
        f"## Case {case.control_number} — {status.value.replace('_', ' ')}",
        f"**Agency** {application.submitting_agency} · reference `{application.agency_reference}`"
        f" · **destination** {application.destination_country}",
        "",
        "### Parties",
        *(
            f"- {role.replace('_', ' ')}: {party.name} ({party.address.country})"
            for role, party in application.parties()
        ),
        "",
        "### Items",
        *(
            f"- `{item.control_code}` {item.description} — {item.quantity} {item.unit}, "
            f"{item.total_value} {item.currency}"
            for item in application.items
        ),
        "",
        "### Screening",
    ]
    if screening is None:
        lines.append("- pending")
    else:
        lines.append(f"- **risk: {screening.risk_level.value}**")
        lines += [
            f"- {finding.severity.value}: {finding.evidence} — {finding.explanation}"
            for finding in screening.findings
        ]
    lines += ["", "### Timeline"]
    lines += [
        f"- {entry.at:%Y-%m-%d %H:%M} {entry.status.value}: {entry.note}" for entry in timeline[-6:]
    ]
    return "\n".join(lines)
