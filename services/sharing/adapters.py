"""The point of contact's records in PostgreSQL: keys, trust registry, nonces, notices received,
refused and on their way to partners."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from services.sharing.bundle_records import PostgresBundleRecords
from services.sharing.config import NOTICES_CONSUMER
from services.sharing.ports import Delivery
from services.sharing.trust_records import PostgresTrustRecords


class PostgresSharingUnitOfWork(PostgresTrustRecords, PostgresBundleRecords):
    """The sharing schema's records inside one transaction."""

    consumer = NOTICES_CONSUMER

    async def remember_nonce(self, state: str, nonce: str, at: datetime) -> bool:
        """True the first time a partner's nonce is seen."""
        fresh = await self.connection.fetchval(
            "INSERT INTO seen_nonces (state, nonce, seen_at) VALUES ($1, $2, $3)"
            " ON CONFLICT DO NOTHING RETURNING true",
            state,
            nonce,
            at,
        )
        return bool(fresh)

    async def forget_nonces(self, before: datetime) -> None:
        """Nonces older than the time window: a request that old is refused as stale anyway."""
        await self.connection.execute("DELETE FROM seen_nonces WHERE seen_at < $1", before)

    async def keep_received(
        self, state: str, notice_id: str, kind: str, key_id: str, headers: dict[str, str],
        body: str, at: datetime,
    ) -> bool:  # fmt: skip
        """Keep a verified notice with the headers it was signed with; False when it was
        received before."""
        kept = await self.connection.fetchval(
            "INSERT INTO received_notices (issuing_state, notice_id, kind, key_id,"
            " signed_headers, body, received_at) VALUES ($1, $2, $3, $4, $5::jsonb, $6, $7)"
            " ON CONFLICT DO NOTHING RETURNING true",
            state,
            notice_id,
            kind,
            key_id,
            json.dumps(headers),
            body,
            at,
        )
        return bool(kept)

    async def keep_refused(
        self, at: datetime, claimed_from: str | None, key_id: str | None, reason: str,
        message: str, remote: str | None, excerpt: str | None, kind: str | None = None,
    ) -> None:  # fmt: skip
        """Keep a refused request and why, for operators."""
        await self.connection.execute(
            "INSERT INTO refused_notices (refused_at, claimed_from, key_id, reason, message,"
            " remote, body_excerpt, kind) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
            at,
            claimed_from,
            key_id,
            reason,
            message,
            remote,
            excerpt,
            kind,
        )

    async def refused(self, limit: int, kind: str | None = None) -> list[dict[str, Any]]:
        """The latest refused requests (of one claimed kind, or all), newest first."""
        rows = await self.connection.fetch(
            "SELECT id, refused_at, claimed_from, key_id, reason, message, remote, body_excerpt,"
            " kind FROM refused_notices WHERE $2::text IS NULL OR kind = $2"
            " ORDER BY id DESC LIMIT $1",
            limit,
            kind,
        )
        return [dict(row) for row in rows]

    async def received(self, limit: int) -> list[dict[str, Any]]:
        """The latest notices received, newest first."""
        rows = await self.connection.fetch(
            "SELECT issuing_state, notice_id, kind, key_id, received_at FROM received_notices"
            " ORDER BY received_at DESC LIMIT $1",
            limit,
        )
        return [dict(row) for row in rows]

    async def send_to_partners(
        self, notice_id: str, kind: str, body: str, at: datetime, signing_key_id: str | None = None
    ) -> int:
        """Queue a notice for every partner in the registry; the number of deliveries queued
        (none for a notice queued before)."""
        queued = await self.connection.fetchval(
            "INSERT INTO outgoing_notices (notice_id, kind, body, created_at, signing_key_id)"
            " VALUES ($1, $2, $3::jsonb, $4, $5) ON CONFLICT DO NOTHING RETURNING true",
            notice_id,
            kind,
            body,
            at,
            signing_key_id,
        )
        if not queued:
            return 0
        rows = await self.connection.fetch(
            "INSERT INTO deliveries (partner, notice_id, next_attempt_at)"
            " SELECT state, $1, $2 FROM partners ORDER BY state RETURNING id",
            notice_id,
            at,
        )
        return len(rows)

    async def claim_due_deliveries(self, now: datetime, held_until: datetime) -> list[Delivery]:
        """Per partner, its oldest pending delivery if it is due, held until `held_until` (no
        other replica claims it meanwhile): a partner gets its notices in the order they were
        issued (a key rotation before what the new key signs)."""
        # Of two replicas claiming at once, the second waits for the first's row lock, then finds
        # the row held (the update re-checks `next_attempt_at` on the row as the first left it).
        rows = await self.connection.fetch(
            "WITH oldest AS (SELECT DISTINCT ON (partner) id FROM deliveries"
            "  WHERE status = 'pending' ORDER BY partner, id),"
            " claimed AS (UPDATE deliveries d SET next_attempt_at = $2 FROM oldest"
            "  WHERE d.id = oldest.id AND d.status = 'pending' AND d.next_attempt_at <= $1"
            "  RETURNING d.id, d.partner, d.notice_id, d.attempts)"
            " SELECT c.id, c.partner, p.url, c.notice_id, o.kind, o.body::text AS body,"
            " o.signing_key_id, c.attempts FROM claimed c"
            " JOIN partners p ON p.state = c.partner"
            " JOIN outgoing_notices o ON o.notice_id = c.notice_id ORDER BY c.partner",
            now,
            held_until,
        )
        return [
            Delivery(
                row["id"],
                row["partner"],
                row["url"],
                row["notice_id"],
                row["kind"],
                row["body"],
                row["signing_key_id"],
                row["attempts"],
            )
            for row in rows
        ]

    async def settle(self, delivery_id: int, status: str, error: str | None, at: datetime) -> None:
        """A delivery acknowledged (`delivered`) or refused by the partner for good."""
        await self.connection.execute(
            "UPDATE deliveries SET status = $2, last_error = $3, delivered_at = $4,"
            " attempts = attempts + 1 WHERE id = $1",
            delivery_id,
            status,
            error,
            at,
        )

    async def retry_later(self, delivery_id: int, error: str, at: datetime) -> None:
        """A failed attempt: try again at `at`."""
        await self.connection.execute(
            "UPDATE deliveries SET attempts = attempts + 1, last_error = $2,"
            " next_attempt_at = $3 WHERE id = $1",
            delivery_id,
            error,
            at,
        )

    async def deliveries(self, limit: int) -> list[dict[str, Any]]:
        """The latest deliveries, newest first."""
        rows = await self.connection.fetch(
            "SELECT d.id, d.partner, d.notice_id, o.kind, d.status, d.attempts,"
            " d.next_attempt_at, d.last_error, d.delivered_at FROM deliveries d"
            " JOIN outgoing_notices o ON o.notice_id = d.notice_id ORDER BY d.id DESC LIMIT $1",
            limit,
        )
        return [dict(row) for row in rows]

    async def add_risk_notice(self, draft: str, written_by: str, at: datetime) -> int:
        """Keep an officer's risk notice until it is countersigned; its number."""
        number: int = await self.connection.fetchval(
            "INSERT INTO risk_notices (draft, written_by, written_at) VALUES ($1::jsonb, $2, $3)"
            " RETURNING id",
            draft,
            written_by,
            at,
        )
        return number

    async def risk_notice_to_countersign(self, number: int) -> dict[str, Any] | None:
        """A risk notice, locked until the transaction ends; None if there is none."""
        row = await self.connection.fetchrow(
            "SELECT draft::text AS draft, written_by, countersigned_by FROM risk_notices"
            " WHERE id = $1 FOR UPDATE",
            number,
        )
        return dict(row) if row else None

    async def countersign_risk_notice(self, number: int, by: str, at: datetime) -> None:
        """Record the second officer's countersignature."""
        await self.connection.execute(
            "UPDATE risk_notices SET countersigned_by = $2, countersigned_at = $3 WHERE id = $1",
            number,
            by,
            at,
        )

    async def risk_notices(self, limit: int) -> list[dict[str, Any]]:
        """The latest risk notices, newest first."""
        rows = await self.connection.fetch(
            "SELECT id, draft::text AS draft, written_by, written_at, countersigned_by,"
            " countersigned_at FROM risk_notices ORDER BY id DESC LIMIT $1",
            limit,
        )
        return [dict(row) for row in rows]

    async def received_notices(self, kind: str, limit: int) -> list[dict[str, Any]]:
        """The latest notices of a kind partners sent (verified), newest first, as they sent
        them."""
        rows = await self.connection.fetch(
            "SELECT issuing_state, notice_id, received_at, body FROM received_notices"
            " WHERE kind = $1 ORDER BY received_at DESC LIMIT $2",
            kind,
            limit,
        )
        return [dict(row) for row in rows]
