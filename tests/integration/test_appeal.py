"""The applicant's appeal on the session's real servers: a denied case is appealed by its agency
through intake, refused for the wrong party, ruled on by an officer not involved in the denial,
countersigned by a second senior officer, and overturned: the case is approved anew with the
appeal named, and the register holds it all."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from datetime import timedelta

import pytest
from temporalio.client import Client

from caseflow.auth import Principal, Role, open_accounts
from caseflow.auth.tokens import issuer
from caseflow.settings import Endpoints, Settings
from desk.register_client import NotInRegister, RegisterClient
from entrypoints.agency_client import publish_submissions
from entrypoints.samples import sample_applications, sample_assessment, submission
from schemas.appeals import AppealDecision, AppealResult
from schemas.cases import DecisionOutcome, DenialGround
from schemas.envelope import Envelope
from schemas.register import CaseFile
from schemas.topics import CASES, REJECTIONS
from services.register.bootstrap import bootstrap as register_app
from tests.actors import token_for
from tests.e2e.reviews import await_review
from tests.support import Event, caseflow, collect, eventually
from workflows import appeal_desk, case_client
from workflows.appeal_rules import (
    AppealCountersignature,
    AppealRuling,
    AppealStatus,
    AppealView,
)
from workflows.case_client import ActionRefused, CaseNotFound
from workflows.tasks import Countersignature, ReviewDecision, Reviewer, ReviewerRole, ReviewerTask

pytestmark = [pytest.mark.integration]

AGENCY, OTHER_AGENCY = "DE-BAFA", "NL-CDIU"
GROUND = "Risk that the analysers equip a unit reported for surveillance of journalists."


@pytest.fixture(scope="module")
async def register(stack_settings: Settings) -> AsyncIterator[RegisterClient]:
    async with register_app(stack_settings):
        yield RegisterClient.of(stack_settings)


def _officer(name: str, senior: bool = False) -> Reviewer:
    role = ReviewerRole.SENIOR_OFFICER if senior else ReviewerRole.LICENSING_OFFICER
    return Reviewer(id=f"{name}-{uuid.uuid4().hex[:6]}", role=role)


async def _appeal(endpoints: Endpoints, gateway: str, command: AppealDecision) -> None:
    """The appeal as an agency sends it, through the gateway that vouches for `gateway`."""
    envelope = Envelope.wrap(
        command, source="agency", subject=command.agency_reference, correlation_id="appeal"
    )
    await publish_submissions(
        endpoints.kafka, [(f"{gateway}:{command.agency_reference}", envelope.to_bytes())]
    )


async def _refusal(endpoints: Endpoints, reference: str, count: int) -> list[Event]:
    """The refusals of submissions under the reference, once `count` of them are published."""
    return await collect(
        endpoints.kafka,
        REJECTIONS.name,
        lambda seen: len(seen) >= count,
        where=lambda event: event["data"].get("agency_reference") == reference,
    )


async def _deny(temporal: Client, case_id: str, officer: Reviewer, senior: Reviewer) -> None:
    """The officer denies on a human-rights ground; a senior officer countersigns."""
    await case_client.claim(temporal, case_id, ReviewerTask(token=token_for(officer)))
    denial = ReviewDecision(
        outcome=DecisionOutcome.DENIED,
        rationale="The end user's record makes misuse likely.",
        grounds=[DenialGround(text=GROUND, human_rights=True)],
        assessment=sample_assessment("Serious risk of use in surveillance of journalists."),
        token=token_for(officer),
    )
    await case_client.decide(temporal, case_id, denial)
    await case_client.countersign(temporal, case_id, Countersignature(token=token_for(senior)))


async def _register_shows(
    register: RegisterClient, token: str, control_number: str, outcome: str
) -> CaseFile:
    found: list[CaseFile] = []

    async def shows() -> bool:
        try:
            case = await register.case_file(control_number, token)
        except NotInRegister:
            return False
        if case.outcome == outcome and any(e.type == "AppealDecided" for e in case.appeals):
            found.append(case)
        return bool(found)

    await eventually(shows, f"{control_number} {outcome} after its appeal in the register")
    return found[0]


async def test_an_appeal_overturns_a_denial_and_the_case_is_approved_naming_it(
    stack_settings: Settings,
    stack_endpoints: Endpoints,
    temporal: Client,
    case_services: None,
    register: RegisterClient,
) -> None:
    suffix = f"-appeal{uuid.uuid4().hex[:6]}"
    application = sample_applications(suffix)[0]  # the low-risk one, of DE-BAFA
    reference = application.agency_reference
    envelope = submission(application)
    await publish_submissions(stack_endpoints.kafka, [(envelope.subject, envelope.to_bytes())])
    [case] = await await_review(temporal, suffix, 1)
    deciding, countersigning = _officer("denier"), _officer("senior-denier", senior=True)
    await _deny(temporal, case.case_id, deciding, countersigning)
    # Intake learns of the decision as it tells the agency: the agency appeals after reading it.
    await collect(
        stack_endpoints.kafka,
        f"caseflow.agency.{AGENCY}.cases",
        bool,
        where=lambda event: (
            event["subject"] == case.case_id and event["type"].startswith("DecisionIssued")
        ),
    )
    grounds = "The analysers serve a university teaching laboratory, as its letter confirms."

    # The wrong party: another agency, in the case's agency's name. Refused, nothing filed.
    await _appeal(
        stack_endpoints,
        OTHER_AGENCY,
        AppealDecision(submitting_agency=AGENCY, agency_reference=reference, grounds=grounds),
    )
    [refused] = await _refusal(stack_endpoints, reference, 1)
    assert [d["code"] for d in refused["data"]["deficiencies"]] == ["not_your_case"]
    with pytest.raises(CaseNotFound):
        await appeal_desk.appeal_view(temporal, case.case_id)

    # The case's agency appeals in time: an Appeal workflow opens.
    command = AppealDecision(submitting_agency=AGENCY, agency_reference=reference, grounds=grounds)
    await _appeal(stack_endpoints, AGENCY, command)
    await _appeal(stack_endpoints, AGENCY, command)  # sent twice: one appeal
    view = await _appeal_opened(temporal, case.case_id)
    assert (view.appealed_outcome, view.appealed_decided_by) == (
        DecisionOutcome.DENIED,
        deciding.id,
    )
    assert view.appealed_countersigned_by == countersigning.id

    # Neither officer of the denial may rule on its appeal, nor countersign the ruling.
    appeal_officer, appeal_senior = _officer("appeal-officer"), _officer("appeal-senior", True)
    overturn = AppealRuling(
        result=AppealResult.OVERTURNED,
        rationale="The university's letter shows a teaching use; the ground does not hold.",
        assessment_conclusion="No serious risk: the end use is teaching, confirmed in writing.",
    )
    with pytest.raises(ActionRefused, match="took part in the decision appealed"):
        await appeal_desk.rule(
            temporal, case.case_id, overturn.model_copy(update={"token": token_for(deciding)})
        )
    without_conclusion = overturn.model_copy(
        update={"assessment_conclusion": "", "token": token_for(appeal_officer)}
    )
    with pytest.raises(ActionRefused, match="assessment_conclusion"):
        await appeal_desk.rule(temporal, case.case_id, without_conclusion)
    ruled = await appeal_desk.rule(
        temporal, case.case_id, overturn.model_copy(update={"token": token_for(appeal_officer)})
    )
    assert ruled.status is AppealStatus.AWAITING_COUNTERSIGNATURE
    for who, reason in (
        (appeal_officer, "only a senior officer can countersign"),
        (countersigning, "took part in the decision appealed"),
    ):
        with pytest.raises(ActionRefused, match=reason):
            await appeal_desk.countersign(
                temporal, case.case_id, AppealCountersignature(token=token_for(who))
            )
    decided = await appeal_desk.countersign(
        temporal, case.case_id, AppealCountersignature(token=token_for(appeal_senior))
    )
    assert decided.status is AppealStatus.OVERTURNED
    shown = await caseflow(stack_settings, "appeals", "show", case.control_number)
    assert "overturned" in shown
    assert case.control_number in await caseflow(stack_settings, "appeals")
    late = ("appeals", "decide", case.control_number, "--result", "upheld", "--rationale", "x")
    refused_late = await caseflow(stack_settings, *late, status=1, token=token_for(appeal_officer))
    assert "no open appeal" in refused_late  # decided: its workflow has ended

    # The case is approved anew, the appeal named: a licence follows as for any approval.
    events = await collect(
        stack_endpoints.kafka,
        CASES.name,
        lambda seen: {e["type"] for e in seen} >= {"AppealDecided.v1", "CaseDecided.v1"},
        where=lambda event: (
            event["subject"] == case.case_id
            and event["type"] in ("AppealDecided.v1", "CaseDecided.v1", "AppealFiled.v1")
            and event["data"].get("appeal_id") is not None
        ),
    )
    [approval] = [e["data"] for e in events if e["type"] == "CaseDecided.v1"]
    assert approval["outcome"] == "approved"
    assert approval["appeal_id"] == view.appeal_id
    assert (approval["decided_by"], approval["countersigned_by"]) == (
        appeal_officer.id,
        appeal_senior.id,
    )
    assert len([e for e in events if e["type"] == "AppealFiled.v1"]) == 1

    # The agency reads the approval on its own topic, the appeal named.
    issued = await collect(
        stack_endpoints.kafka,
        f"caseflow.agency.{AGENCY}.cases",
        bool,
        where=lambda event: (
            event["subject"] == case.case_id
            and event["type"].startswith("DecisionIssued")
            and event["data"].get("appeal_id") == view.appeal_id
        ),
    )
    assert issued[0]["data"]["outcome"] == "approved"
    assert "decided_by" not in issued[0]["data"]  # the officers stay inside caseflow

    # Everything is on the register: the appeal's events, and the case approved.
    operator = await _operator_token(stack_settings)
    record = await _register_shows(register, operator, case.control_number, "approved")
    assert [e.type for e in record.appeals] == ["AppealFiled", "AppealRuled", "AppealDecided"]
    assert any("appeal overturned" in line.note for line in record.timeline)

    # A second appeal of the (now approved) case is refused with its reasons.
    again = AppealDecision(submitting_agency=AGENCY, agency_reference=reference, grounds="again")
    await _appeal(stack_endpoints, AGENCY, again)
    refusals = await _refusal(stack_endpoints, reference, 2)
    codes = {d["code"] for d in refusals[-1]["data"]["deficiencies"]}
    assert codes == {"already_appealed", "not_appealable"}


async def _appeal_opened(temporal: Client, case_id: str) -> AppealView:
    for _ in range(240):
        try:
            return await appeal_desk.appeal_view(temporal, case_id)
        except CaseNotFound:
            await asyncio.sleep(0.5)
    raise AssertionError(f"no appeal workflow for case {case_id}")


async def _operator_token(settings: Settings) -> str:
    operator = Principal(name=f"appeal-operator-{uuid.uuid4().hex[:6]}", role=Role.OPERATOR)
    async with open_accounts(settings.endpoints().database) as accounts:
        await accounts.add(operator, "appeal-test-password")
    return issuer(settings).issue(operator, timedelta(minutes=30))
