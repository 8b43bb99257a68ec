"""Recording an event read from Kafka on the trail, once."""

from __future__ import annotations

import json

import structlog
from pydantic import ValidationError

from caseflow.db import Connection
from caseflow.messaging import reasons
from schemas.envelope import EnvelopeHeader
from services.audit.adapters import append
from services.audit.domain import AuditEntry
from services.audit.ports import TrailStore

log = structlog.get_logger(__name__)


class NotAnEvent(ValueError):
    """Bytes that are not an envelope: nothing to chain, so the message is set aside."""


def entry_of(raw: bytes, topic: str) -> AuditEntry:
    """The trail entry of a message, or `NotAnEvent` with the reason."""
    try:
        header = EnvelopeHeader.model_validate_json(raw)
    except ValidationError as error:
        raise NotAnEvent(reasons(error)) from error
    document = json.loads(raw)
    if "data" not in document:
        raise NotAnEvent("data: Field required")
    return AuditEntry.of_envelope({**document, **header.model_dump(mode="json")}, topic)


async def record(connection: Connection, raw: bytes, topic: str) -> bool:
    """Chain the message onto the trail; False if it is recorded already (a redelivery)."""
    entry = entry_of(raw, topic)
    row = await append(connection, entry)
    if row is not None:
        log.info("audited", seq=row.seq, type=entry.event_type, case_id=entry.case_id)
    return row is not None


async def audit(store: TrailStore, raw: bytes, topic: str) -> bool:
    """Chain a message read from `topic` onto the trail, in a transaction of its own; False for
    a redelivery; `NotAnEvent` for bytes that are no envelope."""
    async with store.unit_of_work() as uow:
        return await record(uow.connection, raw, topic)
