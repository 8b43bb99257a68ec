"""Intake's policy data: the agency registry and registration thresholds."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

from pydantic import BaseModel

from services.intake.policy import IntakePolicy

DEFAULT_AGENCIES = Path(__file__).parent / "data" / "agencies.json"
DEFAULT_APPEALS = Path(__file__).parent / "data" / "appeals.json"
SCHEMA = "intake"
MIGRATIONS = Path(__file__).parent / "migrations"
CONSUMER = "caseflow-intake"


class Agency(BaseModel):
    """One agency allowed to submit applications."""

    code: str
    name: str
    country: str


class AgencyRegistry(BaseModel):
    """The versioned agency registry file."""

    version: str
    source: str
    agencies: list[Agency]


def registered_agencies(agencies_file: Path = DEFAULT_AGENCIES) -> tuple[str, ...]:
    """The codes of the agencies listed in `agencies_file`, in its order."""
    registry = AgencyRegistry.model_validate(json.loads(agencies_file.read_text()))
    return tuple(agency.code for agency in registry.agencies)


class AppealPolicyFile(BaseModel):
    """The versioned appeal policy file: the window to appeal in, and its source."""

    version: str
    window_days: int
    source: str


def load_appeal_policy(appeals_file: Path = DEFAULT_APPEALS) -> AppealPolicyFile:
    """The appeal policy in `appeals_file`."""
    return AppealPolicyFile.model_validate(json.loads(appeals_file.read_text()))


def load_policy(
    agencies_file: Path = DEFAULT_AGENCIES, appeals_file: Path = DEFAULT_APPEALS
) -> IntakePolicy:
    """Intake policy with the agencies listed in `agencies_file` and the appeal window of
    `appeals_file`."""
    appeals = load_appeal_policy(appeals_file)
    return IntakePolicy(
        known_agencies=frozenset(registered_agencies(agencies_file)),
        appeal_window=timedelta(days=appeals.window_days),
        appeal_window_source=appeals.source,
    )
