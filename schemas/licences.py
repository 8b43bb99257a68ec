"""Licences after an approval: issue, shipments against them, conditions, suspension, revocation.

Every licence event travels on `caseflow.cases` keyed by the licence's case id, so a case's
events stay in order and intake forwards what the agency may see to its own topic.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum

from pydantic import Field

from schemas.application import Part
from schemas.envelope import Contract
from schemas.types import ControlCode, CountryCode, CurrencyCode, Name, PositiveAmount, Text

# Outcomes of a case that grant a licence.
APPROVING = ("approved", "approved_with_conditions")


def licence_number(control_number: str) -> str:
    """The licence number of a case: one licence per approved case, named after its case."""
    return f"LIC-{control_number}"


class LicenceStatus(StrEnum):
    """Where a licence stands (15 CFR 750.8: suspended or revoked; expired at its end date)."""

    VALID = "valid"
    UNDER_REVIEW = "under_review"
    SUSPENDED = "suspended"
    REVOKED = "revoked"
    EXPIRED = "expired"


class LicensedItem(Part):
    """One control code a licence covers, with the ceilings the approval set."""

    control_code: ControlCode
    description: str
    quantity: Decimal = Field(description="Units the licence allows in all, over its validity.")
    unit: str = "units"
    value: Decimal = Field(description="Value the licence allows in all, in `currency`.")
    currency: CurrencyCode


class ShipmentLine(Part):
    """One line of a shipment: how much of a licensed control code left, for how much."""

    control_code: ControlCode
    quantity: PositiveAmount = Field(description="Units shipped.")
    value: PositiveAmount = Field(description="Value shipped, in `currency`.")
    currency: CurrencyCode


class ReportShipment(Contract):
    """Command: an agency (or an exporter through it) reports a shipment made under a licence."""

    event_type = "ReportShipment"

    submitting_agency: str = Field(min_length=2, max_length=40)
    agency_reference: str = Field(
        min_length=1, max_length=80, description="The agency's reference of the licensed case."
    )
    licence_number: str = Field(min_length=3, max_length=40, description="e.g. `LIC-Z123456`.")
    shipment_reference: str = Field(
        min_length=1,
        max_length=80,
        description="The exporter's own reference of the shipment; a shipment reported twice "
        "under one reference is recognised.",
    )
    shipped_on: date
    consignee: Name = Field(description="Who received the shipment.")
    destination_country: CountryCode
    lines: list[ShipmentLine] = Field(min_length=1, max_length=200)
    note: Text | None = None


class ShipmentReported(Contract):
    """Event (internal): intake took in a well-formed shipment report of one of the agency's
    cases; the licence's workflow checks it."""

    event_type = "ShipmentReported"

    case_id: str
    control_number: str
    reported_at: datetime
    shipment: ReportShipment


class _AboutLicence(Contract):
    """The fields by which an agency recognises its licence."""

    licence_number: str
    case_id: str
    control_number: str
    submitting_agency: str
    agency_reference: str


class LicenceCondition(Part):
    """A condition of the licence; one with a due date is tracked, reminded and raised."""

    text: str
    kind: str = Field(description="The policy's kind, e.g. `end_use_certificate`; `other`.")
    due_at: datetime | None = Field(default=None, description="None: no due date.")
    reminded_at: datetime | None = None
    fulfilled_at: datetime | None = None
    breached: bool = False


class LicenceIssued(_AboutLicence):
    """Event: a licence was issued for an approved case."""

    event_type = "LicenceIssued"

    holder: str = Field(description="The applicant, to whom the licence is issued.")
    destination_country: str
    end_users: list[str]
    items: list[LicensedItem]
    conditions: list[LicenceCondition]
    valid_from: datetime
    valid_until: datetime
    validity_basis: str = Field(description="The policy's regime and its source.")


class ShipmentRecorded(_AboutLicence):
    """Event: a shipment was checked against the licence and recorded; what is left."""

    event_type = "ShipmentRecorded"

    shipment_reference: str
    shipped_on: date
    lines: list[ShipmentLine]
    remaining: list[LicensedItem] = Field(description="What the licence still allows.")


class ShipmentRefused(_AboutLicence):
    """Event: a reported shipment was refused; every reason is listed."""

    event_type = "ShipmentRefused"

    shipment_reference: str
    refused_at: datetime
    reasons: list[str] = Field(min_length=1)


class LicenceReviewOpened(_AboutLicence):
    """Event (internal): new information calls the licence into question; a senior officer
    suspends, revokes or confirms it (15 CFR 750.8)."""

    event_type = "LicenceReviewOpened"

    opened_at: datetime
    trigger: str = Field(description="`list_update`, `partner_notice` or `officer`.")
    information: str


class LicenceStatusChanged(_AboutLicence):
    """Event: a senior officer suspended, revoked or confirmed (reinstated) the licence, or it
    expired; with the grounds."""

    event_type = "LicenceStatusChanged"

    status: LicenceStatus
    changed_at: datetime
    grounds: str = Field(description="Why, in words the agency reads.")


class LicenceConditionDue(_AboutLicence):
    """Event: a licence condition falls due soon and is not fulfilled yet (a reminder)."""

    event_type = "LicenceConditionDue"

    condition: LicenceCondition


class LicenceConditionBreached(_AboutLicence):
    """Event: a licence condition was not fulfilled by its due date."""

    event_type = "LicenceConditionBreached"

    condition: LicenceCondition


# Licence events an agency reads on its own topic.
AGENCY_LICENCE_EVENTS: tuple[type[Contract], ...] = (
    LicenceIssued,
    ShipmentRecorded,
    ShipmentRefused,
    LicenceStatusChanged,
    LicenceConditionDue,
    LicenceConditionBreached,
)
LICENCE_EVENTS: tuple[type[Contract], ...] = (
    ShipmentReported,
    LicenceReviewOpened,
    *AGENCY_LICENCE_EVENTS,
)
