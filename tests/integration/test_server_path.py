"""The integration tiers run on containers when a Docker engine answers (tests/containers.py)."""

from __future__ import annotations

import pytest

from caseflow.settings import Endpoints
from tests.containers import ServerPath, docker_engine_answers

pytestmark = pytest.mark.integration


async def test_the_session_runs_on_containers_whenever_an_engine_answers(
    servers: ServerPath, stack_endpoints: Endpoints
) -> None:
    if servers == "embedded" and not docker_engine_answers():
        pytest.skip(
            "no Docker engine answers: the container path (testcontainers: Apache Kafka, "
            "PostgreSQL and Temporal pinned as in docker-compose.yml) is not taken; the "
            "integration tiers ran on the embedded stack"
        )
    if servers == "containers":
        assert stack_endpoints.database_url is not None
        assert stack_endpoints.database_url.startswith("postgresql://caseflow:")
        assert stack_endpoints.kafka_bootstrap is not None
        assert stack_endpoints.kafka_bootstrap.startswith("localhost:")
