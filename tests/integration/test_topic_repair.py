"""A topic a client made before the stack could is created again with its partitions while it
is empty, and left alone once it holds events."""

from __future__ import annotations

import asyncio
import uuid

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer

from caseflow.settings import Endpoints
from entrypoints.stack.broker import recreate_auto_created
from schemas.topics import Topic


async def made_by_a_client(kafka: str, name: str) -> int:
    """Subscribe before the topic exists: the broker creates it with its own partition count."""
    consumer = AIOKafkaConsumer(name, bootstrap_servers=kafka, group_id=f"g-{name}")
    await consumer.start()
    try:
        for _ in range(50):
            if consumer.partitions_for_topic(name):
                break
            await asyncio.sleep(0.1)
        return len(consumer.partitions_for_topic(name) or ())
    finally:
        await consumer.stop()


async def partitions_of(kafka: str, name: str) -> int:
    consumer = AIOKafkaConsumer(bootstrap_servers=kafka)
    await consumer.start()
    try:
        await consumer.topics()
        return len(consumer.partitions_for_topic(name) or ())
    finally:
        await consumer.stop()


async def test_an_empty_topic_made_by_a_client_gets_its_partitions_back(
    stack_endpoints: Endpoints,
) -> None:
    name = f"test.repair.{uuid.uuid4().hex[:8]}"
    assert await made_by_a_client(stack_endpoints.kafka, name) != 1
    await recreate_auto_created(stack_endpoints.kafka, [Topic(name, 1, "a test topic")])
    assert await partitions_of(stack_endpoints.kafka, name) == 1


async def test_a_topic_that_holds_events_is_left_as_it_is(stack_endpoints: Endpoints) -> None:
    name = f"test.repair.{uuid.uuid4().hex[:8]}"
    made = await made_by_a_client(stack_endpoints.kafka, name)
    producer = AIOKafkaProducer(bootstrap_servers=stack_endpoints.kafka, acks="all")
    await producer.start()
    try:
        await producer.send_and_wait(name, b"an event", key=b"case-1")
    finally:
        await producer.stop()
    await recreate_auto_created(stack_endpoints.kafka, [Topic(name, 1, "a test topic")])
    assert await partitions_of(stack_endpoints.kafka, name) == made
