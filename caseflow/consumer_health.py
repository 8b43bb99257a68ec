"""How each running process's consumers fare, read from its /metrics: unreadable batches
skipped, lag and stalled partitions (for `caseflow flow` and `caseflow services status`)."""

from __future__ import annotations

import urllib.request
from dataclasses import dataclass, field

from prometheus_client.parser import text_string_to_metric_families

from caseflow.metrics import url_file
from caseflow.settings import Settings

SCRAPE_SECONDS = 2.0


@dataclass(frozen=True)
class PartitionLag:
    """One consumer group's partition with messages it has not read yet."""

    consumer: str
    topic: str
    partition: int
    lag: int
    stalled: bool


@dataclass(frozen=True)
class ConsumerHealth:
    """What one process's /metrics say of its consumers since it started."""

    unreadable_batches: int = 0
    partitions: list[PartitionLag] = field(default_factory=list)

    @property
    def stalled(self) -> list[PartitionLag]:
        """The partitions whose consumer has not moved while messages wait."""
        return [p for p in self.partitions if p.stalled]

    @property
    def lag(self) -> int:
        """Messages waiting on every partition the process reads."""
        return sum(p.lag for p in self.partitions)


def parse_health(exposition: str) -> ConsumerHealth:
    """The consumer figures of a /metrics page."""
    unreadable = 0
    lags: dict[tuple[str, str, str], int] = {}
    stalls: set[tuple[str, str, str]] = set()
    for family in text_string_to_metric_families(exposition):
        for sample in family.samples:
            labels = sample.labels
            where = (
                labels.get("consumer", ""),
                labels.get("topic", ""),
                labels.get("partition", ""),
            )
            if sample.name == "caseflow_unreadable_batches_total":
                unreadable += int(sample.value)
            elif sample.name == "caseflow_consumer_lag":
                lags[where] = int(sample.value)
            elif sample.name == "caseflow_consumer_stalled" and sample.value:
                stalls.add(where)
    partitions = [
        PartitionLag(group, topic, int(partition), lag, (group, topic, partition) in stalls)
        for (group, topic, partition), lag in sorted(lags.items())
    ]
    return ConsumerHealth(unreadable, partitions)


def read_health(settings: Settings, process: str) -> ConsumerHealth | None:
    """The process's consumer figures, or None when it serves no /metrics (not running)."""
    try:
        url = url_file(settings, process).read_text().strip()
        if not url.startswith("http://"):
            return None
        with urllib.request.urlopen(url, timeout=SCRAPE_SECONDS) as response:  # noqa: S310
            return parse_health(response.read().decode())
    except (OSError, ValueError):
        return None
