"""A router for a service that keeps every message of many topics (the audit trail, the register
of record): one subscriber and consumer group per topic, each message handed over whatever its
type, one that is not an event set aside as unreadable."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable

from faststream.kafka import KafkaRouter
from faststream.kafka.annotations import KafkaMessage

from caseflow.bad_messages.retries import RetryBudget
from caseflow.messaging import Raw, at_least_once, set_aside_on_parked, set_aside_unreadable
from schemas.envelope import Contract, Envelope
from schemas.topics import Topic

# Keeps one message read from a topic (its bytes, the topic's name).
Keep = Callable[[bytes, str], Awaitable[object]]


def every_event_router(
    topics: Iterable[Topic],
    consumer: str,
    keep: Keep,
    budget: RetryBudget,
    *,
    not_an_event: type[Exception],
    done: str,
    description: str,
) -> KafkaRouter:
    """One subscriber (group `<consumer>-<topic>`, titled `on_<topic's last word>_<done>`) per
    topic, handing every message to `keep`; one `keep` refuses with `not_an_event` is set aside.
    `description` names its topic as `{topic}`."""
    router = KafkaRouter()

    def subscribe(topic: Topic) -> None:
        group = f"{consumer}-{topic.name}"
        set_aside = set_aside_on_parked(router, group)

        @at_least_once(
            router,
            topic,
            group_id=group,
            title=f"on_{topic.name.rsplit('.', 1)[-1]}_{done}",
            description=description.format(topic=topic.name),
            budget=budget,
        )
        async def on_event(body: Raw[Envelope[Contract]], message: KafkaMessage) -> None:
            try:
                await keep(body, topic.name)
            except not_an_event as error:
                await set_aside_unreadable(message, str(error), set_aside)

    for topic in topics:
        subscribe(topic)
    return router
