"""The cases the fault suite submits, and what it reads back: workflows, events, standings."""

from __future__ import annotations

import asyncio
import json
import time
from collections import Counter, defaultdict
from dataclasses import dataclass

from aiokafka import AIOKafkaConsumer
from temporalio.client import Client

from entrypoints.samples import sample_applications, submission
from schemas.topics import CASES
from tests.support import Event, collect
from workflows.case_client import find_cases

Message = tuple[str, bytes]


@dataclass(frozen=True)
class Submissions:
    """Valid applications by agency reference, and deficient ones that must be refused."""

    valid: dict[str, Message]
    deficient: dict[str, Message]

    @property
    def messages(self) -> list[Message]:
        """Every message, the deficient ones spread among the valid."""
        mixed = list(self.valid.values())
        gap = len(mixed) // (len(self.deficient) + 1)
        for index, message in enumerate(self.deficient.values(), start=1):
            mixed.insert(index * gap + index - 1, message)
        return mixed


def submissions(run: str, batches: int, deficient: int = 0) -> Submissions:
    """`batches` of the six samples under fresh references, and `deficient` refusable ones."""
    valid: dict[str, Message] = {}
    for batch in range(batches):
        for application in sample_applications(f"-{run}{batch:02d}"):
            envelope = submission(application)
            valid[application.agency_reference] = (envelope.subject, envelope.to_bytes())
    refused: dict[str, Message] = {}
    for index in range(deficient):
        reference = f"DEFICIENT-{run}-{index}"
        body = {
            "type": "SubmitApplication.v1",
            "data": {"submitting_agency": "NL-CDIU", "agency_reference": reference, "items": []},
        }
        refused[reference] = (f"NL-CDIU:{reference}", json.dumps(body).encode())
    return Submissions(valid, refused)


def waves(messages: list[Message], count: int) -> list[list[Message]]:
    """The messages in `count` consecutive waves of nearly equal size."""
    size = -(-len(messages) // count)
    return [messages[start : start + size] for start in range(0, len(messages), size)]


async def count_cases(client: Client, query: str = "") -> int:
    """How many LicenseCase workflows Temporal's visibility store holds (matching `query`)."""
    full = f"WorkflowType = 'LicenseCase'{f' AND ({query})' if query else ''}"
    return (await client.count_workflows(full)).count


async def wait_for_cases(client: Client, query: str, count: int, timeout: float) -> None:
    """Wait until `count` cases match `query`; fail naming how many did."""
    deadline = time.monotonic() + timeout
    while (found := await count_cases(client, query)) < count:
        if time.monotonic() > deadline:
            statuses = Counter(case.status for case in await find_cases(client, limit=500))
            raise AssertionError(
                f"{found} of {count} cases match {query!r} after {timeout}s; all by status: "
                f"{dict(statuses)}"
            )
        await asyncio.sleep(2)


async def references_by_workflow(client: Client) -> dict[str, list[str]]:
    """Each agency reference with the ids of the workflows registered under it."""
    found: dict[str, list[str]] = defaultdict(list)
    async for execution in client.list_workflows("WorkflowType = 'LicenseCase'"):
        memo = await execution.memo()
        found[str(memo["agency_reference"])].append(execution.id)
    return found


async def decided_events(kafka: str, case_ids: set[str]) -> dict[str, list[Event]]:
    """Every `CaseDecided` of the cases on caseflow.cases, by case id (read to the end)."""
    return await events_by_case(kafka, CASES.name, "CaseDecided.v1", case_ids)


async def events_by_case(
    kafka: str, topic: str, event_type: str, case_ids: set[str]
) -> dict[str, list[Event]]:
    """Every event of a type on a topic, for these cases, by case id (read to the end)."""
    seen = await collect(
        kafka,
        topic,
        lambda events: {event["subject"] for event in events} >= case_ids,
        where=lambda event: event["type"] == event_type and event["subject"] in case_ids,
        timeout=180,
        linger=3,
    )
    by_case: dict[str, list[Event]] = defaultdict(list)
    for event in seen:
        by_case[event["subject"]].append(event)
    return by_case


async def topic_partitions(kafka: str) -> dict[str, int]:
    """Every topic the broker holds, with its number of partitions."""
    consumer = AIOKafkaConsumer(bootstrap_servers=kafka)
    await consumer.start()
    try:
        return {
            topic: len(consumer.partitions_for_topic(topic) or ())
            for topic in await consumer.topics()
        }
    finally:
        await consumer.stop()
