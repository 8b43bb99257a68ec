"""The agency's side: publishing submissions to the submissions topic."""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import datetime
from pathlib import Path

from aiokafka import AIOKafkaConsumer

from caseflow.kafka import start_producer
from caseflow.messaging import read_envelope
from caseflow.samples import sample_applications, submission
from schemas.application import SubmitApplication
from schemas.intake import AGENCY_HEADER, SubmissionRejected
from schemas.topics import REJECTIONS, SUBMISSIONS


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
