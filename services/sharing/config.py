"""The point of contact's schema, consumer group and exchange limits."""

from __future__ import annotations

from pathlib import Path

SCHEMA = "sharing"
SOURCE = "caseflow-sharing"
MIGRATIONS = Path(__file__).parent / "migrations"
NOTICES_CONSUMER = "caseflow-sharing-notices"
EXCHANGE_PATH = "/exchange/v1/notices"
DEFAULT_HTTP_PORT = 8340
