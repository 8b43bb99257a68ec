"""The versioned screening policy: what each control code, category and rule weighs, and routes."""

from __future__ import annotations

import json
from pathlib import Path

from pydantic import BaseModel, model_validator

from schemas.screening import RiskLevel
from services.screening.config import DATA

DEFAULT_POLICY = DATA / "policy.json"


class ControlCodeRisk(BaseModel):
    """What a control code means for human rights."""

    category: str
    severity: RiskLevel
    label: str
    source: str


class ScreeningPolicy(BaseModel):
    """Versioned screening policy: control codes, technology categories, routes."""

    version: str
    sources: dict[str, str]
    control_codes: dict[str, ControlCodeRisk]
    technology_categories: dict[str, RiskLevel]
    restricted_party_severity: RiskLevel
    routes: dict[RiskLevel, list[str]]

    @model_validator(mode="after")
    def _sources_named(self) -> ScreeningPolicy:
        unknown = {code.source for code in self.control_codes.values()} - set(self.sources)
        if unknown:
            raise ValueError(f"control codes cite unknown sources: {sorted(unknown)}")
        return self

    @classmethod
    def load(cls, path: Path = DEFAULT_POLICY) -> ScreeningPolicy:
        """Read the policy file."""
        return cls.model_validate(json.loads(path.read_text()))

    def control_code_risk(self, code: str) -> ControlCodeRisk | None:
        """The most specific entry for `code` (`4E001.c` before `4E001`)."""
        parts = code.split(".")
        for length in range(len(parts), 0, -1):
            found = self.control_codes.get(".".join(parts[:length]))
            if found is not None:
                return found
        return None
