"""Screening's schema, consumer groups, and where its policy and seed data live."""

from __future__ import annotations

from pathlib import Path

SCHEMA = "screening"
MIGRATIONS = Path(__file__).parent / "migrations"
DATA = Path(__file__).parent / "data"
CONSUMER = "caseflow-screening"
CASES_CONSUMER = "caseflow-screening-cases"
NOTICES_CONSUMER = "caseflow-screening-notices"
SEED_LIST = DATA / "entity_list_human_rights.json"
SEED_LIST_NAME = "entity-list-human-rights"
# How often a process checks PostgreSQL for list versions loaded since it built its index.
LIST_POLL_SECONDS = 5.0
