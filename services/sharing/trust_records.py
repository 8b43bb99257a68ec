"""The point of contact's keys and trust registry in PostgreSQL: this state's signing keys,
partners with their keys, and every change with who made it and why."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from caseflow.uow import PostgresUnitOfWork
from services.sharing.signing import KeyStatus, SigningKey, TrustedKey


class PostgresTrustRecords(PostgresUnitOfWork):
    """Signing keys and the trust registry, inside the unit of work's transaction."""

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
