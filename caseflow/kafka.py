"""Kafka clients configured one way for every caseflow process."""

from __future__ import annotations

from aiokafka import AIOKafkaProducer
from faststream.kafka import KafkaBroker


def make_broker(bootstrap: str, client_id: str) -> KafkaBroker:
    """The FastStream broker of one service (subscribers and documented publishers)."""
    return KafkaBroker(bootstrap, client_id=client_id)


async def start_producer(bootstrap: str, client_id: str) -> AIOKafkaProducer:
    """A started producer that waits for every in-sync replica.

    Idempotence stays off: the embedded broker refuses it, and consumers deduplicate anyway.
    """
    producer = AIOKafkaProducer(
        bootstrap_servers=bootstrap,
        client_id=client_id,
        acks="all",
        enable_idempotence=False,
        linger_ms=5,
    )
    await producer.start()
    return producer
