"""Signed requests between points of contact: signing, verification, rotation grace and the
replay window, and what a body must be."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from schemas.sharing import ExchangedNotice, ExchangeKind
from services.sharing.delivery import backoff
from services.sharing.exchanged import read_exchanged
from services.sharing.signing import (
    ExchangeRules,
    KeyStatus,
    RefusalReason,
    Refused,
    SignedHeaders,
    SigningKey,
    TrustedKey,
    public_key,
    sign_request,
    verify_request,
)

NOW = datetime(2026, 12, 6, 13, 0, tzinfo=UTC)
PATH = "/exchange/v1/notices"
BODY = b'{"notice": "a denial"}'
RULES = ExchangeRules(window=timedelta(minutes=5), grace=timedelta(hours=1), max_body=4096)
KEY = SigningKey.generate("DE", NOW)


def trusted(
    key: SigningKey = KEY, status: KeyStatus = KeyStatus.ACTIVE, **kw: object
) -> TrustedKey:
    return TrustedKey("DE", key.key_id, key.public_text(), status, **kw)  # type: ignore[arg-type]


def signed(
    body: bytes = BODY, key: SigningKey = KEY, to: str = "FR", at: datetime = NOW
) -> SignedHeaders:
    return sign_request(key, "POST", PATH, body, sender="DE", addressee=to, now=at)


def verify(
    headers: SignedHeaders,
    body: bytes = BODY,
    key: TrustedKey | None = None,
    now: datetime = NOW,
    path: str = PATH,
) -> None:
    verify_request(
        "POST", path, body, headers, key or trusted(), own_state="FR", now=now, rules=RULES
    )


def refusal(call: object, *args: object, **kwargs: object) -> RefusalReason:
    with pytest.raises(Refused) as refused:
        call(*args, **kwargs)  # type: ignore[operator]
    return refused.value.reason


def test_a_request_signed_by_a_trusted_key_verifies() -> None:
    verify(signed())


def test_a_key_survives_storage_and_its_public_half_is_what_partners_record() -> None:
    stored = SigningKey.from_pem(KEY.key_id, KEY.pem())
    verify(signed(key=stored))
    assert len(KEY.public_text()) == 43
    public_key(KEY.public_text())


def test_the_key_id_names_the_state_and_the_day() -> None:
    assert KEY.key_id.startswith("DE-20261206-")


def test_a_changed_body_is_refused_as_tampered() -> None:
    assert refusal(verify, signed(), body=b'{"notice": "no denial"}') is RefusalReason.TAMPERED


def test_a_signature_by_another_key_is_refused_as_forged() -> None:
    other = SigningKey.generate("DE", NOW)
    forged = SignedHeaders(**{**vars(signed(key=other)), "key_id": KEY.key_id})
    assert refusal(verify, forged) is RefusalReason.FORGED


def test_a_changed_signed_field_breaks_the_signature() -> None:
    moved = SignedHeaders(**{**vars(signed()), "timestamp": int(NOW.timestamp()) + 1})
    assert refusal(verify, moved) is RefusalReason.FORGED
    assert refusal(verify, signed(), path="/exchange/v1/other") is RefusalReason.FORGED


def test_a_request_for_another_state_is_refused() -> None:
    assert refusal(verify, signed(to="IT")) is RefusalReason.WRONG_ADDRESSEE


def test_the_time_window_holds_on_both_sides_of_now() -> None:
    verify(signed(at=NOW - timedelta(minutes=4, seconds=59)))
    verify(signed(at=NOW + timedelta(minutes=4, seconds=59)))
    assert refusal(verify, signed(at=NOW - timedelta(minutes=5, seconds=2))) is RefusalReason.STALE
    assert refusal(verify, signed(at=NOW + timedelta(minutes=6))) is RefusalReason.STALE


def test_an_unknown_or_revoked_key_is_refused() -> None:
    assert (
        refusal(
            verify_request, "POST", PATH, BODY, signed(), None, own_state="FR", now=NOW, rules=RULES
        )
        is RefusalReason.UNKNOWN_KEY
    )
    revoked = trusted(status=KeyStatus.REVOKED)
    assert refusal(verify, signed(), key=revoked) is RefusalReason.REVOKED_KEY


def test_a_key_of_another_state_is_not_this_senders_key() -> None:
    elsewhere = TrustedKey("IT", KEY.key_id, KEY.public_text(), KeyStatus.ACTIVE)
    assert refusal(verify, signed(), key=elsewhere) is RefusalReason.UNKNOWN_KEY


def test_a_rotated_out_key_counts_for_the_grace_period_only() -> None:
    retired = trusted(status=KeyStatus.RETIRED, retired_at=NOW - timedelta(minutes=59))
    verify(signed(), key=retired)
    over = trusted(status=KeyStatus.RETIRED, retired_at=NOW - timedelta(minutes=61))
    assert refusal(verify, signed(), key=over) is RefusalReason.REVOKED_KEY


def test_every_missing_header_is_named() -> None:
    with pytest.raises(Refused) as refused:
        SignedHeaders.from_headers({"Caseflow-From": "DE"})
    assert refused.value.reason is RefusalReason.UNSIGNED
    for name in ("Caseflow-To", "Caseflow-Key-Id", "Caseflow-Signature", "Content-Digest"):
        assert name in str(refused.value)


def test_headers_read_back_as_they_were_sent() -> None:
    sent = signed()
    assert SignedHeaders.from_headers(sent.as_headers()) == sent


def test_each_signing_gets_a_new_nonce() -> None:
    assert signed().nonce != signed().nonce


def test_an_oversized_body_is_refused_before_anything_else() -> None:
    big = b"x" * (RULES.max_body + 1)
    assert refusal(verify, signed(body=big), body=big) is RefusalReason.OVERSIZED


def test_a_public_key_of_the_wrong_length_is_refused_with_its_length() -> None:
    with pytest.raises(ValueError, match="this one has 3"):
        public_key("AAAA")


def exchanged(**overrides: object) -> bytes:
    notice = {
        "notice_id": "DE/1",
        "kind": "denial",
        "issuing_state": "DE",
        "issued_on": "2026-12-06",
        "parties": [{"role": "end_user", "name": "Falcon Vision", "country": "AE"}],
        "technology_categories": ["facial_recognition"],
        "destination_country": "AE",
        "reason": "Risk of use in internal repression.",
    }
    body = ExchangedNotice(
        issuing_state="DE", kind=ExchangeKind.DENIAL, notice_id="DE/1", notice=notice
    ).model_dump(mode="json")
    body.update(overrides)
    return ExchangedNotice.model_validate(body).model_dump_json().encode()


def test_a_notice_body_is_read_by_its_kind() -> None:
    notice, content = read_exchanged(exchanged(), "DE")
    assert notice.kind is ExchangeKind.DENIAL
    assert content.notice_id == "DE/1"  # type: ignore[union-attr]


def test_a_malformed_notice_names_every_deficiency() -> None:
    with pytest.raises(Refused) as refused:
        read_exchanged(exchanged(notice={"notice_id": "DE/1"}), "DE")
    assert refused.value.reason is RefusalReason.MALFORMED
    for field in ("kind", "parties", "destination_country", "reason"):
        assert field in str(refused.value)
    with pytest.raises(Refused, match="not a valid notice"):
        read_exchanged(b"not json", "DE")


def test_a_notice_issued_by_another_state_than_the_signer_is_refused() -> None:
    with pytest.raises(Refused) as refused:
        read_exchanged(exchanged(), "IT")
    assert refused.value.reason is RefusalReason.WRONG_ISSUER


def test_deliveries_back_off_doubling_up_to_the_longest_wait() -> None:
    assert [backoff(n, 60.0) for n in range(8)] == [1, 2, 4, 8, 16, 32, 60, 60]
    assert backoff(10_000, 5.0) == 5.0
