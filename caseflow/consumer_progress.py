"""Consumer lag and stalls per group and partition, read at each scrape of /metrics.

Lag is the partition's high-water mark (as of the consumer's last fetch) minus the consumer's
position. A partition is stalled when it has lag and the position has not moved for
CASEFLOW_CONSUMER_STALL_SECONDS (read at the process's edge and handed to each consumer): a
handler that hangs, or a fetch that keeps failing. Both are read on the metrics thread at scrape
time, so a consumer whose loop is stuck still shows.
"""

from __future__ import annotations

import time
import weakref
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Protocol

from aiokafka import TopicPartition
from prometheus_client import REGISTRY
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.metrics_core import Metric
from prometheus_client.registry import Collector


class WatchedConsumer(Protocol):
    """What progress is read from: positions, and the high-water marks of the last fetch."""

    def positions(self) -> dict[TopicPartition, int]:
        """Each assigned partition's position, where known."""
        ...

    def highwater(self, partition: TopicPartition) -> int | None:
        """The partition's end as of the last fetch."""
        ...


@dataclass
class Moved:
    """A partition's position when last seen, and since when it has stood there."""

    position: int
    since: float


@dataclass(frozen=True)
class PartitionProgress:
    """One partition of one consumer group: its lag, and whether it is stalled."""

    group: str
    topic: str
    partition: int
    lag: int
    stalled: bool


class StallWatch:
    """Remembers where each partition stood, to tell a stalled one from a busy one."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._seen: dict[tuple[str, TopicPartition], Moved] = {}

    def observe(
        self,
        group: str,
        tp: TopicPartition,
        position: int,
        highwater: int | None,
        stall_after: float,
    ) -> PartitionProgress:
        """The partition's lag, and whether it has stood still with messages waiting for
        `stall_after` seconds, given where it stands now."""
        now = self._clock()
        seen = self._seen.get((group, tp))
        if seen is None or seen.position != position:
            seen = self._seen[(group, tp)] = Moved(position, now)
        lag = max((highwater or position) - position, 0)
        stalled = lag > 0 and now - seen.since >= stall_after
        return PartitionProgress(group, tp.topic, tp.partition, lag, stalled)


class ConsumerProgress(Collector):
    """The lag and stall gauges of every watched consumer of this process."""

    def __init__(self, stall_watch: StallWatch) -> None:
        self._consumers: weakref.WeakKeyDictionary[WatchedConsumer, tuple[str, float]] = (
            weakref.WeakKeyDictionary()
        )
        self._stall_watch = stall_watch

    def watch(self, group: str, consumer: WatchedConsumer, stall_after: float) -> None:
        """Report this consumer's partitions from now on (until it is gone), stalled when one
        stands still for `stall_after` seconds with messages waiting."""
        self._consumers[consumer] = (group, stall_after)

    def progress(self) -> list[PartitionProgress]:
        """Every watched partition's lag and stall, now."""
        found: list[PartitionProgress] = []
        for consumer, (group, stall_after) in list(self._consumers.items()):
            try:
                positions = consumer.positions()
                found += [
                    self._stall_watch.observe(
                        group, tp, position, consumer.highwater(tp), stall_after
                    )
                    for tp, position in positions.items()
                ]
            except (RuntimeError, KeyError, AssertionError):
                continue  # the assignment changed while it was read: the next scrape tells
        return found

    def describe(self) -> list[Metric]:
        """Nothing up front: the partitions are only known once assigned."""
        return []

    def collect(self) -> Iterator[Metric]:
        """caseflow_consumer_lag and caseflow_consumer_stalled, per group and partition."""
        labels = ["consumer", "topic", "partition"]
        lag = GaugeMetricFamily(
            "caseflow_consumer_lag",
            "Messages on the partition the consumer group has not read yet (high-water mark "
            "of its last fetch minus its position).",
            labels=labels,
        )
        stalled = GaugeMetricFamily(
            "caseflow_consumer_stalled",
            "1 when the partition holds unread messages and the consumer's position has not "
            "moved for CASEFLOW_CONSUMER_STALL_SECONDS.",
            labels=labels,
        )
        for seen in self.progress():
            values = [seen.group, seen.topic, str(seen.partition)]
            lag.add_metric(values, seen.lag)
            stalled.add_metric(values, 1 if seen.stalled else 0)
        yield lag
        yield stalled


_progress: ConsumerProgress | None = None


def watch(group: str, consumer: WatchedConsumer, stall_after: float) -> None:
    """Report a started consumer's lag and stalls on this process's /metrics."""
    global _progress
    if _progress is None:
        _progress = ConsumerProgress(StallWatch())
        REGISTRY.register(_progress)
    _progress.watch(group, consumer, stall_after)
