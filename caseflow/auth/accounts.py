"""Accounts in PostgreSQL (schema `auth`): argon2 password hashes, roles, disabling."""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from pathlib import Path

import asyncpg
from pwdlib import PasswordHash
from pwdlib.hashers.argon2 import Argon2Hasher

from caseflow.auth.model import AccountRefused, Principal, Role
from caseflow.db import create_pool, migrate

SCHEMA = "auth"
MIGRATIONS = Path(__file__).parent / "migrations"
MIN_PASSWORD_LENGTH = 10
# Agency codes and stakeholder ids go into visibility queries and URLs: plain characters only.
IDENTIFIER = re.compile(r"[A-Za-z0-9._-]{1,80}")


@cache
def _hasher() -> PasswordHash:
    return PasswordHash((Argon2Hasher(),))


@cache
def _decoy_hash() -> str:
    """Checked against when the account is unknown, so that a miss takes as long as a hit."""
    return _hasher().hash("no account has this password")


@dataclass(frozen=True)
class AccountRecord:
    """An account as `caseflow users list` shows it (never its hash)."""

    name: str
    role: str
    speaks_for: str
    disabled: bool
    created_at: datetime


class Accounts:
    """Adds, lists, disables and authenticates accounts."""

    def __init__(self, pool: asyncpg.Pool) -> None:
        self.pool = pool

    async def add(self, principal: Principal, password: str) -> None:
        """Create an account; `AccountRefused` if the name is taken or the details are wrong."""
        _check(principal, password)
        hashed = await asyncio.to_thread(_hasher().hash, password)
        try:
            await self.pool.execute(
                "INSERT INTO accounts (name, role, agency, stakeholder, password_hash)"
                " VALUES ($1, $2, $3, $4, $5)",
                principal.name,
                principal.role.value,
                principal.agency,
                principal.stakeholder,
                hashed,
            )
        except asyncpg.UniqueViolationError as error:
            raise AccountRefused(f"an account named '{principal.name}' exists") from error

    async def authenticate(self, name: str, password: str) -> Principal | None:
        """The principal when the name and password match an enabled account."""
        row = await self.pool.fetchrow(
            "SELECT * FROM accounts WHERE name = $1 AND NOT disabled", name
        )
        stored = row["password_hash"] if row is not None else _decoy_hash()
        matches = await asyncio.to_thread(_hasher().verify, password, stored)
        return _principal(row) if row is not None and matches else None

    async def is_active(self, name: str) -> bool:
        """True while the account exists and is not disabled."""
        found = await self.pool.fetchval("SELECT NOT disabled FROM accounts WHERE name = $1", name)
        return bool(found)

    async def disable(self, name: str) -> bool:
        """Disable an account (kept for the record); False if there is none of that name."""
        status = await self.pool.execute(
            "UPDATE accounts SET disabled = true, disabled_at = now() WHERE name = $1", name
        )
        return status.endswith(" 1")

    async def disabled_names(self) -> list[str]:
        """The names of every disabled account, for verifiers to refuse their tokens."""
        rows = await self.pool.fetch("SELECT name FROM accounts WHERE disabled ORDER BY name")
        return [row["name"] for row in rows]

    async def listing(self) -> list[AccountRecord]:
        """Every account, by role then name."""
        rows = await self.pool.fetch("SELECT * FROM accounts ORDER BY role, name")
        return [
            AccountRecord(
                name=row["name"],
                role=row["role"],
                speaks_for=row["agency"] or row["stakeholder"] or "",
                disabled=row["disabled"],
                created_at=row["created_at"],
            )
            for row in rows
        ]


@asynccontextmanager
async def open_accounts(database_url: str) -> AsyncIterator[Accounts]:
    """The accounts on a migrated `auth` schema, for as long as the block runs."""
    await migrate(database_url, SCHEMA, MIGRATIONS)
    pool = await create_pool(database_url, SCHEMA, size=3)
    try:
        yield Accounts(pool)
    finally:
        await pool.close()


def _check(principal: Principal, password: str) -> None:
    problems = []
    if not principal.name.strip() or principal.name != principal.name.strip():
        problems.append("the name must be non-empty without surrounding spaces")
    if len(password) < MIN_PASSWORD_LENGTH:
        problems.append(f"the password needs at least {MIN_PASSWORD_LENGTH} characters")
    speaks_for = [principal.agency, principal.stakeholder]
    if not all(IDENTIFIER.fullmatch(code) for code in speaks_for if code):
        problems.append("agency codes and stakeholder ids are letters, digits, '.', '_' and '-'")
    if (principal.role is Role.AGENCY) != bool(principal.agency):
        problems.append("an agency account, and only one, names its agency")
    if (principal.role is Role.STAKEHOLDER) != bool(principal.stakeholder):
        problems.append("a stakeholder account, and only one, names its stakeholder id")
    if problems:
        raise AccountRefused("; ".join(problems))


def _principal(row: asyncpg.Record) -> Principal:
    return Principal(
        name=row["name"],
        role=Role(row["role"]),
        agency=row["agency"],
        stakeholder=row["stakeholder"],
    )
