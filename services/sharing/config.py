"""The point of contact's schema, consumer group and exchange limits."""

from __future__ import annotations

from pathlib import Path

SCHEMA = "sharing"
SOURCE = "caseflow-sharing"
MIGRATIONS = Path(__file__).parent / "migrations"
NOTICES_CONSUMER = "caseflow-sharing-notices"


def notices_group(state: str) -> str:
    """The point of contact's consumer group: one per state, so that deployments sharing a broker
    each read every notice of their own topic rather than split it between them."""
    return f"{NOTICES_CONSUMER}.{state}"


EXCHANGE_PATH = "/exchange/v1/notices"
DEFAULT_HTTP_PORT = 8340
