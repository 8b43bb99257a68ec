"""Bearer tokens: who they name, and every way a token is refused."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from pathlib import Path

import jwt
import pytest

from caseflow.auth import InvalidToken, KeyRing, Principal, Role, rotate_keys, verify_token
from caseflow.auth.tokens import (
    issuer,
    key_ring,
    keys_file,
    new_key,
    public_file,
    publish_disabled,
    temporal_permissions,
)
from caseflow.settings import Settings

STAKEHOLDER = Principal(name="hr-desk", role=Role.STAKEHOLDER, stakeholder="hr-office")
HOUR = timedelta(hours=1)


def test_a_token_names_its_principal_with_role_and_whom_it_speaks_for() -> None:
    keys = KeyRing([new_key()])
    assert verify_token(keys.issue(STAKEHOLDER, HOUR), keys) == STAKEHOLDER


def test_an_expired_token_is_refused() -> None:
    keys = KeyRing([new_key()])
    token = keys.issue(STAKEHOLDER, HOUR, now=datetime.now(UTC) - 2 * HOUR)
    with pytest.raises(InvalidToken, match="expired"):
        keys.verify(token)


def test_a_token_whose_role_was_changed_is_refused() -> None:
    keys = KeyRing([new_key()])
    header, _payload, signature = keys.issue(STAKEHOLDER, HOUR).split(".")
    forged = jwt.encode(
        {
            **jwt.decode(keys.issue(STAKEHOLDER, HOUR), options={"verify_signature": False}),
            "role": "operator",
        },
        new_key().signer,
        algorithm="ES256",
        headers={"kid": keys.current.kid},
    )
    with pytest.raises(InvalidToken):
        keys.verify(forged)
    with pytest.raises(InvalidToken):
        keys.verify(f"{header}.{forged.split('.')[1]}.{signature}")


def test_a_token_of_a_key_not_in_the_ring_is_refused() -> None:
    token = KeyRing([new_key()]).issue(STAKEHOLDER, HOUR)
    with pytest.raises(InvalidToken, match="unknown key"):
        KeyRing([new_key()]).verify(token)


def test_garbage_is_refused_as_an_invalid_token() -> None:
    with pytest.raises(InvalidToken):
        KeyRing([new_key()]).verify("not.a.token")


def test_after_rotation_new_tokens_use_the_new_key_and_old_tokens_stay_valid(
    tmp_path: Path,
) -> None:
    before = KeyRing.from_state_dir(tmp_path)
    old_token = before.issue(STAKEHOLDER, HOUR)
    rotate_keys(tmp_path)
    after = KeyRing.from_state_dir(tmp_path)
    assert after.current.kid != before.current.kid
    assert jwt.get_unverified_header(after.issue(STAKEHOLDER, HOUR))["kid"] == after.current.kid
    assert after.verify(old_token) == STAKEHOLDER


def test_a_key_rotated_out_of_the_ring_no_longer_verifies(tmp_path: Path) -> None:
    oldest = KeyRing.from_state_dir(tmp_path).issue(STAKEHOLDER, HOUR)
    for _ in range(3):
        rotate_keys(tmp_path)
    with pytest.raises(InvalidToken, match="unknown key"):
        KeyRing.from_state_dir(tmp_path).verify(oldest)


def test_the_embedded_key_file_is_readable_by_its_owner_only(tmp_path: Path) -> None:
    KeyRing.from_state_dir(tmp_path)
    assert keys_file(tmp_path).stat().st_mode & 0o077 == 0


def test_configured_keys_must_be_p256_private_keys() -> None:
    with pytest.raises(ValueError):
        KeyRing.from_json('[{"kid": "k1", "private_key": "not a PEM key"}]')
    with pytest.raises(ValueError, match="unreadable"):
        KeyRing.from_json('[{"kid": "k1", "secret": "an HMAC secret of earlier versions"}]')


def test_a_verifier_holds_public_keys_only_and_cannot_sign(tmp_path: Path) -> None:
    token = KeyRing.from_state_dir(tmp_path).issue(STAKEHOLDER, HOUR)
    verifier = key_ring(Settings(state_dir=tmp_path))
    assert verifier.verify(token) == STAKEHOLDER
    published = public_file(tmp_path).read_text()
    assert "PRIVATE" not in published
    assert '"d"' not in published  # an EC private key's member
    with pytest.raises(InvalidToken, match="public keys only"):
        verifier.issue(STAKEHOLDER, HOUR)


def test_the_published_keys_are_a_jwks_any_process_may_read(tmp_path: Path) -> None:
    ring = KeyRing.from_state_dir(tmp_path)
    published = KeyRing.from_published(public_file(tmp_path)).published
    assert [key["kid"] for key in published.keys] == [ring.current.kid]
    assert {key["kty"] for key in published.keys} == {"EC"}
    assert public_file(tmp_path).stat().st_mode & 0o777 == 0o644


def test_a_token_signed_with_the_public_key_as_an_hmac_secret_is_refused(tmp_path: Path) -> None:
    """The algorithm-confusion forgery: HS256 keyed with what every verifier can read."""
    ring = KeyRing.from_state_dir(tmp_path)
    _header, payload, _signature = ring.issue(STAKEHOLDER, HOUR).split(".")
    header = _base64(json.dumps({"alg": "HS256", "typ": "JWT", "kid": ring.current.kid}).encode())
    secret = public_file(tmp_path).read_bytes()
    mac = hmac.new(secret, f"{header}.{payload}".encode(), hashlib.sha256).digest()
    forged = f"{header}.{payload}.{_base64(mac)}"
    with pytest.raises(InvalidToken):
        key_ring(Settings(state_dir=tmp_path)).verify(forged)


def test_a_disabled_accounts_tokens_are_refused_once_verifiers_reread(tmp_path: Path) -> None:
    settings = Settings(state_dir=tmp_path)
    token = issuer(settings).issue(STAKEHOLDER, HOUR)
    clock = FakeClock()
    verifier = KeyRing.from_published(public_file(tmp_path), refresh_every=60, clock=clock)
    assert verifier.verify(token) == STAKEHOLDER
    publish_disabled(settings, [STAKEHOLDER.name])
    clock.now = 60
    with pytest.raises(InvalidToken, match="disabled"):
        verifier.verify(token)
    assert rotate_keys(tmp_path)  # a rotation keeps the disabled accounts published
    with pytest.raises(InvalidToken, match="disabled"):
        key_ring(settings).verify(token)


def test_a_verifier_learns_a_rotated_key_at_its_first_token(tmp_path: Path) -> None:
    clock = FakeClock()
    KeyRing.from_state_dir(tmp_path)
    verifier = KeyRing.from_published(public_file(tmp_path), refresh_every=3600, clock=clock)
    rotate_keys(tmp_path)
    token = KeyRing.from_state_dir(tmp_path).issue(STAKEHOLDER, HOUR)
    clock.now = 1.5
    assert verifier.verify(token) == STAKEHOLDER


def test_hmac_keys_of_an_earlier_version_are_replaced(tmp_path: Path) -> None:
    keys_file(tmp_path).parent.mkdir(parents=True)
    keys_file(tmp_path).write_text('[{"kid": "old", "secret": "' + "s" * 40 + '"}]')
    ring = KeyRing.from_state_dir(tmp_path)
    assert ring.current.kid != "old"
    assert ring.verify(ring.issue(STAKEHOLDER, HOUR)) == STAKEHOLDER


class FakeClock:
    """Monotonic seconds that move only when told."""

    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_a_running_ring_signs_with_a_rotated_key_after_its_refresh(tmp_path: Path) -> None:
    clock = FakeClock()
    ring = KeyRing.from_state_dir(tmp_path, refresh_every=60, clock=clock)
    before = ring.current.kid
    rotated = rotate_keys(tmp_path)
    clock.now = 59
    assert ring.current.kid == before
    clock.now = 60
    assert ring.current.kid == rotated.kid


def test_a_token_of_an_unknown_key_makes_the_ring_reread_at_most_once_a_second(
    tmp_path: Path,
) -> None:
    clock = FakeClock()
    ring = KeyRing.from_state_dir(tmp_path, refresh_every=3600, clock=clock)
    rotate_keys(tmp_path)
    token = KeyRing.from_state_dir(tmp_path).issue(STAKEHOLDER, HOUR)
    clock.now = 0.5
    with pytest.raises(InvalidToken, match="unknown key"):
        ring.verify(token)
    clock.now = 1.5
    assert ring.verify(token) == STAKEHOLDER
    assert ring.current.kid == jwt.get_unverified_header(token)["kid"]


def test_a_key_file_that_cannot_be_read_leaves_the_ring_as_it_was(tmp_path: Path) -> None:
    clock = FakeClock()
    ring = KeyRing.from_state_dir(tmp_path, refresh_every=60, clock=clock)
    token = ring.issue(STAKEHOLDER, HOUR)
    keys_file(tmp_path).write_text("not json")
    clock.now = 120
    assert ring.verify(token) == STAKEHOLDER


def _base64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def test_a_service_token_for_temporal_acts_as_no_account(tmp_path: Path) -> None:
    ring = KeyRing.from_state_dir(tmp_path)
    token = ring.issue_service("caseflow-worker", ["caseflow:worker"], HOUR)
    assert jwt.decode(token, options={"verify_signature": False})["permissions"] == [
        "caseflow:worker"
    ]
    with pytest.raises(InvalidToken, match="role"):
        key_ring(Settings(state_dir=tmp_path)).verify(token)


def test_reviewers_tokens_let_temporal_take_their_updates_and_operators_only_read() -> None:
    assert temporal_permissions(Role.SENIOR_OFFICER, "caseflow") == ["caseflow:write"]
    assert temporal_permissions(Role.OPERATOR, "caseflow") == ["caseflow:read"]
    assert temporal_permissions(Role.AGENCY, "caseflow") == []


def test_processes_starting_side_by_side_sign_and_publish_one_key(tmp_path: Path) -> None:
    with ThreadPoolExecutor(max_workers=4) as pool:
        rings = list(pool.map(lambda _: KeyRing.from_state_dir(tmp_path), range(8)))
    assert len({ring.current.kid for ring in rings}) == 1
    verifier = key_ring(Settings(state_dir=tmp_path))
    assert verifier.verify(rings[3].issue(STAKEHOLDER, HOUR)) == STAKEHOLDER
