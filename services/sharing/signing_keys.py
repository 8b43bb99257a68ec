"""This state's signing keys: the first made on first start, each rotation told to every partner
signed with the key it replaces."""

from __future__ import annotations

from datetime import datetime

from schemas.sharing import ExchangedNotice, ExchangeKind, KeyRotated
from services.sharing.exchanged import rotation_id
from services.sharing.handlers import StateIdentity
from services.sharing.ports import SharingStore
from services.sharing.signing import SigningKey


async def ensure_signing_key(store: SharingStore, identity: StateIdentity, now: datetime) -> str:
    """This state's signing key id, made on first start."""
    async with store.unit_of_work() as uow:
        key = await uow.signing_key()
        if key is not None:
            return key.key_id
        key = SigningKey.generate(identity.code, now)
        await uow.add_signing_key(key, "caseflow", "first start of the point of contact", now)
        await uow.record_change(now, "caseflow", "key created", identity.code, key.key_id, "first")
        return key.key_id


async def rotate_signing_key(
    store: SharingStore, identity: StateIdentity, by: str, reason: str, now: datetime
) -> KeyRotated:
    """A new signing key; every partner is told, signed with the key it replaces."""
    async with store.unit_of_work() as uow:
        previous = await uow.signing_key()
        key = SigningKey.generate(identity.code, now)
        await uow.add_signing_key(key, by, reason, now)
        await uow.record_change(now, by, "key rotated", identity.code, key.key_id, reason)
        if previous is None:
            raise ValueError("no signing key to rotate")
        rotation = KeyRotated(
            state=identity.code,
            previous_key_id=previous.key_id,
            key_id=key.key_id,
            public_key=key.public_text(),
            rotated_at=now,
        )
        exchanged = ExchangedNotice(
            issuing_state=identity.code,
            kind=ExchangeKind.KEY_ROTATION,
            notice_id=rotation_id(rotation),
            notice=rotation.model_dump(mode="json"),
        )
        await uow.send_to_partners(
            exchanged.notice_id, exchanged.kind.value, exchanged.model_dump_json(), now,
            signing_key_id=previous.key_id,
        )  # fmt: skip
        return rotation
