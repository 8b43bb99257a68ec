"""The licence policy: how long a licence is valid and when its conditions fall due, with sources.

Read by the bridge before a licence's workflow starts and carried in its input: the workflow
never reads files.
"""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, model_validator

DEFAULT_LICENCE_POLICY = Path(__file__).parent / "data" / "licence_policy.json"


class ValidityRegime(BaseModel):
    """How long a licence issued under one regime is valid, and the rule that says so."""

    validity_years: int = Field(gt=0, le=10)
    source: str = Field(min_length=1)


class ConditionKind(BaseModel):
    """A kind of condition tracked with a due date, recognised by phrases in its text."""

    kind: str
    phrases: list[str] = Field(min_length=1)
    due_after: timedelta = Field(description="Due this long after the licence is issued.")


class LicencePolicy(BaseModel):
    """Validity and condition tracking of the licences this deployment issues."""

    regime: str = "us_ear"
    regimes: dict[str, ValidityRegime] = Field(
        default_factory=lambda: {
            "us_ear": ValidityRegime(validity_years=4, source="15 CFR 750.7(g)")
        }
    )
    condition_kinds: list[ConditionKind] = Field(default_factory=list)
    reminder_before: timedelta = timedelta(days=14)
    history_events_before_continue: int = Field(default=2000, ge=100)

    @model_validator(mode="after")
    def _regime_is_known(self) -> LicencePolicy:
        if self.regime not in self.regimes:
            known = ", ".join(sorted(self.regimes))
            raise ValueError(f"regime {self.regime!r} is not one of the regimes ({known})")
        return self

    @property
    def validity(self) -> ValidityRegime:
        """The regime licences are issued under."""
        return self.regimes[self.regime]


class LicencePolicyFile(LicencePolicy):
    """The policy as stored, with its version and the sources it draws on."""

    model_config = ConfigDict(extra="forbid")

    version: str
    sources: dict[str, str]

    @model_validator(mode="after")
    def _sources_cited(self) -> LicencePolicyFile:
        missing = [
            regime.source for regime in self.regimes.values() if regime.source not in self.sources
        ]
        if missing:
            raise ValueError(f"regime source(s) not among the file's sources: {missing}")
        return self

    def policy(self) -> LicencePolicy:
        """The policy a licence's workflow carries."""
        return LicencePolicy.model_validate(
            self.model_dump(include=set(LicencePolicy.model_fields))
        )


def load_licence_policy(path: Path | None = None) -> LicencePolicy:
    """Read the licence policy file (the shipped one unless another is given)."""
    stored = json.loads((path or DEFAULT_LICENCE_POLICY).read_text())
    return LicencePolicyFile.model_validate(stored).policy()
