"""The register's schema, consumer name and HTTP port."""

from __future__ import annotations

from pathlib import Path

from schemas.topics import CASES, CONSULTATION_RESPONSES, REVIEW_ACTIONS, SCREENING_RESULTS, Topic

SCHEMA = "register"
MIGRATIONS = Path(__file__).parent / "migrations"
CONSUMER = "caseflow-register"
DEFAULT_HTTP_PORT = 8500
# The topics whose events make up a case's record (clearances and registry changes that name
# a case arrive on them too).
REGISTERED: tuple[Topic, ...] = (CASES, REVIEW_ACTIONS, SCREENING_RESULTS, CONSULTATION_RESPONSES)
