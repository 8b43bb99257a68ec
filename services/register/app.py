"""The register's router: the case events of caseflow's topics into the register."""

from __future__ import annotations

from faststream.kafka import KafkaRouter

from caseflow.bad_messages.retries import RetryBudget
from caseflow.every_event import Keep, every_event_router
from services.register.config import CONSUMER, REGISTERED
from services.register.handlers import NotAnEvent


def build_router(record: Keep, budget: RetryBudget) -> KafkaRouter:
    """One subscriber (and consumer group) per topic whose events the register keeps."""
    return every_event_router(
        REGISTERED,
        CONSUMER,
        record,
        budget,
        not_an_event=NotAnEvent,
        done="registered",
        description="Keeps every case event of {topic} in the register of record, once.",
    )
