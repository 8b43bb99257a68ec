"""The Licence workflow on a real Temporal server: issued, shipped against, reviewed, suspended,
revoked or confirmed by verified senior officers, its conditions reminded and raised."""

from __future__ import annotations

from collections.abc import AsyncIterator
from decimal import Decimal

import pytest
from temporalio.client import Client

from caseflow.messaging import Delivery
from schemas.envelope import Envelope
from schemas.licences import LicenceStatus, ShipmentRefused, ShipmentReported
from tests.actors import token_for
from tests.integration.licence_harness import LicenceHarness, licence_harness, quick_conditions
from workflows import licence_desk
from workflows.case_client import ActionRefused
from workflows.licence_bridge import check_shipment_if_reported
from workflows.licence_model import (
    ConditionFulfilled,
    LicenceInformation,
    LicenceReviewDecision,
    ReviewAction,
)
from workflows.tasks import Reviewer, ReviewerRole

pytestmark = [pytest.mark.integration]

OFFICER = Reviewer(id="officer-1", role=ReviewerRole.LICENSING_OFFICER)
SENIOR = Reviewer(id="senior-1", role=ReviewerRole.SENIOR_OFFICER)
OTHER_SENIOR = Reviewer(id="senior-2", role=ReviewerRole.SENIOR_OFFICER)


@pytest.fixture(scope="module")
async def licences(temporal: Client) -> AsyncIterator[LicenceHarness]:
    async with licence_harness(temporal) as harness:
        yield harness


def decision(action: ReviewAction, grounds: str, by: Reviewer = SENIOR) -> LicenceReviewDecision:
    return LicenceReviewDecision(action=action, grounds=grounds, token=token_for(by))


async def test_shipments_are_recorded_until_the_quantity_is_used_and_then_refused(
    licences: LicenceHarness,
) -> None:
    case_id = await licences.issue()
    [issued] = licences.published.of(case_id, "LicenceIssued")
    assert issued["data"]["licence_number"].startswith("LIC-T")
    assert issued["topic"] == "caseflow.cases"

    first = await licences.ship(case_id, "SHIP-1", 8, 67_200)
    over = await licences.ship(case_id, "SHIP-2", 5, 33_600)
    again = await licences.ship(case_id, "SHIP-1", 8, 67_200)

    assert (first.recorded, over.recorded) == (True, False)
    assert over.reasons == ["EAR99: 5 units exceed the 4 left on the licence"]
    assert again.duplicate
    assert again.recorded
    [recorded] = licences.published.of(case_id, "ShipmentRecorded")
    [refused] = licences.published.of(case_id, "ShipmentRefused")
    assert refused["data"]["reasons"] == over.reasons
    view = await licences.view(case_id)
    assert [item.quantity for item in view.remaining] == [Decimal(4)]
    assert recorded["data"]["remaining"][0]["quantity"] == "4"


async def test_a_list_update_opens_a_review_a_senior_officer_suspends_and_then_revokes(
    licences: LicenceHarness, temporal: Client
) -> None:
    case_id = await licences.issue()
    await licences.list_update(case_id)
    await licences.list_update(case_id)  # the same re-screen delivered twice
    view = await licences.until(case_id, lambda v: v.status is LicenceStatus.UNDER_REVIEW)
    assert view.review is not None
    assert len(view.review.information) == 1
    assert (await licences.ship(case_id, "SHIP-1", 1, 1)).recorded  # under review: still valid

    with pytest.raises(ActionRefused, match="only a senior officer can suspend"):
        await licence_desk.decide_review(
            temporal, case_id, decision(ReviewAction.SUSPEND, "listed", OFFICER)
        )
    with pytest.raises(ActionRefused, match="grounds are required"):
        await licence_desk.decide_review(temporal, case_id, decision(ReviewAction.SUSPEND, " "))
    suspended = await licence_desk.decide_review(
        temporal, case_id, decision(ReviewAction.SUSPEND, "end user added to the Entity List")
    )
    assert suspended.status is LicenceStatus.SUSPENDED

    refused = await licences.ship(case_id, "SHIP-2", 1, 1)
    assert refused.reasons == ["the licence is suspended: no shipment may be made under it"]
    revoked = await licence_desk.decide_review(
        temporal, case_id, decision(ReviewAction.REVOKE, "end user confirmed as listed")
    )
    assert revoked.status is LicenceStatus.REVOKED
    late = await licences.reported(case_id, "SHIP-3", 1, 1)
    ended = await licences.result(case_id)
    assert ended.status is LicenceStatus.REVOKED
    assert await _refused_by_the_bridge(temporal, late) == [
        f"licence {ended.licence.licence_number} is revoked: no shipment may be made under it"
    ]
    changes = licences.published.of(case_id, "LicenceStatusChanged")
    assert [(c["data"]["status"], c["data"]["grounds"]) for c in changes] == [
        ("suspended", "end user added to the Entity List"),
        ("revoked", "end user confirmed as listed"),
    ]
    assert "senior-1" not in str(changes)  # the agency is told the grounds, not the officer


async def test_a_partner_notice_opens_a_review_named_for_it(licences: LicenceHarness) -> None:
    case_id = await licences.issue()
    await licences.list_update(
        case_id, "notice", "partner_notice: denial notice NL-1 from NL: end user 'Kyoto University'"
    )
    view = await licences.until(case_id, lambda v: v.status is LicenceStatus.UNDER_REVIEW)
    assert view.review is not None
    assert view.review.trigger == "partner_notice"


async def test_an_officers_information_is_decided_by_another_senior_officer(
    licences: LicenceHarness, temporal: Client
) -> None:
    case_id = await licences.issue()
    with pytest.raises(ActionRefused, match="no token"):
        await licence_desk.record_information(
            temporal, case_id, LicenceInformation(information="reports of misuse")
        )
    await licence_desk.record_information(
        temporal,
        case_id,
        LicenceInformation(information="UN report names the end user", token=token_for(SENIOR)),
    )
    with pytest.raises(ActionRefused, match="another senior officer decides"):
        await licence_desk.decide_review(
            temporal, case_id, decision(ReviewAction.REVOKE, "the report")
        )
    confirmed = await licence_desk.decide_review(
        temporal,
        case_id,
        decision(ReviewAction.CONFIRM, "the report concerns another unit", OTHER_SENIOR),
    )
    assert confirmed.status is LicenceStatus.VALID
    assert (await licences.view(case_id)).review is None
    [opened] = licences.published.of(case_id, "LicenceReviewOpened")
    assert opened["data"]["trigger"] == "officer"


async def test_a_condition_is_reminded_then_raised_when_not_met_and_a_met_one_is_not(
    licences: LicenceHarness, temporal: Client
) -> None:
    policy = quick_conditions()
    case_id = await licences.issue(
        ["End-use certificate from the end user", "Post-shipment verification"], policy
    )
    with pytest.raises(ActionRefused, match="condition 3 does not exist"):
        await licence_desk.fulfil_condition(
            temporal, case_id, ConditionFulfilled(condition=3, token=token_for(OFFICER))
        )
    await licence_desk.fulfil_condition(
        temporal,
        case_id,
        ConditionFulfilled(condition=2, evidence="visit report", token=token_for(OFFICER)),
    )
    [breached] = await licences.until_published(case_id, "LicenceConditionBreached")
    [due] = licences.published.of(case_id, "LicenceConditionDue")
    assert due["data"]["condition"]["kind"] == "end_use_certificate"
    assert breached["data"]["condition"]["kind"] == "end_use_certificate"
    view = await licences.view(case_id)
    assert [(c.breached, c.fulfilled_at is not None) for c in view.conditions] == [
        (True, False),
        (False, True),
    ]


async def _refused_by_the_bridge(temporal: Client, reported: ShipmentReported) -> list[str]:
    """The reasons the bridge gives for a shipment whose licence's workflow has ended."""
    published: list[Envelope[ShipmentRefused]] = []

    async def publish(topic: str, envelope: Envelope[ShipmentRefused]) -> None:
        published.append(envelope)

    async def set_aside(message: object, reason: str) -> None:
        raise AssertionError(reason)

    envelope = Envelope.wrap(
        reported, source="tests", subject=reported.case_id, correlation_id="test"
    )
    delivery = Delivery(envelope.to_bytes(), reported.case_id.encode(), "test/0/0")
    assert await check_shipment_if_reported(temporal, delivery, publish, set_aside)
    [refusal] = published
    return refusal.data.reasons
