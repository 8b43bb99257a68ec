"""Screening's schema, consumer group and policy locations."""

from __future__ import annotations

from pathlib import Path

SCHEMA = "screening"
MIGRATIONS = Path(__file__).parent / "migrations"
CONSUMER = "caseflow-screening"
