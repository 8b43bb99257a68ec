"""A case end to end through intake, screening, the bridge and the LicenseCase workflow."""

from __future__ import annotations

import asyncio
import time
import uuid
from datetime import UTC, datetime

import pytest
from temporalio.client import Client

from caseflow.kafka import start_producer
from caseflow.settings import Endpoints
from entrypoints.agency_client import publish_submissions
from entrypoints.samples import sample_applications, sample_assessment, submission
from schemas.application import SubmitApplication
from schemas.cases import (
    CaseAmended,
    CaseStatus,
    CaseWithdrawn,
    DecisionOutcome,
    DenialGround,
    FieldChange,
)
from schemas.envelope import Contract, Envelope
from schemas.screening import RiskLevel
from schemas.topics import CASES
from tests.actors import token_for
from tests.support import collect
from workflows.case_client import (
    ActionRefused,
    CaseListing,
    case_view,
    claim,
    countersign,
    decide,
    find_cases,
)
from workflows.model import CaseView
from workflows.tasks import (
    Countersignature,
    ReviewDecision,
    Reviewer,
    ReviewerRole,
    ReviewerTask,
)

pytestmark = [pytest.mark.integration]


async def submit_and_await_review(
    endpoints: Endpoints, temporal: Client, application: SubmitApplication, copies: int = 1
) -> CaseListing:
    envelope = submission(application)
    await publish_submissions(endpoints.kafka, [(envelope.subject, envelope.to_bytes())] * copies)
    deadline = time.monotonic() + 180  # other tests of the session may leave a backlog
    while time.monotonic() < deadline:
        found = await find_cases(temporal, f"SubmittingAgency = '{application.submitting_agency}'")
        mine = [
            case
            for case in found
            if await _memo_reference(temporal, case) == application.agency_reference
        ]
        if mine and mine[0].status == CaseStatus.UNDER_REVIEW:
            assert len(mine) == 1, f"one case expected, found {mine}"
            return mine[0]
        await asyncio.sleep(1)
    raise AssertionError(f"{application.agency_reference} did not reach review")


async def _memo_reference(temporal: Client, case: CaseListing) -> str:
    description = await temporal.get_workflow_handle(f"license-case-{case.case_id}").describe()
    return str((await description.memo()).get("agency_reference", ""))


def fresh(index: int) -> SubmitApplication:
    return sample_applications(f"-{uuid.uuid4().hex[:8]}")[index]


OFFICER = Reviewer(id="officer-17", role=ReviewerRole.LICENSING_OFFICER)
SENIOR = Reviewer(id="senior-4", role=ReviewerRole.SENIOR_OFFICER)


async def test_a_case_is_screened_reviewed_denied_countersigned_and_the_agency_told(
    case_services: None, stack_endpoints: Endpoints, temporal: Client
) -> None:
    application = fresh(4)  # the NSO Group end user
    case = await submit_and_await_review(stack_endpoints, temporal, application)
    view = await case_view(temporal, case.case_id)
    assert view.screening is not None
    assert view.screening.risk_level is RiskLevel.CRITICAL
    assert case.risk_level == "critical"
    assert case.control_codes == ["4D004"]
    assert view.open_actions == []  # an operator, not a reviewer

    await claim(temporal, case.case_id, ReviewerTask(token=token_for(OFFICER)))
    mine = await case_view(temporal, case.case_id, ReviewerRole.LICENSING_OFFICER, OFFICER.id)
    assert "denied" in mine.open_actions
    signed = await decide(
        temporal,
        case.case_id,
        ReviewDecision(
            token=token_for(OFFICER),
            outcome=DecisionOutcome.DENIED,
            rationale="End user is on the Entity List for supplying spyware used against "
            "journalists and activists.",
            grounds=[DenialGround(text="Spyware for a designated end user", human_rights=True)],
            assessment=sample_assessment("Critical: intrusion software to a designated end user."),
        ),
    )
    assert signed.status is CaseStatus.SIGNED_OFF
    recorded = await countersign(temporal, case.case_id, Countersignature(token=token_for(SENIOR)))
    assert recorded.outcome is DecisionOutcome.DENIED
    [decided] = await collect(
        stack_endpoints.kafka,
        CASES.name,
        lambda seen: len(seen) >= 1,
        where=lambda event: event["type"] == "CaseDecided.v1" and event["subject"] == case.case_id,
        linger=2,
    )
    assert decided["data"]["outcome"] == "denied"
    assert decided["data"]["decided_by"] == "officer-17"
    assert decided["data"]["countersigned_by"] == "senior-4"
    assert decided["data"]["agency_reference"] == application.agency_reference
    statuses = await collect(
        stack_endpoints.kafka,
        CASES.name,
        lambda seen: len(seen) >= 6,
        where=lambda event: (
            event["type"] == "CaseStatusChanged.v1" and event["subject"] == case.case_id
        ),
        linger=1,
    )
    assert [event["data"]["status"] for event in statuses] == [
        "registered",
        "screening",
        "under_review",
        "signed_off",
        "countersigned",
        "decided",
    ]


async def test_the_same_submission_delivered_twice_gives_one_case_and_one_workflow(
    case_services: None, stack_endpoints: Endpoints, temporal: Client
) -> None:
    application = fresh(0)
    case = await submit_and_await_review(stack_endpoints, temporal, application, copies=2)
    workflows = [
        execution
        async for execution in temporal.list_workflows(f"ControlNumber = '{case.control_number}'")
    ]
    assert len(workflows) == 1


async def test_an_invalid_decision_is_refused_with_its_reason_and_the_case_stays_open(
    case_services: None, stack_endpoints: Endpoints, temporal: Client
) -> None:
    case = await submit_and_await_review(stack_endpoints, temporal, fresh(5))
    officer = Reviewer(id="officer-3")
    await claim(temporal, case.case_id, ReviewerTask(token=token_for(officer)))
    with pytest.raises(ActionRefused, match="needs at least one condition"):
        await decide(
            temporal,
            case.case_id,
            ReviewDecision(
                token=token_for(officer),
                outcome=DecisionOutcome.APPROVED_WITH_CONDITIONS,
                rationale="Bank HSMs.",
                assessment=sample_assessment(),
            ),
        )
    view = await case_view(temporal, case.case_id)
    assert view.status is CaseStatus.UNDER_REVIEW
    assert view.decided is None


async def test_an_amendment_and_a_withdrawal_on_the_cases_topic_reach_the_case(
    case_services: None, stack_endpoints: Endpoints, temporal: Client
) -> None:
    application = fresh(1)
    case = await submit_and_await_review(stack_endpoints, temporal, application)
    amended_application = application.model_copy(
        update={"end_use_statement": application.end_use_statement + " Amended."}
    )
    amendment = CaseAmended(
        case_id=case.case_id,
        control_number=case.control_number,
        amended_at=datetime.now(UTC),
        reason="end use clarified",
        changes=[FieldChange(path="$.end_use_statement", before=None, after='"Amended."')],
        application=amended_application,
    )
    await publish_case_event(stack_endpoints, amendment, case.case_id)
    deadline = time.monotonic() + 60
    while not _rescreened(view := await case_view(temporal, case.case_id)):
        assert time.monotonic() < deadline, f"not re-screened: {view.timeline}"
        await asyncio.sleep(0.5)

    withdrawal = CaseWithdrawn(
        case_id=case.case_id,
        control_number=case.control_number,
        withdrawn_at=datetime.now(UTC),
        reason="The order was cancelled.",
    )
    await publish_case_event(stack_endpoints, withdrawal, case.case_id)
    [decided] = await collect(
        stack_endpoints.kafka,
        CASES.name,
        lambda seen: len(seen) >= 1,
        where=lambda event: event["type"] == "CaseDecided.v1" and event["subject"] == case.case_id,
    )
    assert decided["data"]["outcome"] == "withdrawn"


def _rescreened(view: CaseView) -> bool:
    return view.status is CaseStatus.UNDER_REVIEW and any(
        "screening requested (amendment)" in entry.note for entry in view.timeline
    )


async def publish_case_event(endpoints: Endpoints, data: Contract, case_id: str) -> None:
    """Publish a case event as intake does (keyed by the case id)."""
    envelope = Envelope.wrap(data, source="caseflow/intake", subject=case_id, correlation_id="t")
    producer = await start_producer(endpoints.kafka, "test-intake")
    try:
        await producer.send_and_wait(CASES.name, envelope.to_bytes(), key=case_id.encode())
    finally:
        await producer.stop()
