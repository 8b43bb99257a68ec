"""The container path of the integration tiers: Apache Kafka, PostgreSQL and Temporal started
through testcontainers, from the images docker-compose.yml pins, whenever a Docker engine answers.

Without an engine (as on the machines CI runs on here) the tiers run on the embedded stack.
`CASEFLOW_TEST_SERVERS` chooses: `auto` (the default), `containers` (fail if no engine answers)
or `embedded`.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Any, Literal

import yaml

from caseflow.loopback import free_ports
from caseflow.settings import Endpoints

COMPOSE_FILE = Path(__file__).resolve().parents[1] / "docker-compose.yml"
SERVERS_VARIABLE = "CASEFLOW_TEST_SERVERS"
# `${NAME:-default}` and `${NAME:?message}` in the compose file: the default is what pins.
_VARIABLE = re.compile(r"\$\{([A-Z_][A-Z0-9_]*)(?::-([^}]*)|:\?[^}]*)?\}")
KAFKA_PORT_IN_CONTAINER = 29092
TEMPORAL_PORT = 7233
START_TIMEOUT = 120

ServerPath = Literal["containers", "embedded"]


class NoDockerEngine(RuntimeError):
    """The container path was asked for, and no Docker engine answers."""


def resolve(value: str) -> str:
    """A compose value with each `${NAME:-default}` replaced by its default."""
    return _VARIABLE.sub(lambda match: match.group(2) or "", value)


def compose_service(name: str) -> dict[str, Any]:
    """One service of docker-compose.yml, as written."""
    services: dict[str, dict[str, Any]] = yaml.safe_load(COMPOSE_FILE.read_text())["services"]
    return services[name]


def compose_image(service: str) -> str:
    """The image, with its pinned tag, that docker-compose.yml runs for a service."""
    return resolve(str(compose_service(service)["image"]))


def kafka_environment(host_port: int) -> dict[str, str]:
    """The compose file's single-node KRaft broker, advertised on a port of this host."""
    written: dict[str, object] = compose_service("kafka")["environment"]
    environment = {name: resolve(str(value)) for name, value in written.items()}
    # The compose file's data volume is not mounted: the image's own default folder serves.
    environment.pop("KAFKA_LOG_DIRS", None)
    environment.update(
        KAFKA_CONTROLLER_QUORUM_VOTERS="1@localhost:9093",
        KAFKA_ADVERTISED_LISTENERS=(f"PLAINTEXT://localhost:9092,EXTERNAL://localhost:{host_port}"),
    )
    return environment


def docker_engine_answers() -> bool:
    """Whether a Docker engine answers a ping (the client alone is not enough)."""
    import docker  # type: ignore[import-untyped]

    try:
        docker.from_env(timeout=3).ping()
    except Exception:  # no socket, no permission, no daemon: all mean "no engine"
        return False
    return True


def server_path() -> ServerPath:
    """Which servers the integration tiers use in this test session."""
    wanted = os.environ.get(SERVERS_VARIABLE, "auto")
    if wanted == "embedded":
        return "embedded"
    if wanted not in ("auto", "containers"):
        raise ValueError(f"{SERVERS_VARIABLE} is auto, containers or embedded, not '{wanted}'")
    if docker_engine_answers():
        return "containers"
    if wanted == "containers":
        raise NoDockerEngine(f"{SERVERS_VARIABLE}=containers, and no Docker engine answers")
    return "embedded"


@contextmanager
def container_servers(namespace: str) -> Iterator[Endpoints]:
    """PostgreSQL, Apache Kafka and a Temporal server in containers, for one test session."""
    from testcontainers.community.postgres import PostgresContainer
    from testcontainers.core.container import DockerContainer
    from testcontainers.core.wait_strategies import LogMessageWaitStrategy, PortWaitStrategy

    [kafka_port] = free_ports(1)
    postgres = PostgresContainer(
        compose_image("postgres"),
        username="caseflow",
        password="caseflow",  # a throwaway container's
        dbname="caseflow",
        driver=None,
    )
    kafka = (
        DockerContainer(compose_image("kafka"))
        .with_envs(**kafka_environment(kafka_port))
        .with_bind_ports(KAFKA_PORT_IN_CONTAINER, kafka_port)
        .waiting_for(
            LogMessageWaitStrategy("Kafka Server started").with_startup_timeout(START_TIMEOUT)
        )
    )
    # The admin-tools image the compose file pins carries the `temporal` command and its
    # single-process server.
    temporal = (
        DockerContainer(compose_image("temporal-schema"))
        .with_kwargs(entrypoint="temporal")
        .with_command(["server", "start-dev", "--ip", "0.0.0.0", "--namespace", namespace])
        .with_exposed_ports(TEMPORAL_PORT)
        .waiting_for(PortWaitStrategy(TEMPORAL_PORT).with_startup_timeout(START_TIMEOUT))
    )
    with ExitStack() as running:
        database = running.enter_context(postgres)
        running.enter_context(kafka)
        server = running.enter_context(temporal)
        yield Endpoints(
            database_url=database.get_connection_url(),
            kafka_bootstrap=f"localhost:{kafka_port}",
            temporal_address=(
                f"{server.get_container_host_ip()}:{server.get_exposed_port(TEMPORAL_PORT)}"
            ),
        )
