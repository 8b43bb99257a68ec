"""A parked message: where it lay, what it held, why it could not be handled; and its replay.

The parked topic is the one home of bad messages: those a handler kept failing on, those no
contract could read, and record batches no consumer could read.
"""

from __future__ import annotations

import base64
import re
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TypeAlias

from aiokafka import ConsumerRecord
from pydantic import BaseModel, Field, ValidationError

from schemas.envelope import EnvelopeHeader, utcnow

Record: TypeAlias = "ConsumerRecord[bytes, bytes]"
REPLAYED_FROM_HEADER = "caseflow-replayed-from"
LONGEST_ERROR_MESSAGE = 500
# A password in a URL or a `password=` pair must not reach the parked topic or the log.
_SECRETS = re.compile(r"(://[^:/@\s]*:)[^@\s]+@|((?:password|passwd|secret)=)[^\s&;]+", re.I)


class ParkedMessage(BaseModel):
    """A message a consumer gave up on: where it lay, what it held, and why it failed."""

    parked_id: str = Field(description="Names the parked message for `caseflow parked replay`.")
    parked_at: datetime
    consumer: str = Field(description="The consumer group that gave up on it.")
    topic: str
    partition: int
    offset: int
    key: str | None = Field(description="The Kafka key (a case id), as text.")
    case_id: str | None = Field(description="The envelope's subject, or else the key.")
    headers: list[tuple[str, str]] = Field(description="Header names and base64 values.")
    body: str | None = Field(description="The message as sent, when it is UTF-8 text.")
    body_base64: str | None = Field(default=None, description="The bytes, when not UTF-8.")
    error_type: str
    error: str = Field(description="The last error's message, secrets removed, shortened.")
    attempts: int
    first_failed_at: datetime
    last_failed_at: datetime
    unreadable_batch: bool = Field(
        default=False,
        description="A whole record batch no consumer could read (corrupt, or an unknown "
        "codec): `body_base64` holds the batch's bytes as they lay on the partition, "
        "`offset`..`last_offset` the offsets it covers. It cannot be replayed as a message.",
    )
    last_offset: int | None = Field(default=None, description="An unreadable batch's last.")

    def raw_body(self) -> bytes:
        """The message's bytes exactly as they were consumed."""
        if self.body is not None:
            return self.body.encode("utf-8")
        return base64.b64decode(self.body_base64 or "")

    def replay_headers(self) -> list[tuple[str, bytes]]:
        """The original headers, marked as a replay of this parked message."""
        kept = [
            (name, base64.b64decode(value))
            for name, value in self.headers
            if name != REPLAYED_FROM_HEADER
        ]
        return [*kept, (REPLAYED_FROM_HEADER, self.parked_id.encode())]


class ParkedReplay(BaseModel):
    """Kept on the parked topic beside a parked message once it has been published again."""

    replay_of: str = Field(description="The parked message's id.")
    replayed_at: datetime
    to: str = Field(description="Where the copy lies: topic/partition/offset.")


def error_text(error: BaseException | str) -> str:
    """The error's message without secrets, short enough for a table and a log line."""
    return _SECRETS.sub(
        lambda found: f"{found.group(1) or found.group(2)}***{'@' if found.group(1) else ''}",
        str(error),
    )[:LONGEST_ERROR_MESSAGE]


def parked_message(
    record: Record,
    consumer: str,
    error: BaseException,
    attempts: int,
    failed: tuple[datetime, datetime],
) -> ParkedMessage:
    """The parked form of a consumed record that failed `attempts` times, first to last."""
    return _parked(
        Consumed(record.topic, record.partition, record.offset, record.key, record.headers),
        record.value or b"",
        consumer,
        (type(error).__name__, error_text(error)),
        attempts,
        failed,
    )


def unreadable_message(
    consumed: Consumed, body: bytes, consumer: str, reason: str
) -> ParkedMessage:
    """The parked form of a message no contract of its consumer can read (or act on)."""
    now = utcnow()
    return _parked(
        consumed, body, consumer, ("UnreadableMessage", error_text(reason)), 1, (now, now)
    )


@dataclass(frozen=True)
class Consumed:
    """Where a consumed message lay, with its key and headers."""

    topic: str
    partition: int
    offset: int
    key: bytes | None
    headers: Sequence[tuple[str, bytes]]

    @classmethod
    def at(cls, location: str, key: bytes | None, headers: Sequence[tuple[str, bytes]]) -> Consumed:
        """From a `topic/partition/offset` location."""
        topic, partition, offset = location.rsplit("/", 2)
        return cls(topic, int(partition), int(offset), key, headers)


def _parked(
    consumed: Consumed,
    raw: bytes,
    consumer: str,
    error: tuple[str, str],
    attempts: int,
    failed: tuple[datetime, datetime],
) -> ParkedMessage:
    key = consumed.key.decode("utf-8", "replace") if consumed.key is not None else None
    try:
        body: str | None = raw.decode("utf-8")
    except UnicodeDecodeError:
        body = None
    place = f"{consumed.topic}/{consumed.partition}/{consumed.offset}"
    return ParkedMessage(
        # One id per consumer and place: parking the same delivery again is recognised.
        parked_id=uuid.uuid5(uuid.NAMESPACE_URL, f"caseflow-parked:{consumer}:{place}").hex,
        parked_at=utcnow(),
        consumer=consumer,
        topic=consumed.topic,
        partition=consumed.partition,
        offset=consumed.offset,
        key=key,
        case_id=_subject(raw) or key,
        headers=[(name, base64.b64encode(value).decode()) for name, value in consumed.headers],
        body=body,
        body_base64=None if body is not None else base64.b64encode(raw).decode(),
        error_type=error[0],
        error=error[1],
        attempts=attempts,
        first_failed_at=failed[0],
        last_failed_at=failed[1],
    )


def _subject(raw: bytes) -> str | None:
    try:
        return EnvelopeHeader.model_validate_json(raw).subject
    except ValidationError:
        return None


def location(record: Record) -> str:
    """topic/partition/offset of one record."""
    return f"{record.topic}/{record.partition}/{record.offset}"
