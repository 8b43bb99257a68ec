"""Notices both ways, each read from the service that keeps it: consultation serves those this
state shared, screening those partner states sent, to staff with a signed token;
`caseflow notices list` shows both, against the real broker and PostgreSQL."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date

import asyncpg
import httpx
import pytest

from caseflow.auth import Role
from caseflow.db import migrate
from caseflow.service_api import service_url
from caseflow.settings import Endpoints, Settings
from schemas.application import TechnologyCategory
from schemas.consultation import ConsultationRequested, ShareNotice
from schemas.screening import NoticeKind, NoticeParty, PartnerNotice
from schemas.topics import SHARING_NOTICES
from services.screening.adapters import PostgresScreeningUnitOfWork
from services.screening.config import MIGRATIONS as SCREENING_MIGRATIONS
from services.screening.config import SCHEMA as SCREENING_SCHEMA
from tests.integration.test_consultation_service import send
from tests.integration.test_stakeholder_registry import DESTINATION, nepal_case
from tests.support import bearer, caseflow, collect, signed_token

pytestmark = pytest.mark.integration


async def shared_by_us(
    endpoints: Endpoints, request: ConsultationRequested, notice_id: str
) -> None:
    """A denial notice this state shares from the case, once consultation has kept it."""
    await send(
        endpoints.kafka,
        (
            request.case_id,
            ShareNotice(
                case_id=request.case_id,
                kind=NoticeKind.DENIAL,
                issuing_state="US",
                notice_id=notice_id,
                destination_country=DESTINATION,
                parties=request.case_summary.parties,
                technology_categories=request.technology_categories,
                control_codes=request.control_codes,
                reason="Risk of use in the surveillance of journalists",
            ),
        ),
    )
    await collect(
        endpoints.kafka,
        SHARING_NOTICES.name,
        lambda seen: len(seen) >= 1,
        where=lambda event: event["data"].get("notice_id") == notice_id,
    )


@dataclass(frozen=True)
class BothWays:
    """A case, the id of a denial notice this state shared from it and of one a partner sent."""

    request: ConsultationRequested
    ours: str
    theirs: str


@pytest.fixture
async def both_ways(
    consultation: httpx.AsyncClient, case_services: None, stack_endpoints: Endpoints
) -> BothWays:
    """Both notices kept, by consultation and by screening, both services running."""
    request = nepal_case()
    ours, theirs = f"US/{request.case_id[:8]}", f"DE/{request.case_id[:8]}"
    await shared_by_us(stack_endpoints, request, ours)
    await received_from_partner(stack_endpoints, theirs)
    return BothWays(request, ours, theirs)


async def test_notices_list_shows_a_denial_this_state_shared_and_one_a_partner_sent(
    both_ways: BothWays, stack_settings: Settings
) -> None:
    ours, theirs = both_ways.ours, both_ways.theirs
    officer = await signed_token(stack_settings, Role.LICENSING_OFFICER)

    async def listed(*options: str) -> str:
        return await caseflow(stack_settings, "notices", "list", *options, token=officer)

    everything = await listed("--kind", "denial")
    shared = await listed("--direction", "shared")
    received = await listed("--direction", "received")
    risks = await listed("--kind", "risk")

    assert ours in everything
    assert theirs in everything
    assert ours in shared
    assert theirs not in shared
    assert theirs in received
    assert ours not in received
    assert ours not in risks
    assert theirs not in risks
    assert "Zhongshan Optics Trading" in received


async def test_staff_read_each_services_notices_and_others_are_refused(
    both_ways: BothWays, consultation: httpx.AsyncClient, stack_settings: Settings
) -> None:
    request, ours, theirs = both_ways.request, both_ways.ours, both_ways.theirs
    operator = bearer(await signed_token(stack_settings, Role.OPERATOR))
    stakeholder = bearer(
        await signed_token(stack_settings, Role.STAKEHOLDER, stakeholder="cso-digital-rights")
    )
    screening = service_url(stack_settings, "screening")
    consulting = str(consultation.base_url).rstrip("/")
    async with httpx.AsyncClient(timeout=10) as http:
        shared = await http.get(f"{consulting}/shared-notices", headers=operator)
        shared_risks = await http.get(
            f"{consulting}/shared-notices", params={"kind": "risk"}, headers=operator
        )
        received = await http.get(f"{screening}/partner-notices", headers=operator)
        received_denials = await http.get(
            f"{screening}/partner-notices", params={"kind": "denial"}, headers=operator
        )
        refused = [
            await http.get(url, headers=headers)
            for url in (f"{consulting}/shared-notices", f"{screening}/partner-notices")
            for headers in ({}, stakeholder)
        ]
    by_us = next(notice for notice in shared.json()["notices"] if notice["notice_id"] == ours)
    assert (by_us["case_id"], by_us["kind"], by_us["destination_country"]) == (
        request.case_id, "denial", DESTINATION,
    )  # fmt: skip
    assert ours not in {notice["notice_id"] for notice in shared_risks.json()["notices"]}
    by_them = next(notice for notice in received.json()["notices"] if notice["notice_id"] == theirs)
    assert by_them["parties"] == ["Zhongshan Optics Trading"]
    assert by_them["about"] == "Facial recognition for the monitoring of a minority"
    assert theirs in {notice["notice_id"] for notice in received_denials.json()["notices"]}
    assert [answer.status_code for answer in refused] == [401, 403, 401, 403]
    not_signed_in = await caseflow(stack_settings, "notices", "list", status=1)
    as_stakeholder = await caseflow(
        stack_settings, "notices", "list", status=1, token=stakeholder["Authorization"][7:]
    )
    assert "not signed in" in not_signed_in
    assert "refused" in as_stakeholder


async def received_from_partner(
    endpoints: Endpoints,
    *notice_ids: str,
    kind: NoticeKind = NoticeKind.DENIAL,
    destination: str = DESTINATION,
) -> None:
    """Partners' notices, kept by screening as its consumer keeps one."""
    await migrate(endpoints.database, SCREENING_SCHEMA, SCREENING_MIGRATIONS)
    connection = await asyncpg.connect(
        endpoints.database, server_settings={"search_path": SCREENING_SCHEMA}
    )
    try:
        for notice_id in notice_ids:
            await PostgresScreeningUnitOfWork(connection).add_partner_notice(
                PartnerNotice(
                    notice_id=notice_id,
                    kind=kind,
                    issuing_state="DE",
                    issued_on=date(2026, 11, 2),
                    parties=[NoticeParty(role="end_user", name="Zhongshan Optics Trading")],
                    technology_categories=[TechnologyCategory.FACIAL_RECOGNITION],
                    destination_country=destination,
                    reason="Facial recognition for the monitoring of a minority",
                )
            )
    finally:
        await connection.close()


async def test_notice_listings_come_in_pages_and_the_cli_follows_every_page(
    consultation: httpx.AsyncClient,
    case_services: None,
    stack_settings: Settings,
    stack_endpoints: Endpoints,
) -> None:
    # More than a page of the CLI's (500) risk notices, to a destination no case names.
    run = uuid.uuid4().hex[:6]
    sent = [f"P{run}-{n:03d}" for n in range(520)]
    await received_from_partner(stack_endpoints, *sent, kind=NoticeKind.RISK, destination="AQ")
    officer = await signed_token(stack_settings, Role.LICENSING_OFFICER)
    screening = service_url(stack_settings, "screening")
    pages: list[list[str]] = []
    async with httpx.AsyncClient(base_url=screening, timeout=30) as http:
        after: str | None = None
        while after is not None or not pages:
            params = {"kind": "risk", "limit": "200", **({"after": after} if after else {})}
            page = (
                await http.get("/partner-notices", params=params, headers=bearer(officer))
            ).json()
            pages.append([notice["notice_id"] for notice in page["notices"]])
            after = page["next"]
        refused = [
            (await http.get("/partner-notices", params=params, headers=bearer(officer))).status_code
            for params in ({"limit": "501"}, {"limit": "0"}, {"after": "not-a-cursor"})
        ]
    listed = await caseflow(
        stack_settings,
        "notices",
        "list",
        "--kind",
        "risk",
        "--direction",
        "received",
        token=officer,
    )

    read = [notice_id for page in pages for notice_id in page]
    assert all(len(page) == 200 for page in pages[:-1])
    assert len(read) == len(set(read))  # no notice twice across pages
    assert set(sent) <= set(read)
    mine = [notice_id for notice_id in read if notice_id.startswith(f"P{run}-")]
    assert mine == sorted(sent, reverse=True)  # received in one go: the latest id first
    assert refused == [422, 422, 422]
    assert sum(f"P{run}-" in line for line in listed.splitlines()) == len(sent)
