"""The versioned screening policy: what each code, category, rule and notice weighs, and routes."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from enum import StrEnum
from pathlib import Path
from typing import ClassVar, Self

from pydantic import BaseModel, Field, field_validator, model_validator

from schemas.screening import FindingCategory, NoticeKind, RiskLevel
from services.screening.config import DATA
from services.screening.matching.policy import MatchPolicy

DEFAULT_POLICY = DATA / "policy.json"


class SourcedFile(BaseModel):
    """A data file operators maintain, whose every rule cites one of its named sources."""

    default_path: ClassVar[Path]
    sources: dict[str, str]

    @classmethod
    def load(cls, path: Path | None = None) -> Self:
        """Read the file (the shipped one unless another is given)."""
        return cls.model_validate(json.loads((path or cls.default_path).read_text()))

    def refuse_unknown_sources(self, cited: set[str], what: str) -> None:
        """Fail when rules cite a source the file does not name."""
        unknown = cited - set(self.sources)
        if unknown:
            raise ValueError(f"{what} cite unknown sources: {sorted(unknown)}")


def most_severe(levels: Iterable[RiskLevel]) -> RiskLevel:
    """The highest of the levels; low when there are none."""
    return max(levels, key=lambda level: level.rank, default=RiskLevel.LOW)


class ControlCodeRisk(BaseModel):
    """What a control code means for human rights."""

    category: str
    severity: RiskLevel
    label: str
    source: str


class TextField(StrEnum):
    """The parts of an application a red-flag pattern reads."""

    END_USE_STATEMENT = "end_use_statement"
    ITEM_DESCRIPTION = "item_description"
    DUE_DILIGENCE = "due_diligence"
    END_USER_NAME = "end_user_name"


class RedFlagRule(BaseModel):
    """A red flag found in the words of an application: a pattern, its weight and why."""

    id: str
    applies_to: list[TextField] = Field(min_length=1)
    pattern: str = Field(description="Regular expression, matched case-insensitively.")
    severity: RiskLevel
    explanation: str
    source: str

    @field_validator("pattern")
    @classmethod
    def _compiles(cls, pattern: str) -> str:
        try:
            re.compile(pattern)
        except re.error as error:
            raise ValueError(f"pattern does not compile: {error}") from error
        return pattern


class OrderFact(StrEnum):
    """Facts of the order that BIS Know-Your-Customer guidance treats as red flags."""

    CONSIGNEE_OUTSIDE_DESTINATION = "consignee_outside_destination"
    THIRD_COUNTRY_INTERMEDIARY = "third_country_intermediary"
    THIN_END_USE_STATEMENT = "thin_end_use_statement"


class OrderRule(BaseModel):
    """A red flag in the facts of the order, with its weight and explanation."""

    id: OrderFact
    severity: RiskLevel
    explanation: str
    source: str
    min_words: int = Field(default=0, ge=0, description="For thin statements: fewer is thin.")


class DueDiligencePolicy(BaseModel):
    """When the exporter's human-rights due diligence is checked, and what falls short."""

    required_from: RiskLevel = Field(description="Item risk from which an attestation matters.")
    missing_severity: RiskLevel
    thin_severity: RiskLevel
    min_summary_words: int = Field(ge=0)
    source: str


class NoticeRule(BaseModel):
    """What a partner notice on an essentially identical transaction weighs and asks for."""

    severity: RiskLevel
    explanation: str
    own_state_explanation: str = Field(description="When the submitting state issued it.")
    source: str


class OverallPolicy(BaseModel):
    """How findings add up: the most severe one, raised when several kinds of concern meet."""

    weights: dict[RiskLevel, int] = Field(description="Weight of a category's worst finding.")
    thresholds: dict[RiskLevel, int] = Field(description="Summed weight that reaches a level.")

    def level(self, worst_by_category: list[RiskLevel]) -> RiskLevel:
        """The most severe finding, or the level the summed category weights reach if higher."""
        score = sum(self.weights.get(level, 0) for level in worst_by_category)
        reached = [level for level, floor in self.thresholds.items() if score >= floor]
        return most_severe([*worst_by_category, *reached])


class ScreeningPolicy(SourcedFile):
    """Versioned screening policy: codes, categories, red flags, due diligence, routes."""

    default_path = DEFAULT_POLICY
    version: str
    control_codes: dict[str, ControlCodeRisk]
    technology_categories: dict[str, RiskLevel]
    restricted_party_severity: RiskLevel
    cleared_hit_severity: RiskLevel
    partner_notices: dict[NoticeKind, NoticeRule]
    red_flags: list[RedFlagRule]
    order_rules: list[OrderRule]
    due_diligence: DueDiligencePolicy
    overall: OverallPolicy
    routes: dict[RiskLevel, list[str]]
    category_routes: dict[FindingCategory, list[str]]
    name_matching: dict[str, object] = Field(
        default_factory=dict, description="Name-matching thresholds and weights (MatchPolicy)."
    )

    def match_policy(self) -> MatchPolicy:
        """The name-matching policy this file sets; keys it leaves out keep their defaults."""
        return MatchPolicy.from_mapping(
            {key: value for key, value in self.name_matching.items() if not key.startswith("_")}
        )

    @model_validator(mode="after")
    def _sources_named(self) -> ScreeningPolicy:
        cited = {code.source for code in self.control_codes.values()}
        cited |= {rule.source for rule in self.red_flags}
        cited |= {rule.source for rule in self.order_rules}
        cited |= {rule.source for rule in self.partner_notices.values()}
        cited.add(self.due_diligence.source)
        self.refuse_unknown_sources(cited, "rules")
        return self

    def control_code_risk(self, code: str) -> ControlCodeRisk | None:
        """The most specific entry for `code` (`4E001.c` before `4E001`)."""
        parts = code.split(".")
        for length in range(len(parts), 0, -1):
            found = self.control_codes.get(".".join(parts[:length]))
            if found is not None:
                return found
        return None

    def cite(self, source: str) -> str:
        """The full citation of a source key."""
        return self.sources[source]
