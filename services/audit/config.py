"""The audit service's schema and consumer name."""

from __future__ import annotations

from pathlib import Path

SCHEMA = "audit"
MIGRATIONS = Path(__file__).parent / "migrations"
CONSUMER = "caseflow-audit"
