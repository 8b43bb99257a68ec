"""Consultation policy as data: routing rules, disclosure per audience, deadlines, registry seed."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from schemas.application import TechnologyCategory
from schemas.consultation import StakeholderKind
from schemas.screening import FindingCategory, RiskLevel
from schemas.types import CountryCode

DATA = Path(__file__).parent / "data"
ROUTING_POLICY = DATA / "routing.json"


class _Data(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Disclosure(_Data):
    """What an audience may see of a case beyond its identity, items and findings."""

    commercial_values: bool = Field(description="Quantities, prices and totals.")
    personal_data: bool = Field(description="Names of individuals, in fields and in free text.")


class Conditions(_Data):
    """When a rule applies: every stated condition holds (each one: any of its values)."""

    risk_levels: frozenset[RiskLevel] = frozenset()
    finding_categories: frozenset[FindingCategory] = frozenset()
    technology_categories: frozenset[TechnologyCategory] = frozenset()
    destinations: frozenset[CountryCode] = frozenset()
    control_codes: frozenset[str] = frozenset()


class RoutingRule(_Data):
    """Stakeholders referred, by id or by kind (narrowed to those whose expertise fits)."""

    id: str
    stakeholders: tuple[str, ...] = ()
    kinds: tuple[StakeholderKind, ...] = ()
    when: Conditions = Conditions()


class RoutingPolicy(_Data):
    """The versioned routing policy file."""

    about: str = Field(default="", alias="_about", description="What the file says of itself.")
    version: str
    source: str
    response_days: int = Field(ge=1, description="Days a stakeholder has to answer.")
    extension_days: int = Field(ge=1, description="Days the one extension adds.")
    disclosure: dict[StakeholderKind, Disclosure]
    rules: tuple[RoutingRule, ...]

    @property
    def extension(self) -> timedelta:
        """How far the one extension moves a deadline."""
        return timedelta(days=self.extension_days)

    @classmethod
    def load(cls, path: Path = ROUTING_POLICY) -> RoutingPolicy:
        """The policy in `path` (default: the shipped one)."""
        return cls.model_validate(json.loads(path.read_text()))


class Expertise(_Data):
    """What a stakeholder knows about; empty means it covers every case."""

    technology_categories: frozenset[TechnologyCategory] = frozenset()
    regions: frozenset[CountryCode] = frozenset()


class DeclaredConflict(_Data):
    """A declared conflict of interest: with a party of the case, or with a destination."""

    kind: Literal["party", "country"]
    value: str = Field(min_length=1)
    note: str = ""


class StakeholderEntry(_Data):
    """One stakeholder of the registry."""

    id: str = Field(min_length=1, max_length=80, pattern=r"^[a-z0-9][a-z0-9-]*$")
    name: str = Field(min_length=1, max_length=300)
    kind: StakeholderKind
    channel: str = Field(min_length=1)
    state: CountryCode | None = Field(default=None, description="For partner states.")
    expertise: Expertise = Expertise()
    conflicts: tuple[DeclaredConflict, ...] = ()


class StakeholderRegistry(_Data):
    """The versioned stakeholder seed file."""

    about: str = Field(default="", alias="_about", description="What the file says of itself.")
    version: str
    stakeholders: tuple[StakeholderEntry, ...]

    @classmethod
    def load(cls, path: Path = DATA / "stakeholders.json") -> StakeholderRegistry:
        """The registry seed in `path` (default: the shipped one)."""
        return cls.model_validate(json.loads(path.read_text()))
