"""Case data encrypted in Temporal: an AES-GCM payload codec with named, rotatable keys."""

from __future__ import annotations

import base64
import binascii
import os
from collections.abc import Sequence
from dataclasses import dataclass

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from temporalio.api.common.v1 import Payload
from temporalio.converter import PayloadCodec

ENCODING = b"binary/encrypted"
KEY_ID = "encryption-key-id"
NONCE_BYTES = 12


class PayloadKeyError(ValueError):
    """A key list that cannot be used, or a payload whose key is not in it."""


@dataclass(frozen=True)
class PayloadKeys:
    """Named AES keys: the first encrypts; every one of them still decrypts (rotation)."""

    keys: tuple[tuple[str, bytes], ...]

    def __post_init__(self) -> None:
        if not self.keys:
            raise PayloadKeyError("at least one payload key is needed")
        for key_id, key in self.keys:
            if not key_id or not key_id.isascii() or ":" in key_id or "," in key_id:
                raise PayloadKeyError(f"key id {key_id!r}: use letters, digits, '-' or '_'")
            if len(key) not in (16, 24, 32):
                raise PayloadKeyError(f"key {key_id}: {len(key)} bytes; AES needs 16, 24 or 32")

    def __repr__(self) -> str:
        # The key material never reaches a log line or a traceback.
        return f"PayloadKeys(active={self.active_id!r}, ids={[i for i, _ in self.keys]!r})"

    @property
    def active_id(self) -> str:
        """The id of the key new payloads are encrypted with."""
        return self.keys[0][0]

    def key(self, key_id: str) -> bytes:
        """The key named `key_id`, or `PayloadKeyError`."""
        for known, key in self.keys:
            if known == key_id:
                return key
        raise PayloadKeyError(f"payload encrypted with key {key_id!r}, which is not configured")

    @classmethod
    def parse(cls, text: str) -> PayloadKeys:
        """Read `id:base64key[,id:base64key…]`, the active key first."""
        pairs: list[tuple[str, bytes]] = []
        for item in filter(None, (part.strip() for part in text.split(","))):
            key_id, _, encoded = item.partition(":")
            try:
                pairs.append((key_id.strip(), base64.b64decode(encoded.strip(), validate=True)))
            except (binascii.Error, ValueError) as error:
                raise PayloadKeyError(f"key {key_id.strip()!r} is not base64") from error
        return cls(tuple(pairs))

    def format(self) -> str:
        """The `id:base64key,…` form `parse` reads."""
        return ",".join(f"{i}:{base64.b64encode(key).decode()}" for i, key in self.keys)

    @classmethod
    def generate(cls, key_id: str) -> PayloadKeys:
        """One fresh 256-bit key."""
        return cls(((key_id, AESGCM.generate_key(bit_length=256)),))


class EncryptionCodec(PayloadCodec):
    """Encrypts every payload with the active key; decrypts by the key id it carries.

    A payload without the encrypted marker is passed through on decode, so histories written
    before encryption was switched on still read and replay.
    """

    def __init__(self, keys: PayloadKeys) -> None:
        self._keys = keys

    async def encode(self, payloads: Sequence[Payload]) -> list[Payload]:
        """Encrypt each payload whole (metadata and data) under the active key."""
        key_id = self._keys.active_id
        cipher = AESGCM(self._keys.key(key_id))
        encrypted = []
        for payload in payloads:
            nonce = os.urandom(NONCE_BYTES)
            sealed = cipher.encrypt(nonce, payload.SerializeToString(), key_id.encode())
            encrypted.append(
                Payload(
                    metadata={"encoding": ENCODING, KEY_ID: key_id.encode()},
                    data=nonce + sealed,
                )
            )
        return encrypted

    async def decode(self, payloads: Sequence[Payload]) -> list[Payload]:
        """Decrypt encrypted payloads; hand others back unchanged."""
        return [self._decrypt(payload) for payload in payloads]

    def _decrypt(self, payload: Payload) -> Payload:
        if payload.metadata.get("encoding") != ENCODING:
            return payload
        key_id = payload.metadata.get(KEY_ID, b"").decode(errors="replace")
        nonce, sealed = payload.data[:NONCE_BYTES], payload.data[NONCE_BYTES:]
        try:
            plain = AESGCM(self._keys.key(key_id)).decrypt(nonce, sealed, key_id.encode())
        except InvalidTag as error:
            raise PayloadKeyError(f"payload under key {key_id!r} fails authentication") from error
        decrypted = Payload()
        decrypted.ParseFromString(plain)
        return decrypted
