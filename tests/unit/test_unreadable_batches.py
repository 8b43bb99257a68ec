"""Finding the record batch no consumer can read, and what can still be told of it."""

from __future__ import annotations

import base64
import struct

import pytest
from aiokafka import TopicPartition
from aiokafka.record.default_records import DefaultRecordBatchBuilder
from aiokafka.record.util import calc_crc32c

from caseflow.bad_messages.record_batches import first_unreadable, frames, reason_class
from caseflow.bad_messages.unreadable_batches import parked_batch

CODES = {"none": 0, "gzip": 1, "snappy": 2, "lz4": 3, "zstd": 4}


def batch(base_offset: int, keys: list[bytes], codec: str = "none") -> bytearray:
    """A real v2 record batch as a producer writes it, at `base_offset`."""
    builder = DefaultRecordBatchBuilder(
        magic=2,
        compression_type=CODES[codec],
        is_transactional=False,
        producer_id=7,
        producer_epoch=0,
        base_sequence=0,
        batch_size=1 << 20,
    )
    for delta, key in enumerate(keys):
        builder.append(delta, timestamp=1_796_000_000_000, key=key, value=b"x" * 200, headers=[])
    raw = bytearray(builder.build())
    struct.pack_into(">q", raw, 0, base_offset)
    return raw


def with_codec(raw: bytearray, code: int) -> bytes:
    """The batch claiming another codec, its checksum made right again."""
    attributes = struct.unpack_from(">h", raw, 21)[0]
    struct.pack_into(">h", raw, 21, (attributes & ~0x07) | code)
    struct.pack_into(">I", raw, 17, calc_crc32c(bytes(raw[21:])))
    return bytes(raw)


def flipped_crc(raw: bytearray) -> bytes:
    raw[17] ^= 0xFF
    return bytes(raw)


@pytest.mark.parametrize("codec", ["none", "gzip", "snappy", "lz4", "zstd"])
def test_every_codec_reads(codec: str) -> None:
    readable, unreadable = first_unreadable(bytes(batch(0, [b"a", b"b"], codec)), 0)
    assert unreadable is None
    assert [(f.base_offset, f.next_offset, f.codec) for f in readable] == [(0, 2, codec)]


def test_a_batch_whose_checksum_is_wrong_is_found_with_its_offsets_and_keys() -> None:
    fetched = bytes(batch(10, [b"DE-BAFA:R1"])) + flipped_crc(batch(11, [b"DE-BAFA:R2", b"X:Y"]))
    readable, unreadable = first_unreadable(fetched, 10)
    assert [f.base_offset for f in readable] == [10]
    assert unreadable is not None
    assert (unreadable.frame.base_offset, unreadable.last_offset) == (11, 12)
    assert "CRC" in unreadable.reason
    assert reason_class(unreadable.reason) == "corrupt"
    assert unreadable.keys == [b"DE-BAFA:R2", b"X:Y"]
    assert unreadable.frame.first_timestamp_ms == 1_796_000_000_000
    assert unreadable.frame.producer_id == 7


def test_an_unknown_codec_is_unreadable_and_says_so() -> None:
    _, unreadable = first_unreadable(with_codec(batch(0, [b"k"], "gzip"), 6), 0)
    assert unreadable is not None
    assert unreadable.frame.codec == "unknown codec 6"
    assert reason_class(unreadable.reason) == "unsupported_codec"
    assert unreadable.keys == []  # compressed with what cannot be read: no key can be seen


def test_compressed_bytes_that_do_not_decompress_are_unreadable() -> None:
    raw = batch(0, [b"k"], "zstd")
    raw[-5] ^= 0xFF  # inside the compressed records
    struct.pack_into(">I", raw, 17, calc_crc32c(bytes(raw[21:])))
    _, unreadable = first_unreadable(bytes(raw), 0)
    assert unreadable is not None


def test_batches_before_the_position_and_a_batch_cut_off_at_the_end_are_left_out() -> None:
    first, second = bytes(batch(0, [b"a"])), bytes(batch(1, [b"b"]))
    fetched = first + second + bytes(batch(2, [b"c"]))[:30]
    assert [f.base_offset for f in frames(fetched)] == [0, 1]
    readable, unreadable = first_unreadable(fetched, 1)
    assert [f.base_offset for f in readable] == [1]
    assert unreadable is None


def test_a_parked_batch_holds_its_bytes_offsets_and_reason_and_is_no_message() -> None:
    raw = flipped_crc(batch(4, [b"DE-BAFA:R9"]))
    _, unreadable = first_unreadable(raw, 4)
    assert unreadable is not None
    parked = parked_batch(
        "caseflow-intake", TopicPartition("caseflow.intake.submissions", 2), unreadable
    )
    assert parked.unreadable_batch
    assert (parked.partition, parked.offset, parked.last_offset) == (2, 4, 4)
    assert parked.key == "DE-BAFA:R9"
    assert base64.b64decode(parked.body_base64 or "") == raw
    assert "CRC" in parked.error


def test_a_batch_parked_again_after_a_crash_keeps_its_id() -> None:
    _, unreadable = first_unreadable(flipped_crc(batch(4, [b"k"])), 4)
    assert unreadable is not None
    tp = TopicPartition("caseflow.intake.submissions", 2)
    first, again = parked_batch("g", tp, unreadable), parked_batch("g", tp, unreadable)
    assert first.parked_id == again.parked_id
    assert parked_batch("other-group", tp, unreadable).parked_id != first.parked_id
