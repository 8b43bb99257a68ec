"""Temporal's own metrics and the case counts, on the process's /metrics."""

from __future__ import annotations

import urllib.request
from collections.abc import Iterator, Sequence

import structlog
from prometheus_client import REGISTRY
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.metrics_core import Metric
from prometheus_client.parser import text_string_to_metric_families
from prometheus_client.registry import Collector
from temporalio.client import Client
from temporalio.runtime import PrometheusConfig, Runtime, TelemetryConfig

from caseflow.loopback import free_ports
from caseflow.metrics import Families, gauge
from workflows.case_counts import count_cases

log = structlog.get_logger(__name__)


class TemporalSdkMetrics(Collector):
    """The SDK's Prometheus endpoint (workflow and activity tasks, polls, requests, latencies),
    read at each scrape and served with the process's own metrics."""

    def __init__(self, address: str) -> None:
        self._url = f"http://{address}/metrics"

    def describe(self) -> list[Metric]:
        """Nothing up front: the SDK names its metrics as they first occur."""
        return []

    def collect(self) -> Iterator[Metric]:
        """The SDK's metric families, or none (logged) if its endpoint does not answer."""
        try:
            with urllib.request.urlopen(self._url, timeout=5) as response:  # noqa: S310
                text = response.read().decode()
        except OSError as error:
            log.warning("Temporal SDK metrics not read", error=repr(error))
            return
        yield from text_string_to_metric_families(text)


def install_sdk_metrics() -> None:
    """Make every Temporal client of this process report to an SDK Prometheus endpoint on a
    private local port, re-served on /metrics. Call before the first client connects."""
    [port] = free_ports(1)
    address = f"127.0.0.1:{port}"
    metrics = PrometheusConfig(
        bind_address=address, counters_total_suffix=True, durations_as_seconds=True
    )
    Runtime.set_default(Runtime(telemetry=TelemetryConfig(metrics=metrics)))
    REGISTRY.register(TemporalSdkMetrics(address))


def case_families(client: Client) -> Families:
    """A coroutine function giving the case gauges, counted by Temporal's visibility store."""

    async def families() -> Sequence[Metric]:
        counts = await count_cases(client)
        return [
            gauge(
                "caseflow_cases",
                "Cases by status (decided ones included).",
                {status.value: n for status, n in counts.by_status.items()},
                "status",
            ),
            GaugeMetricFamily(
                "caseflow_cases_overdue", "Open cases past their deadline.", value=counts.overdue
            ),
            gauge(
                "caseflow_open_tasks",
                "Cases waiting on a reviewer, by task: review, countersign, resolve_escalation.",
                counts.open_tasks,
                "task",
            ),
        ]

    return families
