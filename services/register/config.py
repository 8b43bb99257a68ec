"""The register's schema, consumer name and HTTP port."""

from __future__ import annotations

from pathlib import Path

from schemas.topics import (
    CASES,
    CONSULTATION_RESPONSES,
    REVIEW_ACTIONS,
    SCREENING_RESULTS,
    SHARING_NOTICES,
    Topic,
)

SCHEMA = "register"
MIGRATIONS = Path(__file__).parent / "migrations"
CONSUMER = "caseflow-register"
DEFAULT_HTTP_PORT = 8500
# The topics whose events make up a case's record (clearances and registry changes that name
# a case arrive on them too; appeals arrive on the cases topic), and the notices between states
# (they name no case: kept apart, for the annual report).
REGISTERED: tuple[Topic, ...] = (
    CASES,
    REVIEW_ACTIONS,
    SCREENING_RESULTS,
    CONSULTATION_RESPONSES,
    SHARING_NOTICES,
)
