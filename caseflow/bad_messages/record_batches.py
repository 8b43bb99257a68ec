"""Record batches as fetched from a partition: where each lies, and which one cannot be read.

A consumer reads a partition batch by batch. A batch whose checksum is wrong or whose codec is
unknown cannot be read at all, and a client that stops at it stops its whole partition. Here the
fetched bytes are split into batches by their framing alone (every format starts with its
offset and length), so the first unreadable batch is found with its offsets, its bytes and what
its header still tells: codec, first timestamp, producer, and the keys if its records parse.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass, field

from aiokafka.record.memory_records import MemoryRecords

CODECS = {0: "none", 1: "gzip", 2: "snappy", 3: "lz4", 4: "zstd"}
_FRAME = struct.Struct(">qi")  # offset (v2: base offset), length after these 12 bytes
_V2_HEADER = struct.Struct(">qiibIhiqqqhii")
V2_HEADER_SIZE = _V2_HEADER.size  # 61 bytes


@dataclass(frozen=True)
class Frame:
    """One batch's place in the fetched bytes, read from its header only."""

    start: int
    end: int
    base_offset: int
    next_offset: int
    magic: int
    codec: str
    first_timestamp_ms: int | None = None
    producer_id: int | None = None


@dataclass(frozen=True)
class UnreadableBatch:
    """A batch no consumer can read: its offsets, bytes, reason and what its header tells."""

    frame: Frame
    raw: bytes
    reason: str
    keys: list[bytes] = field(default_factory=list)

    @property
    def last_offset(self) -> int:
        """The last offset the batch covers."""
        return self.frame.next_offset - 1


def frames(raw: bytes) -> list[Frame]:
    """The whole batches in fetched bytes, in order; a batch cut off at the end is left out."""
    found: list[Frame] = []
    at = 0
    while at + _FRAME.size <= len(raw):
        offset, length = _FRAME.unpack_from(raw, at)
        end = at + _FRAME.size + length
        if length < 0 or end > len(raw) or at + 17 > len(raw):
            break
        found.append(_frame(raw, at, end, offset))
        at = end
    return found


def _frame(raw: bytes, start: int, end: int, offset: int) -> Frame:
    magic = raw[start + 16]
    if magic >= 2 and end - start >= V2_HEADER_SIZE:
        fields = _V2_HEADER.unpack_from(raw, start)
        attributes, last_delta, first_ts, producer_id = fields[5], fields[6], fields[7], fields[9]
        return Frame(
            start,
            end,
            offset,
            offset + last_delta + 1,
            magic,
            _codec(attributes),
            first_ts,
            producer_id if producer_id >= 0 else None,
        )
    # Message sets v0/v1: a compressed wrapper carries the offset of its last inner message.
    attributes = raw[start + 17] if end - start > 17 else 0
    return Frame(start, end, offset, offset + 1, magic, _codec(attributes))


def _codec(attributes: int) -> str:
    code = attributes & 0x07
    return CODECS.get(code, f"unknown codec {code}")


def first_unreadable(raw: bytes, position: int) -> tuple[list[Frame], UnreadableBatch | None]:
    """The readable batches before the first unreadable one at or after `position`, and it."""
    readable: list[Frame] = []
    for frame in frames(raw):
        if frame.next_offset <= position:
            continue
        problem = _why_unreadable(raw[frame.start : frame.end])
        if problem is not None:
            batch = raw[frame.start : frame.end]
            return readable, UnreadableBatch(frame, batch, problem, _keys(batch))
        readable.append(frame)
    return readable, None


def _why_unreadable(batch: bytes) -> str | None:
    """Why a consumer cannot read this batch (checksum, codec, contents), or None."""
    try:
        records = MemoryRecords(batch)
        while records.has_next():
            found = records.next_batch()
            if found is None:
                break
            if not found.validate_crc():
                return "CorruptRecordException: invalid checksum (CRC)"
            for _ in found:
                pass
    except Exception as error:  # any failure to decode is the batch's, whatever the library
        return f"{type(error).__name__}: {error}"
    return None


def _keys(batch: bytes) -> list[bytes]:
    """The records' keys, when the records parse even though the batch failed its check."""
    try:
        records = MemoryRecords(batch)
        found = records.next_batch()
        return [record.key for record in found or () if record.key is not None]
    except Exception:  # unknown codec or garbled records: no key can be seen
        return []


def reason_class(reason: str) -> str:
    """The metric label of an unreadable batch's reason: unsupported_codec or corrupt."""
    return "unsupported_codec" if "codec" in reason.lower() else "corrupt"
