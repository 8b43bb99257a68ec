"""The agency's side: publishing submissions, and reading its own topic of case events."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Iterable
from datetime import datetime
from pathlib import Path

from aiokafka import AIOKafkaConsumer, TopicPartition

from caseflow.kafka import start_producer
from caseflow.messaging import read_envelope
from entrypoints.samples import sample_applications, submission
from schemas.application import SubmitApplication
from schemas.envelope import EnvelopeHeader
from schemas.intake import AGENCY_HEADER, SubmissionRejected
from schemas.topics import REJECTIONS, SUBMISSIONS, agency_topic


def read_submission(path: Path) -> tuple[str, bytes]:
    """A file's submission as (key, bytes): an envelope as is, a bare application wrapped in one.

    The key is `AGENCY:REFERENCE` as read from the file, so the gateway vouches for that agency;
    a file that cannot be read is sent as it is and intake refuses it saying why.
    """
    raw = path.read_bytes()
    try:
        document = json.loads(raw)
    except ValueError:
        return path.stem, raw
    if isinstance(document, dict) and "data" not in document and "items" in document:
        envelope = submission(SubmitApplication.model_validate(document))
        return envelope.subject, envelope.to_bytes()
    data = document.get("data") if isinstance(document, dict) else None
    if isinstance(data, dict):
        return f"{data.get('submitting_agency')}:{data.get('agency_reference')}", raw
    return path.stem, raw


async def publish_submissions(bootstrap: str, messages: Iterable[tuple[str, bytes]]) -> int:
    """Publish (key, bytes) pairs to the submissions topic, as the agency gateway.

    Keys are `AGENCY:REFERENCE`; the gateway vouches for AGENCY in the agency header.
    """
    producer = await start_producer(bootstrap, "caseflow-agency")
    try:
        sent = [
            await producer.send(
                SUBMISSIONS.name, body, key=key.encode(), headers=gateway_headers(key)
            )
            for key, body in messages
        ]
        for delivery in sent:
            await delivery
        return len(sent)
    finally:
        await producer.stop()


def gateway_headers(key: str) -> list[tuple[str, bytes]]:
    """The header naming the agency of an `AGENCY:REFERENCE` key, as the gateway sets it."""
    agency, separator, _ = key.partition(":")
    return [(AGENCY_HEADER, agency.encode())] if separator else []


def sample_messages(reference_suffix: str) -> list[tuple[str, bytes]]:
    """The sample applications as (key, bytes) ready to publish."""
    envelopes = [submission(app) for app in sample_applications(reference_suffix)]
    return [(envelope.subject, envelope.to_bytes()) for envelope in envelopes]


async def read_rejections(
    bootstrap: str, since: datetime, *, agency: str | None = None
) -> list[SubmissionRejected]:
    """Rejections published since `since` (optionally of one agency), read to the topic's end."""
    consumer = AIOKafkaConsumer(
        REJECTIONS.name,
        bootstrap_servers=bootstrap,
        auto_offset_reset="earliest",
        enable_auto_commit=False,
        consumer_timeout_ms=1000,
    )
    await consumer.start()
    rejections: list[SubmissionRejected] = []
    try:
        while batch := await consumer.getmany(timeout_ms=1500):
            for records in batch.values():
                for record in records:
                    rejection = read_envelope(record.value, SubmissionRejected).data
                    if rejection.rejected_at >= since and agency in (
                        None,
                        rejection.submitting_agency,
                    ):
                        rejections.append(rejection)
    finally:
        await consumer.stop()
    return rejections


async def agency_events(
    bootstrap: str, agency: str, *, keep_following: bool
) -> AsyncIterator[tuple[EnvelopeHeader, dict[str, object]]]:
    """The events on the agency's own topic from its start, as (envelope, data).

    Reads to the topic's end and stops, or with `keep_following` waits for more until cancelled.
    No consumer group: an agency's principal needs read access to its own topic only.
    """
    topic = agency_topic(agency).name
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, enable_auto_commit=False)
    await consumer.start()
    try:
        known = await consumer.topics()  # fetches the cluster's metadata
        partitions = [
            TopicPartition(topic, number)
            for number in sorted(consumer.partitions_for_topic(topic) or ())
        ]
        if topic not in known or not partitions:
            raise LookupError(f"no topic {topic}: is {agency} a registered agency?")
        consumer.assign(partitions)
        await consumer.seek_to_beginning(*partitions)
        ends = await consumer.end_offsets(partitions)
        while True:
            batch = await consumer.getmany(*partitions, timeout_ms=1000)
            for records in batch.values():
                for record in records:
                    document = json.loads(record.value or b"{}")
                    yield EnvelopeHeader.model_validate(document), document.get("data", {})
            if keep_following or batch:
                continue
            positions = [await consumer.position(partition) for partition in partitions]
            if all(at >= ends[p] for at, p in zip(positions, partitions, strict=True)):
                return
    finally:
        await consumer.stop()
