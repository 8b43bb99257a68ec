"""Signed bearer tokens: ES256 (ECDSA P-256) keys with ids; the issuer signs with the first
private key, every other process verifies with public keys only.

The issuer (the desk's sign-in, `caseflow users`) holds the private keys; on the embedded default
they live in <state dir>/auth/keys.json (readable by its owner only), made on first use. It
publishes what verifiers need, the public keys as a JWKS plus the names of disabled accounts, in
<state dir>/auth/public.json (or CASEFLOW_AUTH_PUBLIC_FILE). Verifiers (workers, services, the
codec server) read only that, again every `auth_keys_refresh_seconds` and at once for a token of
a key they do not know, so a rotation or a disabled account reaches them without a restart.

Rotation: a new key goes first; tokens signed by the keys after it stay valid until they expire.
ES256 rather than EdDSA: Temporal's own JWT authoriser reads EC and RSA keys from a JWKS."""

from __future__ import annotations

import fcntl
import json
import secrets
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from functools import cached_property
from pathlib import Path
from typing import Any

import jwt
import structlog
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from jwt.algorithms import ECAlgorithm
from pydantic import BaseModel, Field, SecretStr, TypeAdapter, ValidationError

from caseflow.auth.model import InvalidToken, Principal, Role
from caseflow.settings import Settings
from caseflow.whole_files import write_whole

log = structlog.get_logger(__name__)

ISSUER = "caseflow"
AUDIENCE = "caseflow"
ALGORITHM = "ES256"
KEPT_KEYS = 3  # the signing key and the two before it, for tokens they signed
# Tokens naming unknown keys cost a re-read at most this often (seconds): cheap to send many.
UNKNOWN_KEY_REREAD = 1.0


class SigningKey(BaseModel):
    """One private key (PEM, P-256) and its id (the token header's `kid`)."""

    kid: str = Field(min_length=1)
    private_key: SecretStr = Field(description="A PKCS#8 PEM private key on the P-256 curve.")

    @cached_property
    def signer(self) -> ec.EllipticCurvePrivateKey:
        """The private key, loaded."""
        loaded = serialization.load_pem_private_key(
            self.private_key.get_secret_value().encode(), password=None
        )
        if not isinstance(loaded, ec.EllipticCurvePrivateKey) or loaded.curve.name != "secp256r1":
            raise ValueError(f"key {self.kid} is not a P-256 (ES256) private key")
        return loaded

    def jwk(self) -> dict[str, Any]:
        """Its public half as a JSON Web Key."""
        public = ECAlgorithm.to_jwk(self.signer.public_key(), as_dict=True)
        return {**public, "kid": self.kid, "alg": ALGORITHM, "use": "sig"}


class PublishedKeys(BaseModel):
    """What the issuer publishes for verifiers: its public keys (a JWKS, newest first) and the
    accounts whose tokens are refused although signed (disabled)."""

    keys: list[dict[str, Any]] = Field(description="JSON Web Keys (P-256), the signing one first.")
    disabled: list[str] = Field(default_factory=list, description="Disabled account names.")


KEY_LIST = TypeAdapter(list[SigningKey])


class KeyRing:
    """Keys that verify tokens (public ones, with the disabled accounts) and, at the issuer,
    sign them. With a `source`, re-read every `refresh_every` seconds, and at once (at most once
    a second) for a token of a key it does not know."""

    def __init__(
        self,
        keys: list[SigningKey] | PublishedKeys,
        source: Callable[[], list[SigningKey] | PublishedKeys] | None = None,
        refresh_every: float = 60.0,
        clock: Callable[[], float] = time.monotonic,
        disabled: Callable[[], list[str]] | None = None,
    ) -> None:
        self._source = source
        self._disabled_source = disabled
        self._refresh_every = refresh_every
        self._clock = clock
        self._use(keys)

    def _use(self, keys: list[SigningKey] | PublishedKeys) -> None:
        if isinstance(keys, PublishedKeys):
            self.signing: list[SigningKey] = []
            published = keys
        else:
            self.signing = keys
            published = PublishedKeys(keys=[key.jwk() for key in keys])
        if not published.keys:
            raise ValueError("a key ring needs at least one key")
        verifying = {}
        for jwk in published.keys:
            key = jwt.PyJWK(jwk, algorithm=ALGORITHM)
            verifying[str(jwk.get("kid", ""))] = key
        self.published = published
        self._by_id = verifying
        disabled = self._disabled_source() if self._disabled_source else published.disabled
        self.disabled = frozenset(disabled)
        self._read_at = self._clock()

    def _reread(self, older_than: float) -> None:
        """Read the keys again from the source if the last read is older than that."""
        if self._clock() - self._read_at < older_than:
            return
        try:
            if self._source is not None:
                self._use(self._source())
            elif self._disabled_source is not None:
                self.disabled = frozenset(self._disabled_source())
                self._read_at = self._clock()
        except (OSError, ValueError) as error:
            # Keep signing and verifying with the keys known; try again at the next refresh.
            self._read_at = self._clock()
            log.warning("token keys could not be re-read", error=str(error))

    @property
    def current(self) -> SigningKey:
        """The key that signs new tokens; only the issuer has one."""
        self._reread(self._refresh_every)
        if not self.signing:
            raise InvalidToken("this process holds public keys only: tokens come from the desk")
        return self.signing[0]

    @property
    def kids(self) -> list[str]:
        """The ids of the keys that verify, the signing one first."""
        return list(self._by_id)

    @classmethod
    def from_json(cls, text: str) -> KeyRing:
        """Private keys as a JSON list of {kid, private_key}, or a published key set
        ({"keys": [JWK…], "disabled": […]}), the signing key first."""
        try:
            if text.lstrip().startswith("{"):
                return cls(PublishedKeys.model_validate_json(text))
            return cls(KEY_LIST.validate_json(text))
        except ValidationError as error:
            raise ValueError(f"token keys unreadable: {error}") from error

    @classmethod
    def from_state_dir(
        cls,
        state_dir: Path,
        refresh_every: float = 60.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> KeyRing:
        """The issuer's keys on the embedded default, made on first use and published."""
        path = keys_file(state_dir)
        with _keys_lock(path):
            if not _readable_keys(path):
                _write_keys(path, [new_key()])
                publish(state_dir)
            elif not public_file(state_dir).exists():
                publish(state_dir)

        def read() -> list[SigningKey]:
            return KEY_LIST.validate_json(path.read_text())

        def disabled() -> list[str]:
            return _disabled_at(public_file(state_dir))

        return cls(read(), source=read, refresh_every=refresh_every, clock=clock, disabled=disabled)

    @classmethod
    def from_published(
        cls,
        path: Path,
        refresh_every: float = 60.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> KeyRing:
        """A verifier's ring: the issuer's published public keys and disabled accounts."""
        return cls(
            _read_published(path),
            source=lambda: _read_published(path),
            refresh_every=refresh_every,
            clock=clock,
        )

    def issue(
        self,
        principal: Principal,
        lifetime: timedelta,
        now: datetime | None = None,
        permissions: list[str] | None = None,
    ) -> str:
        """A token naming the principal, valid for `lifetime`; `permissions` are what Temporal's
        own authoriser grants it when that is on (`namespace:write`…)."""
        issued = now or datetime.now(UTC)
        claims: dict[str, Any] = {
            "iss": ISSUER,
            "aud": AUDIENCE,
            "sub": principal.name,
            "role": principal.role.value,
            "agency": principal.agency,
            "stakeholder": principal.stakeholder,
            "iat": issued,
            "exp": issued + lifetime,
        }
        if permissions:
            claims["permissions"] = permissions
        return self._sign(claims)

    def issue_service(self, name: str, permissions: list[str], lifetime: timedelta) -> str:
        """A token for a process to call Temporal with (its authoriser reads `permissions`); it
        names no role, so caseflow's own verifiers refuse it for anything else."""
        issued = datetime.now(UTC)
        claims = {
            "iss": ISSUER,
            "aud": AUDIENCE,
            "sub": name,
            "permissions": permissions,
            "iat": issued,
            "exp": issued + lifetime,
        }
        return self._sign(claims)

    def _sign(self, claims: dict[str, Any]) -> str:
        key = self.current
        return jwt.encode(claims, key.signer, algorithm=ALGORITHM, headers={"kid": key.kid})

    def verify(self, token: str) -> Principal:
        """The principal a valid token of an enabled account names; `InvalidToken` otherwise."""
        try:
            kid = str(jwt.get_unverified_header(token).get("kid"))
            self._reread(self._refresh_every if kid in self._by_id else UNKNOWN_KEY_REREAD)
            key = self._by_id.get(kid)
            if key is None:
                raise InvalidToken(f"signed by an unknown key '{kid}'")
            claims = jwt.decode(
                token,
                key,
                algorithms=[ALGORITHM],
                audience=AUDIENCE,
                issuer=ISSUER,
                options={"require": ["exp", "iat", "sub"]},
            )
            principal = principal_of(claims)
        except (jwt.PyJWTError, KeyError, ValueError) as error:
            raise InvalidToken(str(error) or type(error).__name__) from error
        if principal.name in self.disabled:
            raise InvalidToken(f"the account '{principal.name}' is disabled")
        return principal


def principal_of(claims: dict[str, Any]) -> Principal:
    """The principal a token's claims name (verified or not: the caller knows which)."""
    return Principal(
        name=claims["sub"],
        role=Role(claims["role"]),
        agency=claims.get("agency"),
        stakeholder=claims.get("stakeholder"),
    )


def temporal_permissions(role: Role, namespace: str) -> list[str]:
    """What Temporal's own authoriser lets an account's token do, when it is on: reviewers send
    Updates from the CLI, operators read; other accounts never call Temporal."""
    if role in (Role.LICENSING_OFFICER, Role.SENIOR_OFFICER, Role.COMMITTEE_CHAIR):
        return [f"{namespace}:write"]
    if role is Role.OPERATOR:
        return [f"{namespace}:read"]
    return []


def verify_token(token: str, keys: KeyRing) -> Principal:
    """The principal (name, role, agency or stakeholder) a bearer token names."""
    return keys.verify(token)


def key_ring(settings: Settings) -> KeyRing:
    """What verifies tokens in this process: public keys only (CASEFLOW_AUTH_PUBLIC_KEYS, or the
    issuer's published file), never the private ones."""
    if settings.auth_public_keys:
        return KeyRing.from_json(settings.auth_public_keys)
    path = settings.auth_public_file or public_file(settings.state_dir)
    if not path.exists() and settings.auth_public_file is None:
        # One machine, one state dir: the first process to start makes the keys and publishes
        # them; this one keeps only the public ones.
        issuer(settings)
    return KeyRing.from_published(path, settings.auth_keys_refresh_seconds)


def issuer(settings: Settings) -> KeyRing:
    """The issuer's keys (the desk's sign-in, `caseflow users`): CASEFLOW_AUTH_KEYS, or the
    embedded default's in the state dir; its public keys are published for verifiers."""
    if not settings.auth_keys:
        return KeyRing.from_state_dir(settings.state_dir, settings.auth_keys_refresh_seconds)
    try:
        keys = KEY_LIST.validate_json(settings.auth_keys.get_secret_value())
    except ValidationError as error:
        raise ValueError(f"CASEFLOW_AUTH_KEYS unreadable: {error}") from error
    path = settings.auth_public_file or public_file(settings.state_dir)
    ring = KeyRing(
        keys,
        refresh_every=settings.auth_keys_refresh_seconds,
        disabled=lambda: _disabled_at(path),
    )
    _write_published(path, PublishedKeys(keys=ring.published.keys, disabled=_disabled_at(path)))
    return ring


def new_key(now: datetime | None = None) -> SigningKey:
    """A fresh P-256 key, its id the moment it was made."""
    made = now or datetime.now(UTC)
    private = ec.generate_private_key(ec.SECP256R1())
    pem = private.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()
    return SigningKey(kid=f"{made:%Y%m%dT%H%M%S}-{secrets.token_hex(3)}", private_key=pem)


def rotate_keys(state_dir: Path) -> SigningKey:
    """Make a new signing key in the state dir and publish its public half; the previous ones
    keep verifying for a while."""
    path = keys_file(state_dir)
    known = KEY_LIST.validate_json(path.read_text()) if _readable_keys(path) else []
    key = new_key()
    _write_keys(path, [key, *known][:KEPT_KEYS])
    publish(state_dir)
    return key


def publish(state_dir: Path, disabled: list[str] | None = None, path: Path | None = None) -> None:
    """Write what verifiers read: the state dir's public keys, and the disabled accounts (as
    given, or as published before)."""
    target = path or public_file(state_dir)
    keys = KEY_LIST.validate_json(keys_file(state_dir).read_text())
    names = _disabled_at(target) if disabled is None else disabled
    _write_published(target, PublishedKeys(keys=[key.jwk() for key in keys], disabled=names))


def publish_disabled(settings: Settings, disabled: list[str]) -> None:
    """Publish the disabled accounts beside the public keys (`caseflow users disable`, the
    desk at start); verifiers refuse their tokens from their next re-read on."""
    path = settings.auth_public_file or public_file(settings.state_dir)
    keys = issuer(settings).published.keys
    _write_published(path, PublishedKeys(keys=keys, disabled=sorted(set(disabled))))


def keys_file(state_dir: Path) -> Path:
    """Where the embedded default keeps the issuer's private keys."""
    return state_dir / "auth" / "keys.json"


def public_file(state_dir: Path) -> Path:
    """Where the embedded default publishes the public keys and disabled accounts."""
    return state_dir / "auth" / "public.json"


def _readable_keys(path: Path) -> bool:
    """Whether the file holds private keys of this kind (HMAC keys of earlier versions are
    replaced: their tokens stop verifying and reviewers sign in again)."""
    if not path.exists():
        return False
    try:
        return bool(KEY_LIST.validate_json(path.read_text()))
    except ValidationError:
        log.warning("token keys of an earlier kind replaced by ES256 keys", path=str(path))
        return False


def _read_published(path: Path) -> PublishedKeys:
    try:
        return PublishedKeys.model_validate_json(path.read_text())
    except ValidationError as error:
        raise ValueError(f"published token keys unreadable ({path}): {error}") from error


def _disabled_at(path: Path) -> list[str]:
    try:
        return _read_published(path).disabled if path.exists() else []
    except ValueError:
        return []


@contextmanager
def _keys_lock(path: Path) -> Iterator[None]:
    """Held while a process looks for the keys and makes the first: processes starting side by
    side then all sign with, and publish, the one key the first of them made."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.with_suffix(".lock").open("a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def _write_keys(path: Path, keys: list[SigningKey]) -> None:
    # Readable by this user only: whoever reads the keys can mint any token.
    payload = [{"kid": key.kid, "private_key": key.private_key.get_secret_value()} for key in keys]
    _write(path, json.dumps(payload, indent=2), 0o600)


def _write_published(path: Path, published: PublishedKeys) -> None:
    # Public: every verifying process reads it, nothing in it signs a token.
    _write(path, published.model_dump_json(indent=2), 0o644)


def _write(path: Path, text: str, mode: int) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    write_whole(path, text, mode)
