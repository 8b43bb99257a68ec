"""Destination rules: the risk a destination carries, read from a register operators maintain."""

from __future__ import annotations

import pycountry
from pydantic import BaseModel, Field, model_validator

from schemas.application import SubmitApplication
from schemas.screening import Finding, FindingCategory, RiskLevel
from services.screening.config import DATA
from services.screening.policy import SourcedFile

DEFAULT_REGISTER = DATA / "destinations.json"


class Indicator(BaseModel):
    """One public indicator behind a rating: its source and what it found."""

    source: str
    finding: str


class DestinationRisk(BaseModel):
    """A destination's rating and the indicators it rests on."""

    rating: RiskLevel
    indicators: list[Indicator] = Field(min_length=1)


class DestinationRegister(SourcedFile):
    """The destination risk register: ratings by ISO country code, each sourced."""

    default_path = DEFAULT_REGISTER
    version: str
    example: bool = Field(default=False, description="True for the shipped example register.")
    finding_from: RiskLevel = Field(description="Ratings from this level on make a finding.")
    destinations: dict[str, DestinationRisk]

    @model_validator(mode="after")
    def _sources_named(self) -> DestinationRegister:
        cited = {i.source for risk in self.destinations.values() for i in risk.indicators}
        self.refuse_unknown_sources(cited, "destinations")
        return self


def destination_findings(
    application: SubmitApplication, register: DestinationRegister
) -> list[Finding]:
    """A finding when the destination's rating reaches the register's threshold."""
    country = application.destination_country
    risk = register.destinations.get(country)
    if risk is None or risk.rating.rank < register.finding_from.rank:
        return []
    cited = "; ".join(
        f"{register.sources[indicator.source]}: {indicator.finding}"
        for indicator in risk.indicators
    )
    caveat = " (shipped example register, not an official assessment)" if register.example else ""
    return [
        Finding(
            category=FindingCategory.DESTINATION,
            severity=risk.rating,
            evidence=f"destination {country} ({_country_name(country)})",
            explanation=f"rated {risk.rating.value} in destination register "
            f"{register.version}{caveat}, from: {cited}",
            reference=f"destination:{country}",
        )
    ]


def _country_name(code: str) -> str:
    country = pycountry.countries.get(alpha_2=code)
    return str(country.name) if country is not None else code
