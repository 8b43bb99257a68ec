"""Findings through the running screening service: destination, red flags, notices (clearances:
test_clearances.py)."""

from __future__ import annotations

import uuid
from datetime import date

from caseflow.settings import Endpoints
from schemas.application import Address, Party, SubmitApplication, TechnologyCategory
from schemas.screening import NoticeKind, NoticeParty, PartnerNotice
from schemas.topics import SHARING_NOTICES
from tests.integration.test_screening_service import (
    publish,
    request_screening,
    result_of,
    until_true,
    with_end_user,
)
from tests.support import Event


def to_ministry(name: str, country: str, statement: str) -> SubmitApplication:
    """Network surveillance for a ministry of `country`, for the stated end use."""
    address = Address(street="1 Square", city="Capital", country=country)
    ministry = Party(name=name, address=address)
    application = with_end_user(name, country)
    item = application.items[0].model_copy(update={"control_code": "5A001.j"})
    return application.model_copy(
        update={
            "items": [item],
            "destination_country": country,
            "ultimate_consignee": ministry,
            "end_users": [ministry],
            "end_use_statement": statement,
        }
    )


async def denied_by_nl(endpoints: Endpoints, ministry: str) -> PartnerNotice:
    """The Netherlands' denial of network surveillance for the Egyptian `ministry`, on the
    sharing topic and kept by screening."""
    notice = PartnerNotice(
        notice_id=f"NL-{uuid.uuid4().hex[:8]}",
        kind=NoticeKind.DENIAL,
        issuing_state="NL",
        issued_on=date(2026, 9, 14),
        parties=[NoticeParty(role="end_user", name=ministry, country="EG")],
        technology_categories=[TechnologyCategory.NETWORK_SURVEILLANCE],
        destination_country="EG",
        reason="Risk of use for the repression of peaceful protest.",
    )
    await publish(endpoints, SHARING_NOTICES, notice, f"notice:{notice.notice_id}")
    await until_true(
        endpoints,
        "SELECT count(*) = 1 FROM screening.partner_notices WHERE notice_id = $1",
        notice.notice_id,
    )
    return notice


async def screened(endpoints: Endpoints, application: SubmitApplication) -> Event:
    """The result of screening a new case with this application."""
    case_id = await request_screening(endpoints, application)
    [answer] = await result_of(endpoints, f"{case_id}/screening/1")
    result: Event = answer["data"]
    return result


def findings(result: Event, category: str) -> list[Event]:
    return [finding for finding in result["findings"] if finding["category"] == category]


async def test_destination_and_end_use_red_flags_are_explained_with_their_sources(
    case_services: None, stack_endpoints: Endpoints
) -> None:
    application = to_ministry(
        "Ministry of Communications",
        "BY",
        "Interception platform able to monitor handsets covertly, without the target's "
        "knowledge, for the protection of public order.",
    )
    result = await screened(stack_endpoints, application)
    [destination] = findings(result, "destination")
    assert destination["severity"] == "high"
    assert "Freedom House" in destination["explanation"]
    [red_flag] = findings(result, "end_use")
    assert red_flag["reference"] == "red_flag:covert-capability"
    assert "covertly" in red_flag["evidence"]
    assert "2024/2659" in red_flag["explanation"]
    assert result["risk_level"] == "high"
    assert "+destinations@example-2026-11" in str(result["policy_version"])


async def test_a_partner_denial_of_an_identical_transaction_asks_to_consult_the_denying_state(
    case_services: None, stack_endpoints: Endpoints
) -> None:
    ministry = f"State Security Directorate {uuid.uuid4().hex[:6].upper()}"
    notice = await denied_by_nl(stack_endpoints, ministry)
    statement = "Lawful interception of IP traffic for criminal investigations under warrant."
    result = await screened(stack_endpoints, to_ministry(ministry, "EG", statement))
    [finding] = findings(result, "partner_notice")
    assert finding["explanation"].startswith("consult the denying state before approval")
    assert f"denial notice {notice.notice_id} from NL" in finding["evidence"]
    assert f"NL (denial notice {notice.notice_id})" in result["recommended_route"]
    assert result["partner_consultations"] == [
        {"state": "NL", "kind": "denial", "notice_id": notice.notice_id, "contact": None}
    ]
