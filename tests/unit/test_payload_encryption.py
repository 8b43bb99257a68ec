"""Case data leaves the process encrypted, under a named key that can be rotated."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest
from pydantic import SecretStr
from temporalio.api.common.v1 import Payload

from caseflow.settings import Settings
from workflows.client import data_converter, payload_keys
from workflows.encryption import ENCODING, KEY_ID, EncryptionCodec, PayloadKeyError, PayloadKeys

PARTY = "Intellexa S.A."


async def _encrypted(keys: PayloadKeys, value: object) -> Payload:
    [payload] = await data_converter(keys).encode([value])
    return payload


async def test_an_encrypted_payload_names_its_key_and_hides_the_party() -> None:
    keys = PayloadKeys.generate("k1")
    payload = await _encrypted(keys, {"end_user": PARTY})
    assert payload.metadata["encoding"] == ENCODING
    assert payload.metadata[KEY_ID] == b"k1"
    assert PARTY.encode() not in payload.SerializeToString()
    assert await data_converter(keys).decode([payload]) == [{"end_user": PARTY}]


async def test_after_rotation_new_payloads_use_the_new_key_and_old_ones_still_decrypt() -> None:
    old = PayloadKeys.generate("2025")
    new = PayloadKeys.generate("2026")
    rotated = PayloadKeys(new.keys + old.keys)
    before = await _encrypted(old, PARTY)
    after = await _encrypted(rotated, PARTY)
    assert after.metadata[KEY_ID] == b"2026"
    assert await data_converter(rotated).decode([before, after]) == [PARTY, PARTY]


async def test_a_payload_under_a_retired_key_is_refused_naming_the_key() -> None:
    payload = await _encrypted(PayloadKeys.generate("retired"), PARTY)
    with pytest.raises(PayloadKeyError, match="retired"):
        await EncryptionCodec(PayloadKeys.generate("current")).decode([payload])


async def test_a_changed_ciphertext_fails_authentication() -> None:
    keys = PayloadKeys.generate("k1")
    payload = await _encrypted(keys, PARTY)
    payload.data = payload.data[:-1] + bytes([payload.data[-1] ^ 1])
    with pytest.raises(PayloadKeyError, match="authentication"):
        await EncryptionCodec(keys).decode([payload])


async def test_a_payload_written_before_encryption_passes_through() -> None:
    [plain] = data_converter(PayloadKeys.generate("k1")).payload_converter.to_payloads([PARTY])
    assert await EncryptionCodec(PayloadKeys.generate("k1")).decode([plain]) == [plain]


def test_configured_keys_are_read_active_first_and_never_shown() -> None:
    first, second = PayloadKeys.generate("a"), PayloadKeys.generate("b")
    settings = Settings(payload_keys=SecretStr(f"{first.format()},{second.format()}"))
    keys = payload_keys(settings)
    assert keys.active_id == "a"
    assert keys.key("b") == second.key("b")
    assert first.format().split(":")[1] not in repr(keys) + repr(settings)


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("", "at least one"),
        ("k1:not base64!", "not base64"),
        ("k1:c2hvcnQ=", "AES needs"),
        (":" + PayloadKeys.generate("x").format().split(":")[1], "key id"),
    ],
)
def test_an_unusable_key_list_is_refused_with_the_reason(text: str, reason: str) -> None:
    with pytest.raises(PayloadKeyError, match=reason):
        PayloadKeys.parse(text)


def test_the_embedded_key_is_generated_once_readable_by_its_owner_only(tmp_path: Path) -> None:
    settings = Settings(state_dir=tmp_path)
    first = payload_keys(settings)
    again = payload_keys(settings)
    assert first == again
    [key_file] = (tmp_path / "keys").iterdir()
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
