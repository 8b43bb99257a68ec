"""Kafka clients configured one way for every caseflow process, TLS and SASL included."""

from __future__ import annotations

import ssl
from collections.abc import Callable
from functools import partial
from typing import Any

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from faststream.kafka import KafkaBroker
from faststream.kafka.security import parse_security
from faststream.security import BaseSecurity, SASLPlaintext, SASLScram256, SASLScram512

from caseflow.bad_messages.parked_message import ParkedMessage
from caseflow.bad_messages.unreadable_batches import OnSkipped, ParkingConsumer
from caseflow.settings import Codec, Settings
from schemas.topics import PARKED

SASL = {"PLAIN": SASLPlaintext, "SCRAM-SHA-256": SASLScram256, "SCRAM-SHA-512": SASLScram512}


def kafka_security(settings: Settings) -> BaseSecurity | None:
    """TLS and SASL as configured (CASEFLOW_KAFKA_SECURITY_PROTOCOL…); None for PLAINTEXT."""
    protocol = settings.kafka_security_protocol
    if protocol == "PLAINTEXT":
        return None
    tls = protocol.endswith("SSL")
    cafile = str(settings.kafka_ssl_cafile) if settings.kafka_ssl_cafile else None
    context = ssl.create_default_context(cafile=cafile) if tls else None
    if protocol == "SSL":
        return BaseSecurity(ssl_context=context, use_ssl=True)
    password = settings.kafka_sasl_password
    if not settings.kafka_sasl_username or password is None:
        raise ValueError(f"{protocol} needs CASEFLOW_KAFKA_SASL_USERNAME and _PASSWORD")
    sasl = SASL[settings.kafka_sasl_mechanism]
    return sasl(
        settings.kafka_sasl_username,
        password.get_secret_value(),
        ssl_context=context,
        use_ssl=tls,
    )


class ParkingBroker(KafkaBroker):
    """A FastStream broker whose subscribers park the record batches they cannot read
    (`caseflow.bad_messages.unreadable_batches`) instead of stopping their partition on them."""

    def __init__(
        self,
        *args: Any,
        on_skipped: OnSkipped | None = None,
        stall_after: float | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self._on_skipped = on_skipped
        self._stall_after = stall_after

    async def _connect(self) -> Callable[..., AIOKafkaConsumer]:
        plain = await super()._connect()
        assert isinstance(plain, partial), "FastStream builds its consumers with a partial"
        builder = partial(
            ParkingConsumer,
            *plain.args,
            park=self._park,
            on_skipped=self._on_skipped,
            stall_after=self._stall_after,
            **plain.keywords,
        )
        self.config.broker_config.builder = builder
        return builder

    async def _park(self, parked: ParkedMessage) -> None:
        key = parked.key.encode() if parked.key else None
        await self.publish(parked.model_dump_json().encode(), PARKED.name, key=key)


def make_broker(
    bootstrap: str,
    client_id: str,
    security: BaseSecurity | None = None,
    *,
    on_skipped: OnSkipped | None = None,
    compression: Codec | None = None,
    stall_after: float | None = None,
) -> KafkaBroker:
    """The FastStream broker of one service (subscribers and documented publishers).

    Its producer parks messages: it waits for every in-sync replica before the original is
    committed. It compresses with CASEFLOW_KAFKA_COMPRESSION; its consumers read every codec
    and park a batch they cannot read (`on_skipped` hears of each). Given `stall_after`
    (CASEFLOW_CONSUMER_STALL_SECONDS), its consumers report their lag and stalls on /metrics.
    """
    return ParkingBroker(
        bootstrap,
        client_id=client_id,
        security=security,
        acks="all",
        compression_type=_compression(compression),
        on_skipped=on_skipped,
        stall_after=stall_after,
    )


def _compression(codec: Codec | None) -> str | None:
    """The codec as aiokafka names it; `None` (a tool that was given none) reads the settings."""
    chosen = Settings().kafka_compression if codec is None else codec
    return None if chosen == "none" else chosen


async def start_producer(
    bootstrap: str,
    client_id: str,
    security: BaseSecurity | None = None,
    *,
    compression: Codec | None = None,
    linger_ms: int = 5,
) -> AIOKafkaProducer:
    """A started producer that waits for every in-sync replica; it waits `linger_ms` for more
    messages to batch with the first.

    Idempotence stays off: the embedded broker refuses it, and consumers deduplicate anyway.
    """
    producer = AIOKafkaProducer(
        bootstrap_servers=bootstrap,
        client_id=client_id,
        acks="all",
        enable_idempotence=False,
        linger_ms=linger_ms,
        compression_type=_compression(compression),
        **parse_security(security),
    )
    await producer.start()
    return producer
