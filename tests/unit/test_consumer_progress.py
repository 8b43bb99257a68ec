"""Consumer lag per partition, and a stall told from a consumer that is merely busy."""

from __future__ import annotations

from aiokafka import TopicPartition
from prometheus_client import CollectorRegistry, Counter, generate_latest

from caseflow.consumer_health import parse_health
from caseflow.consumer_progress import ConsumerProgress, StallWatch

TP = TopicPartition("caseflow.intake.submissions", 0)


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


class FakeConsumer:
    """Positions and high-water marks as a started consumer reports them."""

    def __init__(self, position: int, highwater: int | None) -> None:
        self.position, self.end = position, highwater

    def positions(self) -> dict[TopicPartition, int]:
        return {TP: self.position}

    def highwater(self, partition: TopicPartition) -> int | None:
        return self.end


def test_a_consumer_that_does_not_move_while_messages_wait_is_stalled() -> None:
    clock = Clock()
    progress = ConsumerProgress(StallWatch(clock))
    consumer = FakeConsumer(position=5, highwater=9)
    progress.watch("caseflow-intake", consumer, stall_after=60)
    [seen] = progress.progress()
    assert (seen.lag, seen.stalled) == (4, False)
    clock.now = 61
    [seen] = progress.progress()
    assert (seen.group, seen.partition, seen.lag, seen.stalled) == ("caseflow-intake", 0, 4, True)


def test_a_consumer_that_moves_is_not_stalled_and_one_with_nothing_to_read_never_is() -> None:
    clock = Clock()
    progress = ConsumerProgress(StallWatch(clock))
    consumer = FakeConsumer(position=5, highwater=9)
    progress.watch("g", consumer, stall_after=60)
    progress.progress()
    clock.now, consumer.position = 50, 6
    progress.progress()
    clock.now = 100
    [seen] = progress.progress()
    assert not seen.stalled  # it moved at 50: 50 s without progress, under the 60 s
    consumer.position = consumer.end = 9
    clock.now = 1000
    [seen] = progress.progress()
    assert (seen.lag, seen.stalled) == (0, False)


def test_the_gauges_name_group_topic_and_partition() -> None:
    clock = Clock()
    progress = ConsumerProgress(StallWatch(clock))
    consumer = FakeConsumer(position=0, highwater=3)  # watched only while it lives
    progress.watch("g", consumer, stall_after=1)
    progress.progress()
    clock.now = 2
    lag, stalled = list(progress.collect())
    labels = {"consumer": "g", "topic": TP.topic, "partition": "0"}
    assert [(s.labels, s.value) for s in lag.samples] == [(labels, 3)]
    assert [(s.labels, s.value) for s in stalled.samples] == [(labels, 1)]


def test_flow_and_services_status_read_stalls_lag_and_unreadable_batches_from_metrics() -> None:
    clock = Clock()
    registry = CollectorRegistry()
    progress = ConsumerProgress(StallWatch(clock))
    registry.register(progress)
    unreadable = Counter("caseflow_unreadable_batches", "", ["consumer"], registry=registry)
    unreadable.labels("caseflow-intake").inc(2)
    consumer = FakeConsumer(position=3, highwater=10)
    progress.watch("caseflow-intake", consumer, stall_after=1)
    progress.progress()
    clock.now = 5
    health = parse_health(generate_latest(registry).decode())
    assert health.unreadable_batches == 2
    assert health.lag == 7
    assert [(p.consumer, p.topic, p.partition) for p in health.stalled] == [
        ("caseflow-intake", TP.topic, 0)
    ]
