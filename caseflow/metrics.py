"""Prometheus metrics: every process serves /metrics; figures read from a store at each scrape."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Coroutine, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from wsgiref.simple_server import WSGIServer

import structlog
from prometheus_client import REGISTRY, disable_created_metrics, start_http_server
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.metrics_core import Metric
from prometheus_client.registry import Collector

from caseflow.address_files import forget_address, record_address
from caseflow.settings import Settings

log = structlog.get_logger(__name__)
DEFAULT_FIRST_PORT = 9401
# Each process serves on the first port plus its offset, so a whole stack fits on one host.
PORT_OFFSETS = {
    "intake": 0,
    "screening": 1,
    "consultation": 2,
    "bridge": 3,
    "worker": 4,
    "desk": 5,
    "audit": 6,
    "codec": 7,
    "register": 8,
    "sharing": 9,
}
SCRAPE_TIMEOUT = 10.0


@dataclass
class MetricsEndpoint:
    """A process's /metrics server, and the file naming its address."""

    url: str
    server: WSGIServer
    url_file: Path

    def stop(self) -> None:
        """Stop serving and forget the address, unless another instance has recorded its own."""
        self.server.shutdown()
        self.server.server_close()
        forget_address(self.url_file, self.url)


def url_file(settings: Settings, process: str) -> Path:
    """Where a process records the address of its /metrics."""
    return settings.state_dir / "run" / f"{process}.metrics"


def serve_metrics(process: str, settings: Settings) -> MetricsEndpoint:
    """Serve /metrics on the first port plus the process's offset; a configured port must be
    free, a default one that is taken gives way to a free port."""
    disable_created_metrics()  # type: ignore[no-untyped-call]  # `_created` doubles each series
    host, first = settings.metrics_host, settings.metrics_port
    port = (first or DEFAULT_FIRST_PORT) + PORT_OFFSETS[process]
    try:
        server, _ = start_http_server(port, host)
    except OSError:
        if first is not None:
            raise
        server, _ = start_http_server(0, host)  # another stack holds the default
    url = f"http://{host}:{server.server_port}/metrics"
    recorded = url_file(settings, process)
    record_address(recorded, url, "metrics")
    log.info("metrics served", process=process, url=url)
    return MetricsEndpoint(url, server, recorded)


Families = Callable[[], Coroutine[Any, Any, Sequence[Metric]]]


class ScrapedFromStore(Collector):
    """Metric families a coroutine reads from a store on the process's loop at each scrape.

    The scrape runs on the metrics server's thread; the store's clients belong to the loop.
    """

    def __init__(self, name: str, families: Families, loop: asyncio.AbstractEventLoop) -> None:
        self._name = name
        self._families = families
        self._loop = loop

    def describe(self) -> list[Metric]:
        """Nothing up front: collecting at registration would wait on the loop registering."""
        return []

    def collect(self) -> Iterator[Metric]:
        """The families, or none (logged) when the store does not answer in time."""
        future = asyncio.run_coroutine_threadsafe(self._families(), self._loop)
        try:
            yield from future.result(SCRAPE_TIMEOUT)
        except Exception as error:  # a scrape must answer even while a store is away
            future.cancel()
            log.warning("metrics not read", collector=self._name, error=repr(error))


def scraped_from_store(name: str, families: Families) -> Callable[[], None]:
    """Expose families read on the running loop at each scrape; returns how to withdraw them."""
    collector = ScrapedFromStore(name, families, asyncio.get_running_loop())
    REGISTRY.register(collector)
    return lambda: REGISTRY.unregister(collector)


def gauge(name: str, documentation: str, values: dict[str, int], label: str) -> GaugeMetricFamily:
    """One gauge family with a sample per label value."""
    family = GaugeMetricFamily(name, documentation, labels=[label])
    for value, count in values.items():
        family.add_metric([value], count)
    return family
