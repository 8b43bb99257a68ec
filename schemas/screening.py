"""Screening requests and results: the risk a case carries, each finding explained."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from pydantic import Field

from schemas.application import SubmitApplication, TechnologyCategory
from schemas.envelope import Contract
from schemas.types import CountryCode


class RiskLevel(StrEnum):
    """Overall or per-finding risk, in increasing order."""

    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"
    CRITICAL = "critical"

    @property
    def rank(self) -> int:
        """Position in the order low < medium < high < critical."""
        return list(RiskLevel).index(self)


class FindingCategory(StrEnum):
    """What a finding is about."""

    RESTRICTED_PARTY = "restricted_party"
    ITEM = "item"
    DESTINATION = "destination"
    END_USE = "end_use"
    DUE_DILIGENCE = "due_diligence"
    PARTNER_NOTICE = "partner_notice"


class Finding(Contract):
    """One reason for concern, with the evidence and a readable explanation."""

    event_type = "Finding"

    category: FindingCategory
    severity: RiskLevel
    evidence: str = Field(description="What in the application triggered it.")
    explanation: str = Field(description="Why it matters, in words a reviewer reads.")
    reference: str | None = Field(
        default=None,
        description="What raised it: the list entry (`<list entry id>`), the policy rule id "
        "or the partner notice id; a reviewer names it to clear a false-positive hit.",
    )


class NoticeKind(StrEnum):
    """What a partner state tells: it denied a licence, or it sees a risk."""

    DENIAL = "denial"
    RISK = "risk"


class PartnerConsultation(Contract):
    """A partner state to consult before approval, because its notice matched the case."""

    event_type = "PartnerConsultation"

    state: CountryCode = Field(description="The state that issued the notice.")
    kind: NoticeKind
    notice_id: str
    contact: str | None = Field(default=None, description="Whom to consult at that state.")


class ScreeningRequested(Contract):
    """Command: screen this case (sent again if no answer arrives in time)."""

    event_type = "ScreeningRequested"

    request_id: str = Field(description="Id of this request; the result carries it back.")
    case_id: str
    reason: str = Field(default="registration", description="Why screening is requested.")
    application: SubmitApplication


class ScreeningCompleted(Contract):
    """Event: the result of screening one request."""

    event_type = "ScreeningCompleted"

    request_id: str = Field(
        description="The request answered, or `<case>/rescreen/<list version>` (a list "
        "update), or `<case>/rescreen/notice/<issuing state>/<notice id>` (a partner's notice)."
    )
    case_id: str
    reason: str = Field(
        default="requested",
        description="`requested`, or why screening ran unasked (e.g. `list_update: …`).",
    )
    risk_level: RiskLevel
    findings: list[Finding] = Field(default_factory=list)
    recommended_route: list[str] = Field(
        default_factory=list, description="Stakeholders to consult, human-readable."
    )
    partner_consultations: list[PartnerConsultation] = Field(
        default_factory=list,
        description="Partner states whose denial or risk notice of an essentially identical "
        "transaction matched: consult them before approval (also named in the route).",
    )
    policy_version: str
    list_version: str
    screened_at: datetime


class ListUpdated(Contract):
    """Event: a restricted-party list was loaded as a new version (subject `list:<name>`)."""

    event_type = "ListUpdated"

    list_name: str = Field(description="The list as named when loaded (`--source`).")
    number: int = Field(ge=1, description="The list's version number after this load (1, 2, …).")
    list_version: str = Field(description="`<list name>@<version>`, as results record it.")
    loaded_from: str = Field(description="The file or origin the version was read from.")
    entries: int = Field(ge=0, description="Entries in the list after this load.")
    added: int = Field(ge=0)
    changed: int = Field(ge=0)
    removed: int = Field(ge=0)
    loaded_at: datetime


class NoticeParty(Contract):
    """A party named in a partner notice."""

    event_type = "NoticeParty"

    role: str = Field(description="`end_user` or `ultimate_consignee` (or another role).")
    name: str = Field(min_length=1, max_length=300)
    country: CountryCode | None = None


class PartnerNotice(Contract):
    """Event: a partner state's denial or risk notice (on `caseflow.sharing.notices`)."""

    event_type = "PartnerNotice"

    notice_id: str = Field(min_length=1, max_length=120, description="The issuer's notice id.")
    kind: NoticeKind
    issuing_state: CountryCode = Field(description="The state that denied or warns.")
    issued_on: date
    parties: list[NoticeParty] = Field(min_length=1, description="End users and consignees.")
    technology_categories: list[TechnologyCategory] = Field(min_length=1)
    control_codes: list[str] = Field(default_factory=list)
    destination_country: CountryCode
    reason: str = Field(min_length=1, max_length=4000, description="Grounds given by the issuer.")
    contact: str | None = Field(default=None, description="Whom to consult at the issuer.")


class HitCleared(Contract):
    """Event: a reviewer cleared a false-positive hit; later screenings of this party report the
    entry as cleared. Told on caseflow.screening.results, so the audit trail keeps it."""

    event_type = "HitCleared"

    party_name: str = Field(description="The party's name as the reviewer gave it.")
    country: CountryCode
    entry_id: str = Field(description="The list entry the hit named.")
    reason: str = Field(min_length=1, description="Why the party is not the listed entry.")
    cleared_by: str = Field(min_length=1, description="The reviewer, from the signed token.")
    cleared_by_role: str = Field(description="The reviewer's role, from the signed token.")
    cleared_at: datetime
    case_id: str | None = Field(
        default=None, description="The case the hit was found in, when cleared from a case."
    )
