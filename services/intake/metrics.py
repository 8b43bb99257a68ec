"""Intake's Prometheus metrics: what came in, what became of it, how long a batch took."""

from __future__ import annotations

from prometheus_client import Counter, Histogram

from services.intake.ports import Handled
from services.intake.reasons import refusal_class

RECEIVED = Counter(
    "caseflow_intake_submissions_received", "Messages read from the submissions topic."
)
OUTCOMES = Counter(
    "caseflow_intake_submissions",
    "Messages by what became of them: registered, amended, withdrawn, rejected, redelivered, "
    "already_processed.",
    ["outcome"],
)
REJECTED = Counter(
    "caseflow_intake_submissions_rejected",
    "Refused submissions by the class of their most basic deficiency.",
    ["reason"],
)
BATCH_SECONDS = Histogram(
    "caseflow_intake_batch_seconds",
    "Time to examine and register one batch of submissions, in one transaction.",
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0),
)


def record_batch(size: int, handled: Handled, seconds: float) -> None:
    """Count one handled batch."""
    RECEIVED.inc(size)
    for outcome in handled.outcomes:
        OUTCOMES.labels(outcome.value).inc()
    for rejection in handled.rejections:
        REJECTED.labels(refusal_class(d.code for d in rejection.deficiencies)).inc()
    BATCH_SECONDS.observe(seconds)
