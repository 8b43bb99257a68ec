"""The register's use cases: record an event once, read a case file, purge past retention."""

from __future__ import annotations

import json
import secrets
from collections.abc import Sequence
from datetime import datetime

import structlog
from pydantic import ValidationError

from caseflow.db import Connection
from caseflow.messaging import reasons
from schemas.envelope import EnvelopeHeader
from schemas.register import CaseFile, PurgeChange, PurgeReport, Retention
from services.register import adapters
from services.register.adapters import RegisterUnitOfWork
from services.register.domain import (
    NotACaseEvent,
    build_case_file,
    notice_of,
    recorded,
    summarise,
)
from services.register.ports import RegisterStore, RegisterTransaction
from services.register.retention import RetentionPolicy, keep_until_of, pseudonymise

log = structlog.get_logger(__name__)


class NotAnEvent(ValueError):
    """Bytes that are not an envelope: set aside for operators."""


class UnknownCase(LookupError):
    """The register holds no case of that id or control number."""

    def __init__(self, reference: str) -> None:
        super().__init__(f"the register holds no case {reference!r}")
        self.reference = reference


def envelope_of(raw: bytes) -> dict[str, object]:
    """The envelope as the audit trail chains it: the document, its header as validated."""
    try:
        header = EnvelopeHeader.model_validate_json(raw)
    except ValidationError as error:
        raise NotAnEvent(reasons(error)) from error
    document = json.loads(raw)
    if not isinstance(document.get("data"), dict):
        raise NotAnEvent("data: an object is required")
    return {**document, **header.model_dump(mode="json")}


async def record(uow: RegisterTransaction, raw: bytes, topic: str) -> bool:
    """Keep a case's event and bring its line up to date; False for a redelivery or an event
    that names no case."""
    envelope = envelope_of(raw)
    try:
        event = recorded(envelope, topic)  # type: ignore[arg-type]
    except NotACaseEvent:
        return await _record_notice(uow, envelope, topic)
    case_id = str(event.data["case_id"])
    await uow.lock_case(case_id)
    if not await uow.first_delivery(event.event_id):
        return False
    if not await uow.add_event(event, json.dumps(envelope)):
        return False
    await uow.add_consultations([event])
    await uow.save_case(case_id, await uow.events_of(case_id))
    log.info("registered", type=event.type, case_id=case_id)
    return True


async def register(store: RegisterStore, raw: bytes, topic: str) -> bool:
    """Keep a message read from `topic` in a transaction of its own; `NotAnEvent` for bytes
    that are no envelope."""
    async with store.unit_of_work() as uow:
        return await record(uow, raw, topic)


async def _record_notice(uow: RegisterTransaction, envelope: dict[str, object], topic: str) -> bool:
    """Keep a notice between states (it names no case), once; False for anything else."""
    notice = notice_of(envelope, topic)
    if notice is None or not await uow.first_delivery(notice.event_id):
        return False
    return await uow.add_notice(notice, json.dumps(envelope))


async def record_many(uow: RegisterUnitOfWork, deliveries: Sequence[tuple[bytes, str]]) -> int:
    """Keep many events at once (a backlog loaded, a year generated): the same checks and the
    same lines as `record`, in one transaction; the number of events newly kept. Bytes that are
    not an envelope raise `NotAnEvent` and keep nothing."""
    events = []
    for raw, topic in deliveries:
        envelope = envelope_of(raw)
        try:
            events.append((recorded(envelope, topic), json.dumps(envelope)))  # type: ignore[arg-type]
        except NotACaseEvent:
            continue
    if not events:
        return 0
    case_ids = sorted({str(event.data["case_id"]) for event, _ in events})
    await adapters.lock_cases(uow.connection, case_ids)
    fresh = await uow.first_deliveries([event.event_id for event, _ in events])
    kept = await adapters.add_events(
        uow.connection, [(event, text) for event, text in events if event.event_id in fresh]
    )
    await adapters.add_consultations(
        uow.connection, [event for event, _ in events if event.event_id in kept]
    )
    touched = sorted({str(event.data["case_id"]) for event, _ in events if event.event_id in kept})
    await adapters.save_cases(
        uow.connection, await adapters.events_of_cases(uow.connection, touched)
    )
    log.info("registered a batch", events=len(kept), cases=len(touched))
    return len(kept)


async def case_file(connection: Connection, reference: str, policy: RetentionPolicy) -> CaseFile:
    """The case file of a case id or control number; `UnknownCase` if the register has none."""
    found = await adapters.case_with_events(connection, reference)
    if found is None:
        raise UnknownCase(reference)
    case_id, pseudonymised_at, events = found
    line = summarise(case_id, events)
    retention = Retention(
        keep_until=keep_until_of(policy, line.decided_at),
        source=policy.source,
        pseudonymised_at=pseudonymised_at,
    )
    return build_case_file(case_id, events, retention)


async def purge(
    store: RegisterStore,
    policy: RetentionPolicy,
    now: datetime,
    dry_run: bool,
) -> PurgeReport:
    """Pseudonymise the personal data of every case past retention, one case per transaction
    (the decision kept); with `dry_run`, say what would change and change nothing."""
    cutoff = policy.cutoff(now)
    async with store.unit_of_work() as uow:
        due = await uow.decided_before(cutoff)
    changes = []
    for case_id in due:
        async with store.unit_of_work() as uow:
            change = await _pseudonymise_case(uow, case_id, policy, now, dry_run)
        if change is not None:
            changes.append(change)
    return PurgeReport(dry_run=dry_run, source=policy.source, cutoff=cutoff, cases=changes)


async def _pseudonymise_case(
    uow: RegisterTransaction, case_id: str, policy: RetentionPolicy, now: datetime, dry_run: bool
) -> PurgeChange | None:
    """What pseudonymising the case changes (done unless `dry_run`); None if another purge
    did it first."""
    # Neither a concurrent purge nor an event arriving late writes the case meanwhile.
    await uow.lock_case(case_id)
    if await uow.is_pseudonymised(case_id):
        return None
    events = await uow.events_of(case_id)
    line = summarise(case_id, events)
    assert line.decided_at is not None
    done = pseudonymise(events, secrets.token_bytes(32))  # the key is not kept
    if not dry_run:
        await uow.replace_data(done.events)
        await uow.save_case(case_id, done.events)
        await uow.mark_pseudonymised(case_id, now)
        log.info("pseudonymised past retention", case_id=case_id, fields=len(done.fields))
    return PurgeChange(
        case_id=case_id,
        control_number=line.control_number,
        decided_at=line.decided_at,
        keep_until=policy.keep_until(line.decided_at),
        fields=done.fields,
    )
