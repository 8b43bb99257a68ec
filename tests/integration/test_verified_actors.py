"""Who acts on a case is proven by a signed token, verified by the workflow's Update validators:
a hand-written reviewer, a forged, expired, wrong-role, unknown-key or disabled-account token is
refused with the reason and leaves nothing in the case; the token itself is never recorded."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import jwt
import pytest
from temporalio.api.enums.v1 import EventType
from temporalio.client import WorkflowUpdateFailedError

from caseflow.auth import KeyRing, Principal, Role
from caseflow.auth.tokens import issuer, key_ring, new_key, public_file, publish_disabled
from caseflow.settings import Settings
from entrypoints.samples import sample_assessment
from schemas.cases import DecisionOutcome
from schemas.screening import RiskLevel
from tests.actors import token_for
from tests.integration.case_harness import OFFICER, CaseHarness
from workflows import actors, case_client
from workflows.tasks import ReviewDecision, ReviewerTask

pytestmark = [pytest.mark.integration]

HOUR = timedelta(hours=1)
OFFICER_ACCOUNT = Principal(name=OFFICER.id, role=Role.LICENSING_OFFICER)


async def _accepted_updates(cases: CaseHarness, case_id: str) -> int:
    """How many Updates the case's history holds."""
    accepted = EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED
    history = cases.handle(case_id).fetch_history_events()
    return len([event async for event in history if event.event_type == accepted])


async def test_a_raw_update_with_a_hand_written_reviewer_is_refused_and_leaves_no_trace(
    cases: CaseHarness,
) -> None:
    case_id = await cases.open_case(RiskLevel.LOW)
    hand_written = {"reviewer": {"id": "officer-99", "role": "senior_officer"}, "note": ""}

    with pytest.raises(WorkflowUpdateFailedError) as refused:
        await cases.handle(case_id).execute_update("claim", hand_written)

    assert "no token" in str(refused.value.cause)
    assert await _accepted_updates(cases, case_id) == 0
    assert (await cases.view(case_id)).assigned_reviewer is None


def _forged(settings: Settings) -> str:
    """The officer's claims, with the signing key's id, signed by a key the issuer never had."""
    genuine = issuer(settings)
    claims = jwt.decode(genuine.issue(OFFICER_ACCOUNT, HOUR), options={"verify_signature": False})
    return jwt.encode(claims, new_key().signer, algorithm="ES256", headers={"kid": genuine.kids[0]})


REFUSED = {
    "forged": (_forged, "Signature verification failed"),
    "expired": (
        lambda settings: issuer(settings).issue(
            OFFICER_ACCOUNT, HOUR, now=datetime.now(UTC) - 2 * HOUR
        ),
        "expired",
    ),
    "wrong role": (
        lambda settings: issuer(settings).issue(
            Principal(name="operator-1", role=Role.OPERATOR), HOUR
        ),
        "operator-1 is an operator: only a licensing officer or a senior officer can claim",
    ),
    "unknown key": (
        lambda _settings: KeyRing([new_key()]).issue(OFFICER_ACCOUNT, HOUR),
        "unknown key",
    ),
    "garbage": (lambda _settings: "not.a.token", "invalid token"),
}


@pytest.mark.parametrize("kind", REFUSED)
async def test_a_bad_token_is_refused_with_its_reason_and_leaves_no_trace(
    cases: CaseHarness, stack_settings: Settings, kind: str
) -> None:
    make, reason = REFUSED[kind]
    case_id = await cases.open_case(RiskLevel.LOW)

    with pytest.raises(case_client.ActionRefused, match=reason):
        await case_client.claim(cases.client, case_id, ReviewerTask(token=make(stack_settings)))

    assert await _accepted_updates(cases, case_id) == 0
    assert (await cases.view(case_id)).assigned_reviewer is None


@pytest.fixture
def rereading_verifier(stack_settings: Settings) -> Iterator[None]:
    """This process's workers verify with keys re-read at every token (as they would after
    the refresh interval), for the length of a test."""
    actors.install(KeyRing.from_published(public_file(stack_settings.state_dir), 0.0))
    yield
    actors.install(key_ring(stack_settings))


async def test_a_disabled_account_s_token_is_refused_once_the_desk_publishes_it(
    cases: CaseHarness, stack_settings: Settings, rereading_verifier: None
) -> None:
    leaver = Principal(name="officer-left", role=Role.LICENSING_OFFICER)
    token = issuer(stack_settings).issue(leaver, HOUR)
    case_id = await cases.open_case(RiskLevel.LOW)
    already = key_ring(stack_settings).published.disabled

    publish_disabled(stack_settings, [*already, leaver.name])

    with pytest.raises(case_client.ActionRefused, match="the account 'officer-left' is disabled"):
        await case_client.claim(cases.client, case_id, ReviewerTask(token=token))
    assert await _accepted_updates(cases, case_id) == 0


async def test_who_acts_comes_from_the_token_never_from_the_payload(cases: CaseHarness) -> None:
    case_id = await cases.open_case(RiskLevel.LOW)
    claiming_as_someone_else = {
        "reviewer": {"id": "senior-9", "role": "senior_officer"},
        "token": token_for(OFFICER),
    }

    await cases.handle(case_id).execute_update("claim", claiming_as_someone_else)

    assert (await cases.view(case_id)).assigned_reviewer == OFFICER.id


async def test_the_token_is_never_recorded_in_events_the_audit_feed_or_the_case_view(
    cases: CaseHarness,
) -> None:
    case_id = await cases.open_case(RiskLevel.LOW)
    token = token_for(OFFICER)
    await case_client.claim(cases.client, case_id, ReviewerTask(token=token))
    approval = ReviewDecision(
        token=token,
        outcome=DecisionOutcome.APPROVED,
        rationale="Civilian end user.",
        assessment=sample_assessment(),
    )
    await case_client.decide(cases.client, case_id, approval)

    [acted, *_] = cases.published.of(case_id, "ReviewerActed")
    assert acted["data"]["reviewer_id"] == OFFICER.id
    assert "token" not in acted["data"]["task"]
    published = json.dumps(
        [event for event in cases.published.events if event["subject"] == case_id]
    )
    assert token not in published
    assert token not in (await cases.view(case_id)).model_dump_json()
    assert token not in await cases.card(case_id)
