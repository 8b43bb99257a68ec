"""The licence application as an agency submits it (after form BIS-748P)."""

from __future__ import annotations

from datetime import date
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field

from schemas.envelope import Contract
from schemas.types import ControlCode, CountryCode, CurrencyCode, Name, PositiveAmount, Text


class TechnologyCategory(StrEnum):
    """Kinds of technology whose misuse can enable serious human-rights violations."""

    FACIAL_RECOGNITION = "facial_recognition"
    EMOTION_RECOGNITION = "emotion_recognition"
    BIOMETRIC_IDENTIFICATION = "biometric_identification"
    LOCATION_TRACKING = "location_tracking"
    VIDEO_SURVEILLANCE = "video_surveillance"
    INTRUSION_SOFTWARE = "intrusion_software"
    SPYWARE = "spyware"
    LAWFUL_INTERCEPTION = "lawful_interception"
    NETWORK_SURVEILLANCE = "network_surveillance"
    CRIME_CONTROL = "crime_control"
    EXECUTION_EQUIPMENT = "execution_equipment"
    CRYPTOGRAPHY = "cryptography"
    GENERAL_PURPOSE = "general_purpose"


class Part(BaseModel):
    """Base for nested parts of an application: strict, immutable."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class Address(Part):
    """A postal address; `country` is an ISO 3166-1 alpha-2 code."""

    street: Name = Field(description="Street and number.")
    city: Name
    postal_code: str | None = Field(default=None, max_length=20)
    region: str | None = Field(default=None, max_length=100)
    country: CountryCode


class PartyKind(StrEnum):
    """Whether a party is an organisation or a person (whose name is personal data)."""

    ORGANISATION = "organisation"
    INDIVIDUAL = "individual"


class Party(Part):
    """A person or organisation taking part in the transaction."""

    name: Name = Field(description="Full legal name as on the application.")
    address: Address
    kind: PartyKind = Field(
        default=PartyKind.ORGANISATION,
        description="An individual's name is personal data: civil society and academia do not "
        "see it when consulted.",
    )


class Item(Part):
    """One line of the application: what is exported, how much, for how much."""

    control_code: ControlCode
    description: Name = Field(description="Technical description of the item.")
    quantity: PositiveAmount = Field(description="Number of units.")
    unit: str = Field(default="units", max_length=20, description="Unit of quantity.")
    unit_value: PositiveAmount = Field(description="Price per unit.")
    total_value: PositiveAmount = Field(description="Total price of the line.")
    currency: CurrencyCode
    technology_categories: list[TechnologyCategory] = Field(
        default_factory=list, description="Declared technology categories of the item."
    )


class DueDiligenceAttestation(Part):
    """The exporter's human-rights due diligence, after the UN Guiding Principles."""

    performed: bool = Field(description="Whether human-rights due diligence was carried out.")
    framework: Name = Field(description="Framework followed, e.g. `UN Guiding Principles`.")
    end_user_assessed: bool = Field(description="Whether the end user's record was assessed.")
    summary: Text = Field(description="What was assessed and found.")
    risks_identified: list[str] = Field(default_factory=list)
    mitigations: list[str] = Field(default_factory=list)
    attested_by: Name = Field(description="Name and position of the person attesting.")
    attested_on: date


class SubmitApplication(Contract):
    """Command: an agency asks for a licence application to be registered."""

    event_type = "SubmitApplication"

    submitting_agency: str = Field(
        min_length=2, max_length=40, description="Registry code of the submitting agency."
    )
    agency_reference: str = Field(
        min_length=1, max_length=80, description="The agency's own reference, unique per agency."
    )
    applicant: Party
    purchaser: Party
    intermediate_consignees: list[Party] = Field(default_factory=list, max_length=20)
    ultimate_consignee: Party
    end_users: list[Party] = Field(min_length=1, max_length=20)
    end_use_statement: Text = Field(description="The specific end use, in the end user's words.")
    destination_country: CountryCode
    items: list[Item] = Field(min_length=1, max_length=200)
    due_diligence: DueDiligenceAttestation

    def parties(self) -> list[tuple[str, Party]]:
        """Every party with its role, in the order screening reports them."""
        roles: list[tuple[str, Party]] = [
            ("applicant", self.applicant),
            ("purchaser", self.purchaser),
        ]
        roles += [("intermediate_consignee", party) for party in self.intermediate_consignees]
        roles.append(("ultimate_consignee", self.ultimate_consignee))
        roles += [("end_user", party) for party in self.end_users]
        return roles

    @property
    def control_codes(self) -> list[str]:
        """Distinct control codes of the items, in order of appearance."""
        return list(dict.fromkeys(item.control_code for item in self.items))


class AmendApplication(Contract):
    """Command: an agency replaces the content of an application it submitted, before decision."""

    event_type = "AmendApplication"

    submitting_agency: str = Field(min_length=2, max_length=40)
    agency_reference: str = Field(min_length=1, max_length=80)
    reason: Text = Field(description="Why the application is amended.")
    application: SubmitApplication = Field(description="The application as it now stands.")


class WithdrawApplication(Contract):
    """Command: an agency withdraws an application it submitted, before decision."""

    event_type = "WithdrawApplication"

    submitting_agency: str = Field(min_length=2, max_length=40)
    agency_reference: str = Field(min_length=1, max_length=80)
    reason: Text = Field(description="Why the application is withdrawn.")
