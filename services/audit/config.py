"""The audit service's schema, consumer name and the topics it records."""

from __future__ import annotations

from pathlib import Path

from schemas.topics import (
    CASES,
    CONSULTATION_RESPONSES,
    REJECTIONS,
    REVIEW_ACTIONS,
    SCREENING_RESULTS,
    SHARING_NOTICES,
    Topic,
)

SCHEMA = "audit"
MIGRATIONS = Path(__file__).parent / "migrations"
CONSUMER = "caseflow-audit"
DEFAULT_HTTP_PORT = 8330
# Every topic of events (commands and raw submissions are recorded through their outcomes).
AUDITED: tuple[Topic, ...] = (
    CASES,
    REVIEW_ACTIONS,
    REJECTIONS,
    SCREENING_RESULTS,
    CONSULTATION_RESPONSES,
    SHARING_NOTICES,
)
