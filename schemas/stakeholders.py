"""Changes to the stakeholder registry, told on caseflow.consultation.responses (and so kept on
the audit trail under the subject `stakeholder:ID`)."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from schemas.application import Part, TechnologyCategory
from schemas.consultation import StakeholderKind
from schemas.envelope import Contract
from schemas.types import CountryCode


class RegisteredConflict(Part):
    """A declared conflict of interest: with a case party, or with a destination."""

    kind: Literal["party", "country"]
    value: str = Field(min_length=1)
    note: str = ""


class StakeholderFact(Contract):
    """What every event about a registry change says: the entry as it now reads, and who
    changed it and why."""

    event_type = "StakeholderFact"

    stakeholder_id: str
    name: str
    kind: StakeholderKind
    channel: str
    state: CountryCode | None = Field(default=None, description="For partner states.")
    technology_categories: list[TechnologyCategory] = Field(
        description="What it knows of; with `regions` both empty it is asked about any case."
    )
    regions: list[CountryCode]
    conflicts: list[RegisteredConflict]
    changed_by: str = Field(min_length=1, description="The operator who made the change.")
    reason: str = Field(min_length=1)


class StakeholderRegistered(StakeholderFact):
    """Event: an operator added a stakeholder; routing may refer it from now on."""

    event_type = "StakeholderRegistered"


class StakeholderUpdated(StakeholderFact):
    """Event: an operator changed a stakeholder's name, channel or expertise."""

    event_type = "StakeholderUpdated"


class StakeholderConflictDeclared(StakeholderFact):
    """Event: a stakeholder declared a conflict of interest; it is never referred such a case."""

    event_type = "StakeholderConflictDeclared"


class StakeholderDisabled(StakeholderFact):
    """Event: an operator disabled a stakeholder; it is referred no case any more."""

    event_type = "StakeholderDisabled"


class StakeholderEnabled(StakeholderFact):
    """Event: an operator enabled a disabled stakeholder again; routing may refer it again."""

    event_type = "StakeholderEnabled"


class StakeholderConflictWithdrawn(StakeholderFact):
    """Event: a stakeholder's declared conflict of interest was withdrawn (`conflicts` lacks it)."""

    event_type = "StakeholderConflictWithdrawn"
