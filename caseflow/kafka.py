"""Kafka clients configured one way for every caseflow process, TLS and SASL included."""

from __future__ import annotations

import ssl

from aiokafka import AIOKafkaProducer
from faststream.kafka import KafkaBroker
from faststream.kafka.security import parse_security
from faststream.security import BaseSecurity, SASLPlaintext, SASLScram256, SASLScram512

from caseflow.settings import Settings

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


def make_broker(
    bootstrap: str, client_id: str, security: BaseSecurity | None = None
) -> KafkaBroker:
    """The FastStream broker of one service (subscribers and documented publishers).

    Its producer parks messages: it waits for every in-sync replica before the original is
    committed.
    """
    return KafkaBroker(bootstrap, client_id=client_id, security=security, acks="all")


async def start_producer(
    bootstrap: str, client_id: str, security: BaseSecurity | None = None
) -> AIOKafkaProducer:
    """A started producer that waits for every in-sync replica.

    Idempotence stays off: the embedded broker refuses it, and consumers deduplicate anyway.
    """
    producer = AIOKafkaProducer(
        bootstrap_servers=bootstrap,
        client_id=client_id,
        acks="all",
        enable_idempotence=False,
        linger_ms=5,
        **parse_security(security),
    )
    await producer.start()
    return producer
