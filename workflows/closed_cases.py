"""A closed case from the register, shown as the desk and the CLI show every case, once
Temporal no longer keeps its workflow."""

from __future__ import annotations

from datetime import datetime
from typing import TypeVar

from pydantic import JsonValue, ValidationError

from schemas.application import SubmitApplication
from schemas.cases import CaseStatus, FieldChange
from schemas.consultation import ConsultationConcluded, ConsultationOpened
from schemas.register import CaseFile, CaseLine, Data, RecordedEvent
from schemas.screening import ScreeningCompleted
from workflows.case_client import CaseListing
from workflows.model import CaseView, Consultation, DecisionRecorded, TimelineEntry
from workflows.tasks import ReviewDecision

FactT = TypeVar("FactT", ScreeningCompleted, ConsultationOpened, ConsultationConcluded)


def closed_case_view(case: CaseFile) -> CaseView:
    """The register's case file as a case view: no deadline, no open action."""
    if case.application is None:
        raise ValueError(f"the register holds no application for case {case.case_id}")
    kept = case.retention.keep_until
    where = (
        "pseudonymised past retention"
        if case.retention.pseudonymised_at
        else (f"personal data kept until {kept:%Y-%m-%d}" if kept else "open")
    )
    return CaseView(
        case_id=case.case_id,
        control_number=case.control_number,
        status=_status(case.status),
        submitting_agency=case.submitting_agency,
        agency_reference=case.agency_reference,
        destination_country=case.destination_country,
        control_codes=case.control_codes,
        application=SubmitApplication.model_validate(case.application),
        deadline_at=None,
        overdue=False,
        screening=_last(case.screenings, ScreeningCompleted),
        alert=f"From the register of record ({where}; {case.retention.source.split(':')[0]}).",
        changes=_changes(case.amendments),
        assigned_reviewer=None,
        consultation=_consultation(case),
        escalation=None,
        escalation_levels=[_level(event.data) for event in case.escalations if _decided(event)],
        referral_due_at=None,
        referral_missed=False,
        sign_off=_sign_off(case.reviewer_actions),
        hold=None,
        decided=DecisionRecorded.model_validate(case.decision) if case.decision else None,
        timeline=[
            TimelineEntry(at=line.at, status=_status(line.status), note=line.note)
            for line in case.timeline
        ],
        open_actions=[],
    )


def closed_case_summary(line: CaseLine) -> CaseListing:
    """A closed case's line in the desk's and the CLI's lists."""
    return CaseListing(
        case_id=line.case_id,
        control_number=line.control_number,
        status=line.status,
        risk_level=line.risk_level,
        agency=line.submitting_agency,
        destination=line.destination_country,
        control_codes=line.control_codes,
        assigned_reviewer=line.decided_by or "",
        deadline_at=None,
        overdue=False,
    )


def _status(value: str) -> CaseStatus:
    return CaseStatus(value) if value in set(CaseStatus) else CaseStatus.RECEIVED


def _last(found: list[Data], model: type[FactT]) -> FactT | None:
    """The latest of these facts as the model reads it; None if none (or none it reads)."""
    for data in reversed(found):
        try:
            return model.model_validate(data)
        except ValidationError:
            continue
    return None


def _sign_off(actions: list[Data]) -> ReviewDecision | None:
    """The decision as its officer signed it off (assessment included): the last `decide`
    task the case accepted, as sent."""
    for action in reversed(actions):
        task = action.get("task")
        if action.get("action") == "decide" and isinstance(task, dict):
            try:
                return ReviewDecision.model_validate(task)
            except ValidationError:
                return None
    return None


def _changes(amendments: list[Data]) -> list[FieldChange]:
    changes = amendments[-1].get("changes") if amendments else None
    if not isinstance(changes, list):
        return []
    return [FieldChange.model_validate(change) for change in changes]


def _consultation(case: CaseFile) -> Consultation | None:
    """The last consultation round, from its opening and its conclusion."""
    opened = _last(
        [e.data for e in case.consultation if e.type == "ConsultationOpened"], ConsultationOpened
    )
    if opened is None:
        return None
    concluded = _last(
        [e.data for e in case.consultation if e.type == "ConsultationConcluded"],
        ConsultationConcluded,
    )
    referred_by = next(
        (str(a.get("reviewer_id")) for a in reversed(case.reviewer_actions) if _refers(a)), ""
    )
    when = next(e.occurred_at for e in case.consultation if e.type == "ConsultationOpened")
    return Consultation(
        request_id=opened.request_id,
        referred_by=referred_by,
        requested_at=when,
        due_at=opened.due_at,
        stakeholders=opened.referred,
        concluded=concluded if concluded and concluded.request_id == opened.request_id else None,
        opened=opened,
    )


def _refers(action: Data) -> bool:
    return "refer" in str(action.get("action", ""))


def _decided(event: RecordedEvent) -> bool:
    return event.type == "CaseEscalationDecided"


def _level(data: dict[str, JsonValue]) -> str:
    decided_at = data.get("decided_at")
    on = f" on {datetime.fromisoformat(decided_at):%Y-%m-%d}" if isinstance(decided_at, str) else ""
    return (
        f"level {data.get('level')}, {data.get('committee')}: {data.get('recommendation')} "
        f"(decided by {data.get('decided_by')}{on})"
    )
