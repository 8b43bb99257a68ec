"""Signed bearer tokens: HMAC keys with ids, the first key signs, every listed key verifies.

Rotation: put a new key first; tokens signed by the keys after it stay valid until they expire.
On the embedded default the keys live in <state dir>/auth/keys.json, made on first use and
re-read by running processes, so `caseflow users rotate-key` needs no restart."""

from __future__ import annotations

import json
import os
import secrets
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import jwt
import structlog
from pydantic import BaseModel, Field, TypeAdapter

from caseflow.auth.model import InvalidToken, Principal, Role
from caseflow.settings import Settings

log = structlog.get_logger(__name__)

ISSUER = "caseflow"
AUDIENCE = "caseflow"
ALGORITHM = "HS256"
KEPT_KEYS = 3  # the signing key and the two before it, for tokens they signed
# Tokens naming unknown keys cost a re-read at most this often (seconds): cheap to send many.
UNKNOWN_KEY_REREAD = 1.0


class SigningKey(BaseModel):
    """One HMAC key and its id (the token header's `kid`)."""

    kid: str = Field(min_length=1)
    secret: str = Field(min_length=32, description="At least 32 characters (HS256).")


KEY_LIST = TypeAdapter(list[SigningKey])


class KeyRing:
    """The keys that sign and verify tokens; with a `source`, re-read every `refresh_every`
    seconds, and at once (at most once a second) for a token of a key it does not know, so that
    a rotation reaches a running desk without a restart."""

    def __init__(
        self,
        keys: list[SigningKey],
        source: Callable[[], list[SigningKey]] | None = None,
        refresh_every: float = 60.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._source = source
        self._refresh_every = refresh_every
        self._clock = clock
        self._use(keys)

    def _use(self, keys: list[SigningKey]) -> None:
        if not keys:
            raise ValueError("a key ring needs at least one key")
        self.keys = keys
        self._by_id = {key.kid: key for key in keys}
        self._read_at = self._clock()

    def _reread(self, older_than: float) -> None:
        """Read the keys again from the source if the last read is older than that."""
        if self._source is None or self._clock() - self._read_at < older_than:
            return
        try:
            self._use(self._source())
        except (OSError, ValueError) as error:
            # Keep signing and verifying with the keys known; try again at the next refresh.
            self._read_at = self._clock()
            log.warning("token keys could not be re-read", error=str(error))

    @property
    def current(self) -> SigningKey:
        """The key that signs new tokens."""
        self._reread(self._refresh_every)
        return self.keys[0]

    @classmethod
    def from_json(cls, text: str) -> KeyRing:
        """Keys as a JSON list of {kid, secret}, the signing key first."""
        return cls(KEY_LIST.validate_json(text))

    @classmethod
    def from_state_dir(
        cls,
        state_dir: Path,
        refresh_every: float = 60.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> KeyRing:
        """The embedded default's keys, made on first use, re-read as they are rotated."""
        path = keys_file(state_dir)
        if not path.exists():
            _write_keys(path, [new_key()])

        def read() -> list[SigningKey]:
            return KEY_LIST.validate_json(path.read_text())

        return cls(read(), source=read, refresh_every=refresh_every, clock=clock)

    def issue(self, principal: Principal, lifetime: timedelta, now: datetime | None = None) -> str:
        """A token naming the principal, valid for `lifetime`."""
        issued = now or datetime.now(UTC)
        claims = {
            "iss": ISSUER,
            "aud": AUDIENCE,
            "sub": principal.name,
            "role": principal.role.value,
            "agency": principal.agency,
            "stakeholder": principal.stakeholder,
            "iat": issued,
            "exp": issued + lifetime,
        }
        key = self.current
        return jwt.encode(claims, key.secret, algorithm=ALGORITHM, headers={"kid": key.kid})

    def verify(self, token: str) -> Principal:
        """The principal a valid token names; `InvalidToken` otherwise."""
        try:
            kid = str(jwt.get_unverified_header(token).get("kid"))
            self._reread(self._refresh_every if kid in self._by_id else UNKNOWN_KEY_REREAD)
            key = self._by_id.get(kid)
            if key is None:
                raise InvalidToken(f"signed by an unknown key '{kid}'")
            claims = jwt.decode(
                token,
                key.secret,
                algorithms=[ALGORITHM],
                audience=AUDIENCE,
                issuer=ISSUER,
                options={"require": ["exp", "iat", "sub"]},
            )
            return Principal(
                name=claims["sub"],
                role=Role(claims["role"]),
                agency=claims.get("agency"),
                stakeholder=claims.get("stakeholder"),
            )
        except (jwt.PyJWTError, KeyError, ValueError) as error:
            raise InvalidToken(str(error) or type(error).__name__) from error


def verify_token(token: str, keys: KeyRing) -> Principal:
    """The principal (name, role, agency or stakeholder) a bearer token names."""
    return keys.verify(token)


def key_ring(settings: Settings) -> KeyRing:
    """The configured keys (CASEFLOW_AUTH_KEYS), or the embedded default's in the state dir."""
    if settings.auth_keys:
        return KeyRing.from_json(settings.auth_keys.get_secret_value())
    return KeyRing.from_state_dir(settings.state_dir, settings.auth_keys_refresh_seconds)


def new_key(now: datetime | None = None) -> SigningKey:
    """A fresh random key, its id the moment it was made."""
    made = now or datetime.now(UTC)
    return SigningKey(
        kid=f"{made:%Y%m%dT%H%M%S}-{secrets.token_hex(3)}", secret=secrets.token_urlsafe(48)
    )


def rotate_keys(state_dir: Path) -> SigningKey:
    """Make a new signing key in the state dir; the previous ones keep verifying for a while."""
    path = keys_file(state_dir)
    known = KEY_LIST.validate_json(path.read_text()) if path.exists() else []
    key = new_key()
    _write_keys(path, [key, *known][:KEPT_KEYS])
    return key


def keys_file(state_dir: Path) -> Path:
    """Where the embedded default keeps its token keys."""
    return state_dir / "auth" / "keys.json"


def _write_keys(path: Path, keys: list[SigningKey]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    # Readable by this user only: whoever reads the keys can mint any token.
    descriptor = os.open(path.with_suffix(".tmp"), os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w") as file:
        json.dump([key.model_dump() for key in keys], file, indent=2)
    path.with_suffix(".tmp").replace(path)
