"""The audit router: every event and reviewer action on caseflow's topics, onto the trail."""

from __future__ import annotations

from faststream.kafka import KafkaRouter

from caseflow.bad_messages.retries import RetryBudget
from caseflow.every_event import Keep, every_event_router
from services.audit.config import AUDITED, CONSUMER
from services.audit.handlers import NotAnEvent


def build_router(record: Keep, budget: RetryBudget) -> KafkaRouter:
    """One subscriber (and consumer group) per audited topic, chaining each message onto the
    trail."""
    return every_event_router(
        AUDITED,
        CONSUMER,
        record,
        budget,
        not_an_event=NotAnEvent,
        done="audited",
        description="Chains every message of {topic} onto the audit trail, once.",
    )
