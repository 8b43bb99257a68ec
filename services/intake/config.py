"""Intake's policy data: the agency registry and registration thresholds."""

from __future__ import annotations

import json
from pathlib import Path

from pydantic import BaseModel

from services.intake.policy import IntakePolicy

DEFAULT_AGENCIES = Path(__file__).parent / "data" / "agencies.json"
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


def load_policy(agencies_file: Path = DEFAULT_AGENCIES) -> IntakePolicy:
    """Intake policy with the agencies listed in `agencies_file`."""
    return IntakePolicy(known_agencies=frozenset(registered_agencies(agencies_file)))
