"""The point of contact's records in PostgreSQL: keys, trust registry, nonces, notices received,
refused and on their way to partners."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from services.sharing.bundle_records import PostgresBundleRecords
from services.sharing.config import NOTICES_CONSUMER
from services.sharing.ports import Delivery
from services.sharing.signing import KeyStatus, SigningKey, TrustedKey


class PostgresSharingUnitOfWork(PostgresBundleRecords):
    """The sharing schema's records inside one transaction."""

    consumer = NOTICES_CONSUMER

    async def signing_key(self, key_id: str | None = None) -> SigningKey | None:
        """The key that signs now (the newest not retired), or the named one."""
        if key_id is None:
            row = await self.connection.fetchrow(
                "SELECT key_id, private_pem FROM signing_keys WHERE retired_at IS NULL"
                " ORDER BY created_at DESC LIMIT 1"
            )
        else:
            row = await self.connection.fetchrow(
                "SELECT key_id, private_pem FROM signing_keys WHERE key_id = $1", key_id
            )
        return SigningKey.from_pem(row["key_id"], bytes(row["private_pem"])) if row else None

    async def signing_keys(self) -> list[dict[str, Any]]:
        """Every key this state ever signed with, newest first (public halves only)."""
        rows = await self.connection.fetch(
            "SELECT key_id, public_key, created_at, created_by, reason, retired_at"
            " FROM signing_keys ORDER BY created_at DESC"
        )
        return [dict(row) for row in rows]

    async def add_signing_key(self, key: SigningKey, by: str, reason: str, at: datetime) -> None:
        """Make `key` the one that signs; the one before it is retired."""
        await self.connection.execute(
            "UPDATE signing_keys SET retired_at = $1 WHERE retired_at IS NULL", at
        )
        await self.connection.execute(
            "INSERT INTO signing_keys (key_id, private_pem, public_key, created_at, created_by,"
            " reason) VALUES ($1, $2, $3, $4, $5, $6)",
            key.key_id,
            key.pem(),
            key.public_text(),
            at,
            by,
            reason,
        )

    async def record_change(
        self, at: datetime, by: str, action: str, state: str, key_id: str | None, reason: str
    ) -> None:
        """Keep who changed the registry or this state's keys, and why."""
        await self.connection.execute(
            "INSERT INTO registry_changes (changed_at, changed_by, action, state, key_id, reason)"
            " VALUES ($1, $2, $3, $4, $5, $6)",
            at,
            by,
            action,
            state,
            key_id,
            reason,
        )

    async def partner_url(self, state: str) -> str | None:
        """A partner's point of contact, None for a state not in the registry."""
        url: str | None = await self.connection.fetchval(
            "SELECT url FROM partners WHERE state = $1", state
        )
        return url

    async def add_partner(self, state: str, name: str, url: str, by: str, at: datetime) -> bool:
        """Register a partner state; False if it already is."""
        added = await self.connection.fetchval(
            "INSERT INTO partners (state, name, url, added_at, added_by)"
            " VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING RETURNING true",
            state,
            name,
            url,
            at,
            by,
        )
        return bool(added)

    async def add_partner_key(self, state: str, key_id: str, public: str, at: datetime) -> bool:
        """Trust a new key of a partner; its other active keys are retired (grace begins).
        False when that key id is already known."""
        known = await self.connection.fetchval(
            "SELECT true FROM partner_keys WHERE state = $1 AND key_id = $2", state, key_id
        )
        if known:
            return False
        await self.connection.execute(
            "UPDATE partner_keys SET status = $2, retired_at = $3 WHERE state = $1 AND status = $4",
            state,
            KeyStatus.RETIRED.value,
            at,
            KeyStatus.ACTIVE.value,
        )
        await self.connection.execute(
            "INSERT INTO partner_keys (state, key_id, public_key, status, added_at)"
            " VALUES ($1, $2, $3, $4, $5)",
            state,
            key_id,
            public,
            KeyStatus.ACTIVE.value,
            at,
        )
        return True

    async def revoke_keys(self, state: str, key_id: str | None, at: datetime) -> list[str]:
        """Revoke one key of a partner, or all of them; the ids revoked."""
        rows = await self.connection.fetch(
            "UPDATE partner_keys SET status = $3, revoked_at = $4 WHERE state = $1"
            " AND ($2::text IS NULL OR key_id = $2) AND status <> $3 RETURNING key_id",
            state,
            key_id,
            KeyStatus.REVOKED.value,
            at,
        )
        return [row["key_id"] for row in rows]

    async def trusted_key(self, state: str, key_id: str) -> TrustedKey | None:
        """A partner's key as the registry holds it, None if unknown."""
        row = await self.connection.fetchrow(
            "SELECT state, key_id, public_key, status, retired_at FROM partner_keys"
            " WHERE state = $1 AND key_id = $2",
            state,
            key_id,
        )
        if row is None:
            return None
        return TrustedKey(
            row["state"], row["key_id"], row["public_key"], KeyStatus(row["status"]),
            row["retired_at"],
        )  # fmt: skip

    async def registry(self) -> list[dict[str, Any]]:
        """Every partner with its keys and the changes made to it."""
        partners = [dict(row) for row in await self.connection.fetch(
            "SELECT state, name, url, added_at, added_by FROM partners ORDER BY state"
        )]  # fmt: skip
        keys = await self.connection.fetch(
            "SELECT state, key_id, public_key, status, added_at, retired_at, revoked_at"
            " FROM partner_keys ORDER BY added_at"
        )
        changes = await self.connection.fetch(
            "SELECT changed_at, changed_by, action, state, key_id, reason FROM registry_changes"
            " ORDER BY id"
        )
        for partner in partners:
            partner["keys"] = [dict(k) for k in keys if k["state"] == partner["state"]]
            partner["changes"] = [dict(c) for c in changes if c["state"] == partner["state"]]
        return partners

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

    async def due_deliveries(self, now: datetime) -> list[Delivery]:
        """Per partner, its oldest pending delivery if it is due: a partner gets its notices in
        the order they were issued (a key rotation before what the new key signs)."""
        rows = await self.connection.fetch(
            "SELECT DISTINCT ON (d.partner) d.id, d.partner, p.url, d.notice_id, o.kind,"
            " o.body::text AS body, o.signing_key_id, d.attempts, d.next_attempt_at"
            " FROM deliveries d JOIN partners p ON p.state = d.partner"
            " JOIN outgoing_notices o ON o.notice_id = d.notice_id"
            " WHERE d.status = 'pending' ORDER BY d.partner, d.id"
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
            if row["next_attempt_at"] <= now
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

    async def received_risk_notices(self, limit: int) -> list[dict[str, Any]]:
        """The latest risk notices partners sent (verified), newest first, as they sent them."""
        rows = await self.connection.fetch(
            "SELECT issuing_state, notice_id, received_at, body FROM received_notices"
            " WHERE kind = 'risk' ORDER BY received_at DESC LIMIT $1",
            limit,
        )
        return [dict(row) for row in rows]
