"""Which servers the integration tiers use, and that the container path runs what compose pins."""

from __future__ import annotations

import pytest
import yaml

from tests.containers import (
    COMPOSE_FILE,
    SERVERS_VARIABLE,
    NoDockerEngine,
    compose_image,
    docker_engine_answers,
    kafka_environment,
    resolve,
    server_path,
)


def test_a_compose_default_is_what_pins_a_value() -> None:
    assert resolve("postgres:${POSTGRES_VERSION:-18}") == "postgres:18"
    assert resolve("${POSTGRES_PASSWORD:?set it}") == ""


@pytest.mark.parametrize(
    ("service", "repository"),
    [
        ("postgres", "postgres"),
        ("kafka", "apache/kafka"),
        ("temporal-schema", "temporalio/admin-tools"),
    ],
)
def test_the_container_path_runs_the_images_compose_pins(service: str, repository: str) -> None:
    written = yaml.safe_load(COMPOSE_FILE.read_text())["services"][service]["image"]
    image = compose_image(service)
    name, tag = image.split(":")
    assert name == repository
    assert tag not in ("", "latest")
    assert tag in written


def test_the_broker_in_a_container_is_compose_s_advertised_on_this_host() -> None:
    environment = kafka_environment(41234)
    assert "EXTERNAL://localhost:41234" in environment["KAFKA_ADVERTISED_LISTENERS"]
    assert environment["KAFKA_PROCESS_ROLES"] == "broker,controller"
    assert environment["KAFKA_AUTO_CREATE_TOPICS_ENABLE"] == "false"
    assert all("${" not in value for value in environment.values())


def test_embedded_is_taken_when_asked_for(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(SERVERS_VARIABLE, "embedded")
    assert server_path() == "embedded"


def test_an_unknown_choice_is_refused_with_the_choices(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(SERVERS_VARIABLE, "kubernetes")
    with pytest.raises(ValueError, match="auto, containers or embedded"):
        server_path()


def test_containers_asked_for_without_an_engine_fail_loudly(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv(SERVERS_VARIABLE, "containers")
    if docker_engine_answers():
        assert server_path() == "containers"
    else:
        with pytest.raises(NoDockerEngine, match="no Docker engine answers"):
            server_path()
