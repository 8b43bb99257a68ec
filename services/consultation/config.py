"""Consultation's schema, consumer group and source name."""

from __future__ import annotations

from pathlib import Path

SCHEMA = "consultation"
MIGRATIONS = Path(__file__).parent / "migrations"
CONSUMER = "caseflow-consultation"
SOURCE = "caseflow/consultation"
