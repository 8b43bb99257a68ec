"""A case's record, built from its events alone: pure functions, no I/O."""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from pydantic import JsonValue

from schemas.envelope import canonical_json  # the audit trail hashes this same form
from schemas.register import CaseFile, CaseLine, Data, RecordedEvent, Retention, TimelineLine
from schemas.topics import CONSULTATION_RESPONSES, SHARING_NOTICES

ESCALATION_EVENTS = frozenset(
    {
        "CaseEscalationApproaching",
        "CaseEscalationOverdue",
        "CaseEscalationDecided",
        "CaseEscalationAppealed",
    }
)

APPEAL_EVENTS = frozenset({"AppealFiled", "AppealRuled", "AppealSentBack", "AppealDecided"})


class NotACaseEvent(ValueError):
    """An event that names no case (a list update, a registry change): nothing to record."""


def type_name(envelope_type: str) -> str:
    """`CaseDecided.v1` → `CaseDecided`."""
    return envelope_type.rsplit(".v", 1)[0]


def digest_of(envelope: Mapping[str, object]) -> str:
    """SHA-256 of the envelope's canonical JSON: the content the audit trail chains."""
    return hashlib.sha256(canonical_json(envelope).encode()).hexdigest()


def recorded(envelope: Mapping[str, JsonValue], topic: str) -> RecordedEvent:
    """The register's entry for an envelope (header fields checked by the caller)."""
    data = envelope.get("data")
    case_id = data.get("case_id") if isinstance(data, dict) else None
    if not isinstance(data, dict) or not isinstance(case_id, str) or not case_id:
        raise NotACaseEvent(f"{envelope.get('type')} names no case")
    return RecordedEvent(
        event_id=uuid.UUID(str(envelope["id"])),
        topic=topic,
        type=type_name(str(envelope["type"])),
        occurred_at=datetime.fromisoformat(str(envelope["time"])),
        digest=digest_of(envelope),
        data=data,
    )


# The service that shares this state's notices; any other source is a partner state's.
SHARING_SOURCE = "caseflow/consultation"
NOTICE_TYPES = frozenset({"PartnerNotice", "ApprovalDespiteDenial"})


@dataclass(frozen=True)
class KeptNotice:
    """A notice between states as the register keeps it (the annual report counts them)."""

    event_id: uuid.UUID
    notice_type: str
    kind: str
    direction: str
    issuing_state: str
    occurred_at: datetime


def notice_of(envelope: Mapping[str, object], topic: str) -> KeptNotice | None:
    """The notice an envelope on the sharing topic carries; None for anything else."""
    data = envelope.get("data")
    kind = type_name(str(envelope.get("type")))
    if topic != SHARING_NOTICES.name or kind not in NOTICE_TYPES or not isinstance(data, dict):
        return None
    return KeptNotice(
        event_id=uuid.UUID(str(envelope["id"])),
        notice_type=kind,
        kind=_text(data, "kind"),
        direction="shared" if envelope.get("source") == SHARING_SOURCE else "received",
        issuing_state=_text(data, "issuing_state"),
        occurred_at=datetime.fromisoformat(str(envelope["time"])),
    )


def _text(data: Data, key: str) -> str:
    value = data.get(key)
    return value if isinstance(value, str) else ""


def _texts(data: Data, key: str) -> list[str]:
    value = data.get(key)
    return [item for item in value if isinstance(item, str)] if isinstance(value, list) else []


def _of_type(events: Sequence[RecordedEvent], *names: str) -> list[RecordedEvent]:
    return [event for event in events if event.type in names]


def in_order(events: Sequence[RecordedEvent]) -> list[RecordedEvent]:
    """Events by when they happened (stable: ties keep the order they were received in)."""
    return sorted(events, key=lambda event: event.occurred_at)


def summarise(
    case_id: str, events: Sequence[RecordedEvent], pseudonymised: bool = False
) -> CaseLine:
    """The case's line in lists: who submitted it, where it goes, how it stands or ended."""
    ordered = in_order(events)
    received = _of_type(ordered, "CaseReceived")
    applications = [e.data.get("application") for e in _of_type(ordered, *APPLICATIONS)]
    application = next((a for a in reversed(applications) if isinstance(a, dict)), {})
    screenings = _of_type(ordered, "ScreeningCompleted")
    decided = _of_type(ordered, "CaseDecided")
    decision = decided[-1].data if decided else None
    items = application.get("items")
    codes = (
        [i.get("control_code") for i in items if isinstance(i, dict)]
        if isinstance(items, list)
        else []
    )
    first = received[0].data if received else (ordered[0].data if ordered else {})
    return CaseLine(
        case_id=case_id,
        control_number=_text(first, "control_number")
        or next(
            (_text(e.data, "control_number") for e in ordered if e.data.get("control_number")), ""
        ),
        submitting_agency=_text(application, "submitting_agency"),
        agency_reference=_text(application, "agency_reference"),
        destination_country=_text(application, "destination_country"),
        control_codes=list(dict.fromkeys(code for code in codes if isinstance(code, str))),
        risk_level=_text(screenings[-1].data, "risk_level") if screenings else "",
        status=_status(ordered),
        outcome=_text(decision, "outcome") or None if decision else None,
        registered_at=received[0].occurred_at if received else None,
        decided_at=datetime.fromisoformat(_text(decision, "decided_at")) if decision else None,
        decided_by=_text(decision, "decided_by") or None if decision else None,
        pseudonymised=pseudonymised,
    )


APPLICATIONS = ("CaseReceived", "CaseAmended")


@dataclass(frozen=True)
class ReportFacts:
    """What the annual report counts of a case beyond its line."""

    case_id: str
    technologies: list[str]
    human_rights_grounds: list[str]
    deadline_breached: bool


@dataclass(frozen=True)
class ConsultationFacts:
    """A concluded consultation as the annual report counts it: when, dissent, each position."""

    event_id: uuid.UUID
    case_id: str
    concluded_at: datetime
    dissent: bool
    stakeholder_kinds: list[str]
    positions: list[str]
    deemed: list[bool]


def consultation_facts(event: RecordedEvent) -> ConsultationFacts | None:
    """The consultation a `ConsultationConcluded` event reports; None for any other event."""
    if event.type != "ConsultationConcluded":
        return None
    positions = event.data.get("positions")
    told = [p for p in (positions if isinstance(positions, list) else []) if isinstance(p, dict)]
    return ConsultationFacts(
        event_id=event.event_id,
        case_id=_text(event.data, "case_id"),
        concluded_at=event.occurred_at,
        dissent=event.data.get("dissent") is True,
        stakeholder_kinds=[_text(p, "stakeholder_kind") for p in told],
        positions=[_text(p, "position") for p in told],
        deemed=[p.get("deemed_no_objection") is True for p in told],
    )


def report_facts(case_id: str, events: Sequence[RecordedEvent]) -> ReportFacts:
    """The declared technologies of the application as it last stood, the human-rights grounds
    of the last decision, and whether the decision deadline was ever breached."""
    ordered = in_order(events)
    applications = [e.data.get("application") for e in _of_type(ordered, *APPLICATIONS)]
    application = next((a for a in reversed(applications) if isinstance(a, dict)), {})
    items = application.get("items")
    technologies = [
        tech
        for item in (items if isinstance(items, list) else [])
        if isinstance(item, dict)
        for tech in _texts(item, "technology_categories")
    ]
    decided = _of_type(ordered, "CaseDecided")
    grounds = decided[-1].data.get("grounds") if decided else None
    human_rights = [
        ground.get("text")
        for ground in (grounds if isinstance(grounds, list) else [])
        if isinstance(ground, dict) and ground.get("human_rights") is True
    ]
    return ReportFacts(
        case_id=case_id,
        technologies=sorted(set(technologies)),
        human_rights_grounds=sorted({text for text in human_rights if isinstance(text, str)}),
        deadline_breached=any(e.type == "CaseDeadlineBreached" for e in ordered),
    )


def _status(ordered: Sequence[RecordedEvent]) -> str:
    """Where the case stands after its last event that says so."""
    status = ""
    for event in ordered:
        status = _status_after(event) or status
    return status


def _status_after(event: RecordedEvent) -> str:
    if event.type == "CaseReceived":
        return "received"
    if event.type in ("CaseDecided", "AppealDecided"):
        return "decided"
    if event.type == "AppealFiled":
        return "appealed"
    if event.type in ("CaseStatusChanged", "ReviewerActed"):
        return _text(event.data, "status")
    return ""


def build_case_file(
    case_id: str, events: Sequence[RecordedEvent], retention: Retention
) -> CaseFile:
    """The case file: summary, application, each kind of fact, and the timeline."""
    ordered = in_order(events)
    line = summarise(case_id, ordered)
    applications = [e.data.get("application") for e in _of_type(ordered, *APPLICATIONS)]
    application = next((a for a in reversed(applications) if isinstance(a, dict)), None)
    decided = _of_type(ordered, "CaseDecided")
    return CaseFile(
        **line.model_dump(exclude={"decided_by", "pseudonymised"}),
        closed=bool(decided),
        application=application,
        amendments=[e.data for e in _of_type(ordered, "CaseAmended")],
        screenings=[e.data for e in _of_type(ordered, "ScreeningCompleted")],
        clearances=[e.data for e in ordered if "Clear" in e.type],
        consultation=[e for e in ordered if e.topic == CONSULTATION_RESPONSES.name],
        reviewer_actions=[e.data for e in _of_type(ordered, "ReviewerActed")],
        escalations=[e for e in ordered if e.type in ESCALATION_EVENTS],
        appeals=[e for e in ordered if e.type in APPEAL_EVENTS],
        decision=decided[-1].data if decided else None,
        timeline=timeline(ordered),
        retention=retention,
        events=list(ordered),
    )


def timeline(ordered: Sequence[RecordedEvent]) -> list[TimelineLine]:
    """One line per event, in order, with the status the case stood in after it."""
    lines, status = [], ""
    for event in ordered:
        status = _status_after(event) or status
        note, actor = _told(event)
        lines.append(
            TimelineLine(
                at=event.occurred_at, status=status, event=event.type, note=note, actor=actor
            )
        )
    return lines


def _told(event: RecordedEvent) -> tuple[str, str | None]:
    """What the event says, in a line a reader follows, and who acted."""
    telling = TELLINGS.get(event.type)
    if telling is not None:
        return telling(event.data)
    return event.type, None


def _decided(data: Data) -> tuple[str, str | None]:
    countersigned = _text(data, "countersigned_by")
    by = _text(data, "decided_by")
    note = f"decided: {_text(data, 'outcome')} by {by}"
    return note + (f", countersigned by {countersigned}" if countersigned else ""), by or None


def _acted(data: Data) -> tuple[str, str | None]:
    by = _text(data, "reviewer_id")
    return f"{_text(data, 'action')} by {by} ({_text(data, 'reviewer_role')})", by or None


def _screened(data: Data) -> tuple[str, str | None]:
    findings = data.get("findings")
    count = len(findings) if isinstance(findings, list) else 0
    return f"screened: {_text(data, 'risk_level')} risk, {count} finding(s)", None


def _received(data: Data) -> tuple[str, str | None]:
    application = data.get("application")
    agency = _text(application, "submitting_agency") if isinstance(application, dict) else ""
    return f"registered as {_text(data, 'control_number')} for {agency}", None


def _answered(data: Data) -> tuple[str, str | None]:
    return f"{_text(data, 'stakeholder_id')} answered: {_text(data, 'position')}", None


def _concluded(data: Data) -> tuple[str, str | None]:
    dissent = _text(data, "dissent_summary") if data.get("dissent") else "no dissent"
    return f"consultation concluded: {dissent}", None


def _opened(data: Data) -> tuple[str, str | None]:
    return f"consultation opened: referred {', '.join(_texts(data, 'referred')) or 'nobody'}", None


def _escalation_decided(data: Data) -> tuple[str, str | None]:
    by = _text(data, "decided_by")
    return f"{_text(data, 'committee')} decided: {_text(data, 'recommendation')}", by or None


def _shipment_refused(data: Data) -> tuple[str, str | None]:
    reasons = "; ".join(_texts(data, "reasons"))
    return f"shipment {_text(data, 'shipment_reference')} refused: {reasons}", None


def _licence_status(data: Data) -> tuple[str, str | None]:
    return f"licence {_text(data, 'status')}: {_text(data, 'grounds')}", None


def _condition(said: str) -> Callable[[Data], tuple[str, str | None]]:
    def telling(data: Data) -> tuple[str, str | None]:
        condition = data.get("condition")
        text = _text(condition, "text") if isinstance(condition, dict) else ""
        return f"licence condition {said}: {text}", None

    return telling


# Licences (workflows/licence.py): issue, shipments, review, suspension, revocation, conditions.
LICENCE_TELLINGS: dict[str, Callable[[Data], tuple[str, str | None]]] = {
    "LicenceIssued": lambda d: (
        f"licence {_text(d, 'licence_number')} issued, valid until {_text(d, 'valid_until')[:10]}",
        None,
    ),
    "ShipmentReported": lambda d: ("shipment reported", None),
    "ShipmentRecorded": lambda d: (f"shipment {_text(d, 'shipment_reference')} recorded", None),
    "ShipmentRefused": _shipment_refused,
    "LicenceReviewOpened": lambda d: (
        f"licence under review ({_text(d, 'trigger')}): {_text(d, 'information')}",
        None,
    ),
    "LicenceStatusChanged": _licence_status,
    "LicenceConditionDue": _condition("due"),
    "LicenceConditionBreached": _condition("breached"),
}


def _appeal_filed(data: Data) -> tuple[str, str | None]:
    return (
        f"appeal filed by {_text(data, 'submitting_agency')} against the "
        f"{_text(data, 'appealed_outcome').replace('_', ' ')}: {_text(data, 'grounds')}",
        None,
    )


def _appeal_ruled(data: Data) -> tuple[str, str | None]:
    by = _text(data, "ruled_by")
    return f"appeal ruled {_text(data, 'result')} by {by}, awaiting countersignature", by or None


def _appeal_decided(data: Data) -> tuple[str, str | None]:
    by = _text(data, "decided_by")
    return (
        f"appeal {_text(data, 'result')} by {by}, countersigned by "
        f"{_text(data, 'countersigned_by')}",
        by or None,
    )


TELLINGS: dict[str, Callable[[Data], tuple[str, str | None]]] = {
    **LICENCE_TELLINGS,
    "CaseReceived": _received,
    "CaseAmended": lambda d: (f"amended: {_text(d, 'reason')}", None),
    "CaseWithdrawn": lambda d: (f"withdrawn by the agency: {_text(d, 'reason')}", None),
    "CaseStatusChanged": lambda d: (f"status: {_text(d, 'status')}", None),
    "ScreeningCompleted": _screened,
    "ReviewerActed": _acted,
    "CaseDecided": _decided,
    "ConsultationOpened": _opened,
    "ReferralOpened": lambda d: (f"referred to {_text(d, 'stakeholder_name')}", None),
    "ReferralResponseRecorded": _answered,
    "ConsultationConcluded": _concluded,
    "CaseEscalationDecided": _escalation_decided,
    "CaseDeadlineApproaching": lambda d: ("decision deadline approaching", None),
    "CaseDeadlineBreached": lambda d: ("decision deadline breached", None),
    "AppealFiled": _appeal_filed,
    "AppealRuled": _appeal_ruled,
    "AppealSentBack": lambda d: (
        f"appeal ruling sent back by {_text(d, 'sent_back_by')}: {_text(d, 'note')}",
        _text(d, "sent_back_by") or None,
    ),
    "AppealDecided": _appeal_decided,
}
