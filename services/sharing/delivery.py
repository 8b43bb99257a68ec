"""The outbox to partner states: each queued notice posted to each partner's point of contact,
signed afresh at every attempt, retried with backoff until the partner acknowledges it."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import timedelta

import httpx
import structlog
from prometheus_client import Counter

from schemas.envelope import utcnow
from services.sharing.config import EXCHANGE_PATH
from services.sharing.handlers import StateIdentity
from services.sharing.ports import Delivery, SharingStore
from services.sharing.signing import sign_request

log = structlog.get_logger(__name__)

ATTEMPTS = Counter(
    "caseflow_sharing_delivery_attempts",
    "Attempts to deliver a notice to a partner, by outcome.",
    ["outcome"],
)
# A partner that does not (yet) trust our key may record it soon: try again, as for an outage.
RETRIED_REFUSALS = {"unknown_key"}
# A delivery being attempted is held this long (beyond the HTTP client's timeout): no other
# replica attempts it meanwhile, and one whose replica died mid-attempt is attempted after it.
ATTEMPT_HELD = timedelta(seconds=60)


def backoff(attempts: int, longest: float) -> float:
    """Seconds to wait after `attempts` failed attempts: 1, 2, 4 … up to `longest`."""
    return float(min(longest, 2.0 ** min(attempts, 20)))


@dataclass
class Courier:
    """Delivers due notices, one at a time per partner and in the order they were queued."""

    store: SharingStore
    identity: StateIdentity
    http: httpx.AsyncClient
    longest_wait: float = 60.0
    poll_seconds: float = 0.5

    async def run(self) -> None:
        """Deliver what is due, forever."""
        while True:
            try:
                await self.deliver_due()
            except Exception as error:  # an outage of PostgreSQL: wait, then go on
                log.warning("deliveries paused", error=repr(error))
                await asyncio.sleep(2.0)
            await asyncio.sleep(self.poll_seconds)

    async def deliver_due(self) -> int:
        """One attempt for each partner's next due delivery not held by another replica; the
        number acknowledged."""
        now = utcnow()
        async with self.store.unit_of_work() as uow:
            due = await uow.claim_due_deliveries(now, now + ATTEMPT_HELD)
        outcomes = await asyncio.gather(*(self._attempt(delivery) for delivery in due))
        return sum(outcomes)

    async def _attempt(self, delivery: Delivery) -> bool:
        async with self.store.unit_of_work() as uow:
            key = await uow.signing_key(delivery.signing_key_id)
        if key is None:
            await self._later(delivery, "no signing key yet")
            return False
        body = delivery.body.encode()
        signed = sign_request(
            key, "POST", EXCHANGE_PATH, body,
            sender=self.identity.code, addressee=delivery.partner, now=utcnow(),
        )  # fmt: skip
        headers = {**signed.as_headers(), "Content-Type": "application/json"}
        try:
            reply = await self.http.post(
                delivery.url + EXCHANGE_PATH, content=body, headers=headers
            )
        except httpx.HTTPError as error:
            await self._later(delivery, f"{delivery.url} does not answer: {error!r}")
            return False
        if reply.status_code < 300:
            await self._settle(delivery, "delivered", None)
            return True
        reason = _reason(reply)
        if reply.status_code >= 500 or reason in RETRIED_REFUSALS:
            await self._later(delivery, f"{reply.status_code} {reason}: {reply.text[:300]}")
            return False
        await self._settle(delivery, "refused", f"{reply.status_code} {reason}: {reply.text[:500]}")
        return False

    async def _settle(self, delivery: Delivery, status: str, error: str | None) -> None:
        ATTEMPTS.labels(status).inc()
        log.info(
            "notice " + status, partner=delivery.partner, notice=delivery.notice_id, error=error
        )
        async with self.store.unit_of_work() as uow:
            await uow.settle(delivery.id, status, error, utcnow())

    async def _later(self, delivery: Delivery, error: str) -> None:
        ATTEMPTS.labels("retried").inc()
        wait = backoff(delivery.attempts, self.longest_wait)
        log.info("notice not delivered yet", partner=delivery.partner, retry_in=wait, error=error)
        async with self.store.unit_of_work() as uow:
            await uow.retry_later(delivery.id, error, utcnow() + timedelta(seconds=wait))


def _reason(reply: httpx.Response) -> str:
    try:
        return str(reply.json().get("reason", ""))
    except (ValueError, AttributeError):
        return ""
