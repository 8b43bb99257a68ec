"""The one envelope every caseflow event and command travels in."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime
from typing import ClassVar, Generic, Protocol, TypeVar, get_args

from pydantic import BaseModel, ConfigDict, Field


class Contract(BaseModel):
    """A message body with a stable type name and schema version."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    event_type: ClassVar[str]
    version: ClassVar[int] = 1

    @classmethod
    def type_name(cls) -> str:
        """The envelope `type`: name and version, e.g. `CaseReceived.v1`."""
        return f"{cls.event_type}.v{cls.version}"


DataT = TypeVar("DataT", bound=Contract)


def canonical_json(value: object) -> str:
    """JSON with sorted keys and no spaces: the same value always hashes the same (the form the
    audit trail chains and the register digests)."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def utcnow() -> datetime:
    """The current time, timezone-aware in UTC."""
    return datetime.now(UTC)


class Envelope(BaseModel, Generic[DataT]):
    """Metadata around one event: who sent it, when, about which case, in which chain."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: uuid.UUID = Field(description="Unique event id; consumers deduplicate on it.")
    type: str = Field(description="Event type with version, e.g. `CaseReceived.v1`.")
    source: str = Field(description="The service that emitted it, e.g. `caseflow/intake`.")
    time: datetime = Field(description="When the event happened (UTC).")
    subject: str = Field(description="The case id (or agency:reference before registration).")
    correlation_id: str = Field(description="Id shared by every event caused by one submission.")
    data: DataT

    @classmethod
    def wrap(
        cls,
        data: DataT,
        *,
        source: str,
        subject: str,
        correlation_id: str,
        event_id: uuid.UUID | None = None,
    ) -> Envelope[DataT]:
        """Put `data` in a new envelope (a fixed `event_id` makes re-emission idempotent)."""
        return Envelope[DataT](
            id=event_id or uuid.uuid4(),
            type=data.type_name(),
            source=source,
            time=utcnow(),
            subject=subject,
            correlation_id=correlation_id,
            data=data,
        )

    def to_bytes(self) -> bytes:
        """Serialised form as sent on Kafka."""
        return self.model_dump_json().encode()


def contracts_of(envelopes: object) -> tuple[type[Contract], ...]:
    """The contracts inside a union of envelopes, such as `Envelope[A] | Envelope[B]`."""
    return tuple(
        envelope.__pydantic_generic_metadata__["args"][0] for envelope in get_args(envelopes)
    )


class EnvelopeHeader(BaseModel):
    """The envelope without its data, read first to route a message by its type."""

    model_config = ConfigDict(extra="allow", frozen=True)

    id: uuid.UUID
    type: str
    source: str
    time: datetime
    subject: str
    correlation_id: str


def derived_id(*parts: str) -> uuid.UUID:
    """A deterministic event id, so that re-emitting the same fact is recognised downstream."""
    return uuid.uuid5(uuid.NAMESPACE_URL, "caseflow:" + "/".join(parts))


class Publishable(Protocol):
    """What the outbox needs of an envelope, whatever its data type."""

    @property
    def id(self) -> uuid.UUID: ...

    @property
    def subject(self) -> str: ...

    def to_bytes(self) -> bytes: ...
