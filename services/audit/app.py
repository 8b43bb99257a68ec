"""The audit router: every event and reviewer action on caseflow's topics, onto the trail."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from faststream.kafka import KafkaRouter
from faststream.kafka.annotations import KafkaMessage

from caseflow.bad_messages.retries import RetryBudget
from caseflow.messaging import Raw, at_least_once, set_aside_on_parked, set_aside_unreadable
from schemas.envelope import Contract, Envelope
from schemas.topics import Topic
from services.audit.config import AUDITED, CONSUMER
from services.audit.handlers import NotAnEvent

# Chains one message read from a topic onto the trail.
Record = Callable[[bytes, str], Awaitable[object]]


def build_router(record: Record, budget: RetryBudget) -> KafkaRouter:
    """One subscriber (and consumer group) per audited topic."""
    router = KafkaRouter()
    for topic in AUDITED:
        _audit(router, topic, record, budget)
    return router


def _audit(router: KafkaRouter, topic: Topic, record: Record, budget: RetryBudget) -> None:
    group = f"{CONSUMER}-{topic.name}"
    set_aside = set_aside_on_parked(router, group)

    @at_least_once(
        router,
        topic,
        group_id=group,
        title=f"on_{topic.name.rsplit('.', 1)[-1]}_audited",
        description=f"Chains every message of {topic.name} onto the audit trail, once.",
        budget=budget,
    )
    async def on_event(body: Raw[Envelope[Contract]], message: KafkaMessage) -> None:
        try:
            await record(body, topic.name)
        except NotAnEvent as error:
            await set_aside_unreadable(message, str(error), set_aside)
