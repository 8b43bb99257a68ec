"""The desk's app on the session's real servers, with an account per role and open cases."""

from __future__ import annotations

import dataclasses
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass

import httpx
from temporalio.client import Client

from caseflow.auth import Principal, Role, open_accounts
from caseflow.db import create_pool
from caseflow.settings import Settings
from caseflow.uow import HeldPool, PostgresStore
from desk.app import create_app
from desk.handlers import Desk
from desk.runtime import open_desk
from schemas.envelope import Envelope
from services.consultation import config as consultation
from services.consultation.adapters import PostgresConsultationUnitOfWork
from services.consultation.handlers import open_consultation
from services.consultation.policy import RoutingPolicy, StakeholderRegistry
from tests.integration.case_harness import HARNESS_AGENCY, CaseHarness, case_harness
from tests.unit.test_consultation_routing import surveillance_request

PASSWORD = "desk-test-password"
STAKEHOLDER = "cso-digital-rights"
OTHER_STAKEHOLDER = "acad-surveillance-lab"
# Each key names an account of the role; agencies and stakeholders speak for someone.
ACCOUNTS = {
    "officer": (Role.LICENSING_OFFICER, None, None),
    "other_officer": (Role.LICENSING_OFFICER, None, None),
    "senior": (Role.SENIOR_OFFICER, None, None),
    "chair": (Role.COMMITTEE_CHAIR, None, None),
    "operator": (Role.OPERATOR, None, None),
    "agency": (Role.AGENCY, HARNESS_AGENCY, None),
    "other_agency": (Role.AGENCY, "FR-ELSEWHERE", None),
    "stakeholder": (Role.STAKEHOLDER, None, STAKEHOLDER),
    "other_stakeholder": (Role.STAKEHOLDER, None, OTHER_STAKEHOLDER),
}


@dataclass
class DeskWorld:
    """The desk under test, bearer headers per account key, and what exists to act on."""

    desk: Desk
    http: httpx.AsyncClient
    names: dict[str, str]
    headers: dict[str, dict[str, str]]
    harness: CaseHarness
    referral_id: str

    def as_(self, who: str) -> dict[str, str]:
        """The bearer header of the account `who` (empty for an anonymous caller)."""
        return self.headers.get(who, {})


async def add_accounts(settings: Settings) -> dict[str, str]:
    """An account per key of ACCOUNTS, named uniquely for this run."""
    suffix = uuid.uuid4().hex[:6]
    names = {key: f"{key.replace('_', '-')}-{suffix}" for key in ACCOUNTS}
    async with open_accounts(settings.endpoints().database) as accounts:
        for key, (role, agency, stakeholder) in ACCOUNTS.items():
            principal = Principal(
                name=names[key], role=role, agency=agency, stakeholder=stakeholder
            )
            await accounts.add(principal, PASSWORD)
    return names


async def open_referral(settings: Settings) -> str:
    """A consultation referring a case to STAKEHOLDER and OTHER_STAKEHOLDER (opened as the
    consultation service would); the first's id."""
    database = settings.endpoints().database
    async with await create_pool(database, consultation.SCHEMA, size=1) as pool:
        return await _open_referral(PostgresStore(HeldPool(pool), PostgresConsultationUnitOfWork))


async def _open_referral(store: PostgresStore[PostgresConsultationUnitOfWork]) -> str:
    async with store.unit_of_work() as uow:
        await uow.seed_stakeholders(StakeholderRegistry.load())
    case_id = str(uuid.uuid4())
    asked = surveillance_request(
        f"{case_id}/consultation/1", case_id, proposed=[STAKEHOLDER, OTHER_STAKEHOLDER]
    )
    envelope = Envelope.wrap(asked, source="tests", subject=case_id, correlation_id="test")
    await open_consultation(envelope, store, RoutingPolicy.load(), envelope.time)
    async with store.unit_of_work() as uow:
        return str(
            await uow.connection.fetchval(
                "SELECT referral_id FROM referrals WHERE case_id = $1 AND stakeholder_id = $2",
                case_id,
                STAKEHOLDER,
            )
        )


@asynccontextmanager
async def desk_http(desk: Desk) -> AsyncIterator[httpx.AsyncClient]:
    """The desk's app over HTTP (in process), called from a client address of its own: failed
    sign-ins count per address, and every test of the session would otherwise share one."""
    address = f"test-client-{uuid.uuid4().hex[:8]}"
    transport = httpx.ASGITransport(app=create_app(desk), client=(address, 40000))
    async with httpx.AsyncClient(transport=transport, base_url="http://desk") as http:
        yield http


@asynccontextmanager
async def desk_world(settings: Settings, temporal: Client) -> AsyncIterator[DeskWorld]:
    """The desk app over HTTP (in process), its accounts signed in, a referral open. The
    screening and consultation services it acts through run already (see conftest's `world`)."""
    async with open_desk(settings) as opened, case_harness(temporal) as harness:
        # No register process runs here: closed cases stay in Temporal for these tests
        # (tests/e2e/test_register_of_record.py reads them from the register).
        desk = dataclasses.replace(opened, register=None)
        names = await add_accounts(settings)
        async with desk_http(desk) as http:
            headers = {}
            for key, name in names.items():
                signed = await http.post(
                    "/api/auth/token", json={"name": name, "password": PASSWORD}
                )
                headers[key] = {"Authorization": f"Bearer {signed.json()['access_token']}"}
            yield DeskWorld(desk, http, names, headers, harness, await open_referral(settings))
