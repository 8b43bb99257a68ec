"""The trust registry's changes by operators: a partner added with its first key, a new key of a
partner recorded (the previous one retired), keys revoked; each with who and why."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field, field_validator

from schemas.types import CountryCode
from services.sharing.ports import SharingStore
from services.sharing.signing import public_key

REASON = Field(min_length=3, max_length=2000, description="Why (kept with the change).")


class RegistryRefused(Exception):
    """A registry change refused; nothing changed."""

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(message)
        self.reason = reason


class PartnerKey(BaseModel):
    """A partner's public key as its operators gave it."""

    key_id: str = Field(min_length=1, max_length=80, pattern=r"^[A-Za-z0-9._-]+$")
    public_key: str = Field(description="Ed25519 public key, 32 bytes in base64url.")
    reason: str = REASON

    @field_validator("public_key")
    @classmethod
    def _ed25519(cls, value: str) -> str:
        public_key(value)  # raises ValueError with what is wrong
        return value.strip()


class PartnerWanted(PartnerKey):
    """A partner state to trust: who, where its point of contact is, its first key."""

    state: CountryCode
    name: str = Field(min_length=2, max_length=200)
    url: str = Field(
        min_length=8, max_length=500, pattern=r"^https?://", description="Its point of contact."
    )


class Reasoned(BaseModel):
    """A change that needs only its reason."""

    reason: str = REASON


class RevocationWanted(Reasoned):
    """Keys of a partner no longer to trust: one, or (no key id) all of them."""

    key_id: str | None = Field(default=None, max_length=80)


async def add_partner(store: SharingStore, wanted: PartnerWanted, by: str, now: datetime) -> None:
    """Trust a partner state and its first key."""
    async with store.unit_of_work() as uow:
        url = wanted.url.rstrip("/")
        if not await uow.add_partner(wanted.state, wanted.name, url, by, now):
            raise RegistryRefused(
                "known_partner", f"{wanted.state} is already a partner: rotate or revoke its keys"
            )
        await uow.add_partner_key(wanted.state, wanted.key_id, wanted.public_key, now)
        await uow.record_change(
            now, by, "partner added", wanted.state, wanted.key_id, wanted.reason
        )


async def rotate_partner_key(
    store: SharingStore, state: str, wanted: PartnerKey, by: str, now: datetime
) -> None:
    """Trust a partner's new key; its previous one is retired (accepted for the grace period)."""
    async with store.unit_of_work() as uow:
        if await uow.partner_url(state) is None:
            raise RegistryRefused("unknown_partner", f"{state} is not a partner: add it first")
        if not await uow.add_partner_key(state, wanted.key_id, wanted.public_key, now):
            raise RegistryRefused("known_key", f"key {wanted.key_id} of {state} is known already")
        await uow.record_change(now, by, "key rotated", state, wanted.key_id, wanted.reason)


async def revoke_partner_keys(
    store: SharingStore, state: str, wanted: RevocationWanted, by: str, now: datetime
) -> list[str]:
    """Never trust these keys again; the ids revoked."""
    async with store.unit_of_work() as uow:
        if await uow.partner_url(state) is None:
            raise RegistryRefused("unknown_partner", f"{state} is not a partner")
        revoked = await uow.revoke_keys(state, wanted.key_id, now)
        if not revoked:
            raise RegistryRefused(
                "nothing_to_revoke", f"{state} has no such key that is not revoked already"
            )
        for key_id in revoked:
            await uow.record_change(now, by, "key revoked", state, key_id, wanted.reason)
        return revoked
