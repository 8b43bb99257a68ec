"""Signed exchange requests between points of contact: the issuing state's Ed25519 key over the
method, path, body digest, time, nonce, sender, addressee and key id; pure rules, no I/O."""

from __future__ import annotations

import base64
import hashlib
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

SCHEME = "caseflow-exchange-v1"
# The request headers that carry the signature and what it covers, by field.
HEADERS = {
    "sender": "Caseflow-From",
    "addressee": "Caseflow-To",
    "key_id": "Caseflow-Key-Id",
    "timestamp": "Caseflow-Timestamp",
    "nonce": "Caseflow-Nonce",
    "digest": "Content-Digest",
    "signature": "Caseflow-Signature",
}


class RefusalReason(StrEnum):
    """Why a point of contact refused a request; kept with the refused notice."""

    UNSIGNED = "unsigned"
    OVERSIZED = "oversized"
    UNKNOWN_KEY = "unknown_key"
    REVOKED_KEY = "revoked_key"
    FORGED = "forged"
    TAMPERED = "tampered"
    WRONG_ADDRESSEE = "wrong_addressee"
    STALE = "stale"
    REPLAY = "replay"
    MALFORMED = "malformed"
    WRONG_ISSUER = "wrong_issuer"


class Refused(Exception):
    """A request the point of contact refuses, with its reason; it changes nothing."""

    def __init__(self, reason: RefusalReason, message: str) -> None:
        super().__init__(message)
        self.reason = reason


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


@dataclass(frozen=True)
class SigningKey:
    """One of this state's signing keys: its id and private half."""

    key_id: str
    private: Ed25519PrivateKey

    @classmethod
    def generate(cls, state: str, now: datetime) -> SigningKey:
        """A new key, its id naming the state and the day (`DE-20261206-1a2b3c4d`)."""
        return cls(f"{state}-{now:%Y%m%d}-{secrets.token_hex(4)}", Ed25519PrivateKey.generate())

    @classmethod
    def from_pem(cls, key_id: str, pem: bytes) -> SigningKey:
        """A stored key (PKCS#8 PEM)."""
        private = serialization.load_pem_private_key(pem, password=None)
        if not isinstance(private, Ed25519PrivateKey):
            raise ValueError(f"key {key_id} is not an Ed25519 key")
        return cls(key_id, private)

    def pem(self) -> bytes:
        """The private half as PKCS#8 PEM, for the sharing schema only."""
        return self.private.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )

    def public_text(self) -> str:
        """The public half as partners record it: the 32 raw bytes, base64url."""
        raw = self.private.public_key().public_bytes(
            serialization.Encoding.Raw, serialization.PublicFormat.Raw
        )
        return _b64(raw)


def public_key(text: str) -> Ed25519PublicKey:
    """A partner's public key from its text; ValueError names what is wrong with it."""
    try:
        raw = _unb64(text.strip())
    except (ValueError, TypeError) as error:
        raise ValueError("a public key is 32 bytes in base64url") from error
    if len(raw) != 32:
        raise ValueError(f"a public key is 32 bytes in base64url, this one has {len(raw)}")
    return Ed25519PublicKey.from_public_bytes(raw)


@dataclass(frozen=True)
class SignedHeaders:
    """What a signed exchange request carries beside its body."""

    sender: str
    addressee: str
    key_id: str
    timestamp: int
    nonce: str
    digest: str
    signature: str

    def as_headers(self) -> dict[str, str]:
        """The HTTP headers of the request."""
        return {name: str(getattr(self, field)) for field, name in HEADERS.items()}

    @classmethod
    def from_headers(cls, headers: Mapping[str, str]) -> SignedHeaders:
        """The signed headers of a request; `Refused(UNSIGNED)` lists every one missing."""
        missing = [name for name in HEADERS.values() if not headers.get(name)]
        if missing:
            raise Refused(RefusalReason.UNSIGNED, f"not signed: missing {', '.join(missing)}")
        values = {field: headers[name] for field, name in HEADERS.items()}
        try:
            timestamp = int(values.pop("timestamp"))
        except ValueError as error:
            raise Refused(
                RefusalReason.UNSIGNED, f"{HEADERS['timestamp']} is not a number of seconds"
            ) from error
        return cls(timestamp=timestamp, **values)


def body_digest(body: bytes) -> str:
    """The body's SHA-256 digest as RFC 9530's Content-Digest writes it."""
    return f"sha-256=:{base64.b64encode(hashlib.sha256(body).digest()).decode()}:"


def signing_input(method: str, path: str, signed: SignedHeaders) -> bytes:
    """The exact bytes the signature covers, one field a line."""
    fields = (
        SCHEME,
        method.upper(),
        path,
        signed.sender,
        signed.addressee,
        signed.key_id,
        str(signed.timestamp),
        signed.nonce,
        signed.digest,
    )
    return "\n".join(fields).encode()


def sign_request(
    key: SigningKey,
    method: str,
    path: str,
    body: bytes,
    *,
    sender: str,
    addressee: str,
    now: datetime,
    nonce: str | None = None,
) -> SignedHeaders:
    """Sign one request for one addressee; each attempt gets a new nonce and time."""
    unsigned = SignedHeaders(
        sender=sender,
        addressee=addressee,
        key_id=key.key_id,
        timestamp=int(now.timestamp()),
        nonce=nonce or secrets.token_urlsafe(18),
        digest=body_digest(body),
        signature="",
    )
    signature = _b64(key.private.sign(signing_input(method, path, unsigned)))
    return SignedHeaders(**{**vars(unsigned), "signature": signature})


class KeyStatus(StrEnum):
    """A partner key's standing in the trust registry."""

    ACTIVE = "active"
    RETIRED = "retired"  # replaced by a rotation; accepted for the grace period only
    REVOKED = "revoked"  # never accepted again


@dataclass(frozen=True)
class TrustedKey:
    """A partner state's public key as the trust registry holds it."""

    state: str
    key_id: str
    public: str
    status: KeyStatus
    retired_at: datetime | None = None


@dataclass(frozen=True)
class ExchangeRules:
    """How far a request's time may stray, how long a rotated key still counts, body limit."""

    window: timedelta = timedelta(minutes=5)
    grace: timedelta = timedelta(hours=1)
    max_body: int = 256 * 1024


def verify_request(
    method: str,
    path: str,
    body: bytes,
    signed: SignedHeaders,
    key: TrustedKey | None,
    *,
    own_state: str,
    now: datetime,
    rules: ExchangeRules,
) -> None:
    """Pass, or raise `Refused` with the first reason the request cannot be trusted. Whether its
    nonce was seen before is the store's to tell (`Refused(REPLAY)`)."""
    if len(body) > rules.max_body:
        raise Refused(RefusalReason.OVERSIZED, f"body of {len(body)} bytes over {rules.max_body}")
    if key is None or key.state != signed.sender:
        raise Refused(
            RefusalReason.UNKNOWN_KEY,
            f"key {signed.key_id!r} of {signed.sender!r} is not in the trust registry",
        )
    if key.status is KeyStatus.REVOKED:
        raise Refused(RefusalReason.REVOKED_KEY, f"key {key.key_id} of {key.state} is revoked")
    if key.status is KeyStatus.RETIRED and (
        key.retired_at is None or now > key.retired_at + rules.grace
    ):
        raise Refused(
            RefusalReason.REVOKED_KEY,
            f"key {key.key_id} of {key.state} was replaced by a rotation and its grace is over",
        )
    try:
        public_key(key.public).verify(_unb64(signed.signature), signing_input(method, path, signed))
    except (InvalidSignature, ValueError) as error:
        raise Refused(
            RefusalReason.FORGED, f"the signature does not verify with key {key.key_id}"
        ) from error
    if body_digest(body) != signed.digest:
        raise Refused(RefusalReason.TAMPERED, "the body does not match its signed digest")
    if signed.addressee != own_state:
        raise Refused(
            RefusalReason.WRONG_ADDRESSEE,
            f"addressed to {signed.addressee}, this point of contact is {own_state}",
        )
    drift = abs(now.timestamp() - signed.timestamp)
    if drift > rules.window.total_seconds():
        raise Refused(
            RefusalReason.STALE,
            f"signed {int(drift)} s away from now, outside the {int(rules.window.total_seconds())}"
            " s window",
        )
