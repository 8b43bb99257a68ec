"""The register's router: the case events of caseflow's topics into the register."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from faststream.kafka import KafkaRouter
from faststream.kafka.annotations import KafkaMessage

from caseflow.bad_messages.retries import RetryBudget
from caseflow.messaging import Raw, at_least_once, set_aside_on_parked, set_aside_unreadable
from schemas.envelope import Contract, Envelope
from schemas.topics import Topic
from services.register.config import CONSUMER, REGISTERED
from services.register.handlers import NotAnEvent

# Keeps one message read from a topic in the register.
Record = Callable[[bytes, str], Awaitable[object]]


def build_router(record: Record, budget: RetryBudget) -> KafkaRouter:
    """One subscriber (and consumer group) per topic whose events the register keeps."""
    router = KafkaRouter()
    for topic in REGISTERED:
        _register(router, topic, record, budget)
    return router


def _register(router: KafkaRouter, topic: Topic, record: Record, budget: RetryBudget) -> None:
    group = f"{CONSUMER}-{topic.name}"
    set_aside = set_aside_on_parked(router, group)

    @at_least_once(
        router,
        topic,
        group_id=group,
        title=f"on_{topic.name.rsplit('.', 1)[-1]}_registered",
        description=f"Keeps every case event of {topic.name} in the register of record, once.",
        budget=budget,
    )
    async def on_event(body: Raw[Envelope[Contract]], message: KafkaMessage) -> None:
        try:
            await record(body, topic.name)
        except NotAnEvent as error:
            await set_aside_unreadable(message, str(error), set_aside)
