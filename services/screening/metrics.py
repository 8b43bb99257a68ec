"""Screening's Prometheus metrics: latency, parties screened, results by risk, re-screens."""

from __future__ import annotations

from prometheus_client import Counter, Histogram

from services.screening.handlers import Outcome, Screened

SECONDS = Histogram(
    "caseflow_screening_seconds",
    "Time to screen one case (every party, item, destination and red flag) and store it.",
    buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5),
)
PARTIES = Counter("caseflow_screening_parties_screened", "Parties screened against the lists.")
RESULTS = Counter(
    "caseflow_screening_results", "Cases screened, by the risk level found.", ["risk"]
)
SCREENED_AGAIN = Counter(
    "caseflow_screening_screened_again",
    "Cases screened again before they were kept: the lists or partner notices changed while "
    "they were screened.",
)
RESCREENED = Counter(
    "caseflow_screening_rescreen_alerts",
    "Open cases screened again because a list update matched them (each raises an alert).",
)


def record_screening(screened: Screened, parties: int, seconds: float) -> None:
    """Count one request; only a first screening is timed and counted."""
    if screened.outcome is not Outcome.SCREENED or screened.result is None:
        return
    SECONDS.observe(seconds)
    PARTIES.inc(parties)
    RESULTS.labels(screened.result.risk_level.value).inc()
