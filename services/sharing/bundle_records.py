"""The point of contact's policy bundles in PostgreSQL: this state's, partners' as proposals,
and every adoption with the document it put in force."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from pydantic import JsonValue

from caseflow.uow import PostgresUnitOfWork
from schemas.sharing import PolicyBundle

# One adoption at a time: each starts from the document the one before it put in force.
ADOPTION_LOCK = 0x5A11B0D1


class PostgresBundleRecords(PostgresUnitOfWork):
    """Policy bundles and adoptions, inside the unit of work's transaction."""

    async def add_own_bundle(self, bundle: PolicyBundle) -> None:
        """Keep a bundle this state publishes."""
        await self.connection.execute(
            "INSERT INTO own_bundles (bundle_version, content_hash, body, published_by,"
            " published_role, published_at, reason) VALUES ($1, $2, $3::jsonb, $4, $5, $6, $7)",
            bundle.bundle_version, bundle.content_hash, bundle.model_dump_json(),
            bundle.published_by, bundle.published_role, bundle.published_at, bundle.reason,
        )  # fmt: skip

    async def latest_own_bundle(self) -> tuple[int, str] | None:
        """The version and content hash of this state's latest bundle, locked until the
        transaction ends (the next version is one more)."""
        await self.connection.execute("LOCK TABLE own_bundles IN SHARE ROW EXCLUSIVE MODE")
        row = await self.connection.fetchrow(
            "SELECT bundle_version, content_hash FROM own_bundles"
            " ORDER BY bundle_version DESC LIMIT 1"
        )
        return (row["bundle_version"], row["content_hash"]) if row else None

    async def own_bundles(self, limit: int) -> list[dict[str, Any]]:
        """This state's bundles, newest first (without their parts)."""
        rows = await self.connection.fetch(
            "SELECT bundle_version, content_hash, published_by, published_role, published_at,"
            " reason FROM own_bundles ORDER BY bundle_version DESC LIMIT $1",
            limit,
        )
        return [dict(row) for row in rows]

    async def keep_proposal(self, bundle: PolicyBundle, at: datetime) -> None:
        """Keep a partner's verified bundle as a proposal."""
        await self.connection.execute(
            "INSERT INTO received_bundles (issuing_state, bundle_version, content_hash, body,"
            " published_by, published_at, received_at) VALUES ($1, $2, $3, $4::jsonb, $5, $6, $7)"
            " ON CONFLICT DO NOTHING",
            bundle.issuing_state, bundle.bundle_version, bundle.content_hash,
            bundle.model_dump_json(), bundle.published_by, bundle.published_at, at,
        )  # fmt: skip

    async def proposals(self, limit: int) -> list[dict[str, Any]]:
        """Partners' bundles, newest first, with how many adoptions each has had."""
        rows = await self.connection.fetch(
            "SELECT r.issuing_state, r.bundle_version, r.content_hash, r.published_by,"
            " r.published_at, r.received_at, r.body->>'reason' AS reason,"
            " (SELECT count(*) FROM bundle_adoptions a WHERE a.issuing_state = r.issuing_state"
            "  AND a.bundle_version = r.bundle_version) AS adoptions"
            " FROM received_bundles r ORDER BY r.received_at DESC LIMIT $1",
            limit,
        )
        return [dict(row) for row in rows]

    async def proposal(self, state: str, version: int) -> PolicyBundle | None:
        """A partner's bundle as received, None if there is none."""
        body = await self.connection.fetchval(
            "SELECT body::text FROM received_bundles WHERE issuing_state = $1"
            " AND bundle_version = $2",
            state,
            version,
        )
        return PolicyBundle.model_validate_json(body) if body else None

    async def lock_adoptions(self) -> None:
        """Wait for any other adoption to end."""
        await self.connection.execute("SELECT pg_advisory_xact_lock($1)", ADOPTION_LOCK)

    async def add_adoption(
        self, state: str, version: int, part: str, keys: list[str], document: dict[str, JsonValue],
        by: str, role: str, reason: str, at: datetime,
    ) -> int:  # fmt: skip
        """Record an adoption and the part's document it puts in force; its number."""
        number: int = await self.connection.fetchval(
            "INSERT INTO bundle_adoptions (issuing_state, bundle_version, part, keys, document,"
            " policy_version, adopted_by, adopted_role, reason, adopted_at)"
            " VALUES ($1, $2, $3, $4::jsonb, $5::jsonb, $6, $7, $8, $9, $10) RETURNING id",
            state, version, part, json.dumps(keys), json.dumps(document),
            str(document.get("version", "")), by, role, reason, at,
        )  # fmt: skip
        return number

    async def adoptions(self, state: str | None, version: int | None) -> list[dict[str, Any]]:
        """Adoptions, newest first: of one bundle, or all."""
        rows = await self.connection.fetch(
            "SELECT id, issuing_state, bundle_version, part, keys::text AS keys, policy_version,"
            " adopted_by, adopted_role, reason, adopted_at FROM bundle_adoptions"
            " WHERE ($1::text IS NULL OR issuing_state = $1)"
            " AND ($2::integer IS NULL OR bundle_version = $2) ORDER BY id DESC",
            state,
            version,
        )
        return [{**dict(row), "keys": json.loads(row["keys"])} for row in rows]

    async def adopted_documents(self) -> dict[str, dict[str, JsonValue]]:
        """Per part, the document its latest adoption put in force."""
        rows = await self.connection.fetch(
            "SELECT DISTINCT ON (part) part, document::text AS document FROM bundle_adoptions"
            " ORDER BY part, id DESC"
        )
        return {row["part"]: json.loads(row["document"]) for row in rows}
