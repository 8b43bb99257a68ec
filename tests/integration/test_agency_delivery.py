"""Each agency reads only its own cases, on its own topic: intake forwards against the real broker.

Two agencies submit; the workflow's events (published here as the worker's outbox would) reach
`caseflow.cases`; each agency's consumer reads its own topic and never another agency's case.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import AsyncIterator, Callable

import pytest
from aiokafka import AIOKafkaProducer

from caseflow.limits import SUBMISSION_MESSAGE
from caseflow.settings import Endpoints, Settings
from entrypoints.agency_client import gateway_headers, publish_submissions
from entrypoints.samples import sample_applications, submission
from schemas.cases import CaseDecided, CaseEscalationDecided, CaseStatus, CaseStatusChanged
from schemas.envelope import Contract, Envelope, utcnow
from schemas.topics import CASES, SUBMISSIONS, agency_topic
from services.intake.bootstrap import bootstrap as intake_app
from tests.support import Event, caseflow, collect

pytestmark = pytest.mark.integration

A, B = "DE-BAFA", "NL-CDIU"


@pytest.fixture
async def intake(stack_settings: Settings, stack_endpoints: Endpoints) -> AsyncIterator[None]:
    async with intake_app(stack_settings):
        yield


async def _internal(bootstrap: str, *events: tuple[str, Contract]) -> list[Envelope[Contract]]:
    """Publish case events on the internal topic, as the workflow's outbox does (each twice)."""
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap)
    await producer.start()
    envelopes = [
        Envelope[Contract].wrap(data, source="caseflow/worker", subject=case, correlation_id=case)
        for case, data in events
    ]
    try:
        for envelope in envelopes + envelopes:  # delivered twice: forwarded once
            await producer.send_and_wait(
                CASES.name, envelope.to_bytes(), key=envelope.subject.encode()
            )
    finally:
        await producer.stop()
    return envelopes


def _received(reference: str) -> Callable[[Event], bool]:
    def matches(event: Event) -> bool:
        application = event["data"].get("application") or {}
        return bool(
            event["type"] == "CaseReceived.v1"
            and (application.get("agency_reference") == reference)
        )

    return matches


async def test_agency_a_never_receives_agency_b_s_case(
    intake: None, stack_settings: Settings, stack_endpoints: Endpoints
) -> None:
    kafka = stack_endpoints.kafka
    suffix = f"-{uuid.uuid4().hex[:6]}"
    samples = {app.submitting_agency: app for app in sample_applications(suffix)}
    ours, theirs = samples[A], samples[B]
    refused_reference = f"B-REFUSED{suffix}"
    broken = json.dumps(
        {
            "type": "SubmitApplication.v1",
            "data": {"submitting_agency": B, "agency_reference": refused_reference},
        }
    ).encode()
    await publish_submissions(
        kafka,
        [
            (envelope.subject, envelope.to_bytes())
            for envelope in (submission(ours), submission(theirs))
        ]
        + [(f"{B}:{refused_reference}", broken)],
    )
    [our_case] = await collect(
        kafka,
        agency_topic(A).name,
        lambda seen: len(seen) >= 1,
        where=_received(ours.agency_reference),
    )
    [their_case] = await collect(
        kafka,
        agency_topic(B).name,
        lambda seen: len(seen) >= 1,
        where=_received(theirs.agency_reference),
    )
    ours_id, theirs_id = our_case["data"]["case_id"], their_case["data"]["case_id"]
    now = utcnow()

    def decided(case: Event, officer: str) -> CaseDecided:
        data = case["data"]
        return CaseDecided(
            case_id=data["case_id"],
            control_number=data["control_number"],
            submitting_agency=data["application"]["submitting_agency"],
            agency_reference=data["application"]["agency_reference"],
            outcome="approved",
            decided_at=now,
            decided_by=officer,
            rationale="No risk of misuse found.",
            human_rights_assessment="No credible risk of serious abuse.",
        )

    their_status = CaseStatusChanged(
        case_id=theirs_id,
        control_number=their_case["data"]["control_number"],
        submitting_agency=B,
        agency_reference=theirs.agency_reference,
        status=CaseStatus.UNDER_REVIEW,
        changed_at=now,
    )
    committee = CaseEscalationDecided(
        case_id=ours_id,
        control_number=our_case["data"]["control_number"],
        submitting_agency=A,
        agency_reference=ours.agency_reference,
        level=1,
        committee="Operating Committee",
        decided_by="chair-internal",
        decided_at=now,
        recommendation="approve",
        rationale="internal deliberation",
        appeal_until=None,
    )
    await _internal(
        kafka,
        (theirs_id, their_status),
        (theirs_id, decided(their_case, "officer-of-b")),
        (ours_id, committee),
        (ours_id, decided(our_case, "officer-of-a")),
    )

    def about_this_run(event: Event) -> bool:
        return suffix in json.dumps(event) or event["subject"] in (ours_id, theirs_id)

    a_reads = await collect(
        kafka,
        agency_topic(A).name,
        lambda seen: any(event["type"] == "DecisionIssued.v1" for event in seen),
        where=about_this_run,
        linger=3,
    )
    b_reads = await collect(
        kafka,
        agency_topic(B).name,
        lambda seen: (
            {"DecisionIssued.v1", "SubmissionRejected.v1"} <= {event["type"] for event in seen}
        ),
        where=about_this_run,
        linger=3,
    )

    # The session's own bridge may run a real workflow for the case, so its status changes may
    # reach A as well; what matters is that A reads its own case, nothing internal.
    a_types = [event["type"] for event in a_reads]
    assert a_types[0] == "CaseReceived.v1"
    assert a_types.count("DecisionIssued.v1") == 1
    assert set(a_types) <= {"CaseReceived.v1", "CaseStatusChanged.v1", "DecisionIssued.v1"}
    assert {event["subject"] for event in a_reads} == {ours_id}
    a_text = json.dumps(a_reads)
    for secret in (
        theirs_id,
        theirs.agency_reference,
        refused_reference,
        "officer-of-a",
        "chair-internal",
        "internal deliberation",
    ):
        assert secret not in a_text
    [issued] = [event["data"] for event in a_reads if event["type"] == "DecisionIssued.v1"]
    assert issued["outcome"] == "approved"
    assert "decided_by" not in issued

    assert {event["type"] for event in b_reads} == {
        "CaseReceived.v1",
        "CaseStatusChanged.v1",
        "DecisionIssued.v1",
        "SubmissionRejected.v1",
    }
    assert ours_id not in json.dumps(b_reads)
    assert ours.agency_reference not in json.dumps(b_reads)

    # The agency's command line reads the same topic: its own case, decided; nothing of B's.
    shown = await caseflow(stack_settings, "follow", A)
    assert (
        f"DecisionIssued {our_case['data']['control_number']} {ours.agency_reference}: "
        "approved" in shown
    )
    assert theirs.agency_reference not in shown
    assert refused_reference not in shown


@pytest.mark.parametrize("size", [300_000, 1_500_000])
async def test_an_oversized_submission_is_refused_to_its_agency_naming_the_limit(
    intake: None, stack_endpoints: Endpoints, size: int
) -> None:
    reference = f"HUGE-{uuid.uuid4().hex[:6]}"
    body = json.dumps(
        {"type": "SubmitApplication.v1", "data": {"agency_reference": reference}, "pad": "x" * size}
    ).encode()
    producer = AIOKafkaProducer(bootstrap_servers=stack_endpoints.kafka, max_request_size=4_000_000)
    await producer.start()
    try:
        sent = await producer.send_and_wait(
            SUBMISSIONS.name,
            body,
            key=f"{A}:{reference}".encode(),
            headers=gateway_headers(f"{A}:x"),
        )
    finally:
        await producer.stop()
    location = f"{SUBMISSIONS.name}/{sent.partition}/{sent.offset}"
    # The next submission is registered: intake went on.
    after = sample_applications(f"-{uuid.uuid4().hex[:6]}")[0]
    await publish_submissions(
        stack_endpoints.kafka, [(submission(after).subject, submission(after).to_bytes())]
    )

    seen = await collect(
        stack_endpoints.kafka,
        agency_topic(A).name,
        lambda events: len(events) >= 2,
        where=lambda event: (
            event["data"].get("raw_message") == location or _received(after.agency_reference)(event)
        ),
    )
    assert {event["type"] for event in seen} == {"SubmissionRejected.v1", "CaseReceived.v1"}
    [refusal] = [event["data"] for event in seen if event["type"] == "SubmissionRejected.v1"]
    [deficiency] = refusal["deficiencies"]
    assert deficiency["code"] == "too_large"
    limit = f"exceeds the limit submission_message of {SUBMISSION_MESSAGE.max_bytes} bytes"
    assert limit in deficiency["message"]
