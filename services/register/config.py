"""The register's schema, consumer name and HTTP port."""

from __future__ import annotations

from pathlib import Path

SCHEMA = "register"
MIGRATIONS = Path(__file__).parent / "migrations"
CONSUMER = "caseflow-register"
DEFAULT_HTTP_PORT = 8500
