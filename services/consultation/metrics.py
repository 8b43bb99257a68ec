"""Consultation's Prometheus metrics, read from its referrals at each scrape."""

from __future__ import annotations

from collections.abc import Sequence

from prometheus_client.core import GaugeMetricFamily
from prometheus_client.metrics_core import Metric

from caseflow.metrics import Families, gauge
from caseflow.uow import PoolOwner
from schemas.envelope import utcnow
from services.consultation.queries import referral_counts


def referral_families(owner: PoolOwner) -> Families:
    """A coroutine function giving the referral gauges from the service's pool."""

    async def families() -> Sequence[Metric]:
        async with owner.pool.acquire() as connection:
            counts = await referral_counts(connection, utcnow())
        by_status = {status.value: n for status, n in counts.by_status.items()}
        return [
            gauge(
                "caseflow_consultation_referrals",
                "Referrals by status: open, answered, deemed_no_objection (expired in silence), "
                "cancelled (the case ended first); every referral ever opened is in one of them.",
                by_status,
                "status",
            ),
            GaugeMetricFamily(
                "caseflow_consultation_referrals_overdue",
                "Open referrals past their deadline.",
                value=counts.overdue,
            ),
        ]

    return families
