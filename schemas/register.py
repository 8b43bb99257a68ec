"""The register of record as its HTTP API answers: a case file, a closed case's line, a purge."""

from __future__ import annotations

import uuid
from datetime import datetime

from pydantic import BaseModel, Field, JsonValue

Data = dict[str, JsonValue]


class RecordedEvent(BaseModel):
    """One event of the case as the register keeps it (its data pseudonymised past retention)."""

    event_id: uuid.UUID
    topic: str
    type: str = Field(description="Event type without its version, e.g. `CaseDecided`.")
    occurred_at: datetime
    digest: str = Field(
        description="SHA-256 of the envelope as received (canonical JSON): the audit trail "
        "holds the same content, so a case file is checked against the hash chain."
    )
    data: Data


class TimelineLine(BaseModel):
    """One step of the case's history, as the events tell it."""

    at: datetime
    status: str = Field(description="Where the case stood after this step.")
    event: str
    note: str
    actor: str | None = Field(default=None, description="Who acted (verified), if anyone did.")


class Retention(BaseModel):
    """How long the case's personal data is kept, by which rule, and whether it has been."""

    keep_until: datetime | None = Field(description="None while the case is not decided.")
    source: str = Field(description="The rule the period comes from.")
    pseudonymised_at: datetime | None = None


class CaseHeading(BaseModel):
    """What names a case and says how it stands or ended."""

    case_id: str
    control_number: str
    submitting_agency: str
    agency_reference: str
    destination_country: str
    control_codes: list[str]
    risk_level: str = Field(description="From the latest screening; empty if never screened.")
    status: str
    outcome: str | None
    registered_at: datetime | None
    decided_at: datetime | None


class CaseFile(CaseHeading):
    """Everything the register holds on one case, built from its events."""

    closed: bool = Field(description="Decided (or withdrawn): the record will not change.")
    application: Data | None = Field(description="The application as registered or last amended.")
    amendments: list[Data] = Field(description="`CaseAmended`, oldest first.")
    screenings: list[Data] = Field(description="`ScreeningCompleted`, oldest first.")
    clearances: list[Data] = Field(description="Cleared screening hits recorded on the case.")
    consultation: list[RecordedEvent] = Field(description="Referrals, answers, conclusions.")
    reviewer_actions: list[Data] = Field(description="`ReviewerActed`: each with its actor.")
    escalations: list[RecordedEvent]
    appeals: list[RecordedEvent] = Field(
        default_factory=list, description="The applicant's appeal: filed, ruled, decided."
    )
    decision: Data | None = Field(description="`CaseDecided`, assessment and countersignature.")
    timeline: list[TimelineLine]
    retention: Retention
    events: list[RecordedEvent]


class CaseLine(CaseHeading):
    """A case in the register's lists and searches."""

    decided_by: str | None
    pseudonymised: bool


class PurgeChange(BaseModel):
    """What purging past retention does (or would do) to one case."""

    case_id: str
    control_number: str
    decided_at: datetime
    keep_until: datetime
    fields: list[str] = Field(description="JSON paths whose personal data is pseudonymised.")


class PurgeReport(BaseModel):
    """A purge run: the rule applied, the cut-off, and each case changed."""

    dry_run: bool
    source: str
    cutoff: datetime = Field(description="Cases decided before this are past retention.")
    cases: list[PurgeChange]


class RegisterRefusal(BaseModel):
    """Why the register answered nothing."""

    reason: str = Field(description="`unknown_case`, `invalid_query`…")
    message: str
