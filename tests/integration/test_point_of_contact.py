"""Two points of contact (DE and FR), each on its own database, on the session's PostgreSQL and
broker: signed notices delivered and verified, bad requests refused with their reason and
changing nothing, a key rotation followed, a partner away and nothing lost."""

from __future__ import annotations

import asyncio
import json
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import date
from typing import Any

import asyncpg
import httpx
import pytest
from pydantic import SecretStr

from caseflow.auth import Role
from caseflow.loopback import free_ports
from caseflow.settings import Endpoints, Settings
from schemas.envelope import Envelope, utcnow
from schemas.screening import NoticeKind, NoticeParty, PartnerNotice
from schemas.sharing import ExchangedNotice, ExchangeKind
from schemas.topics import SHARING_NOTICES
from services.sharing.bootstrap import SharingResources
from services.sharing.bootstrap import bootstrap as sharing_app
from services.sharing.config import EXCHANGE_PATH
from services.sharing.delivery import Courier
from services.sharing.handlers import send_own_notice
from services.sharing.signing import SigningKey, sign_request
from tests.support import bearer, collect, eventually, signed_token

pytestmark = [pytest.mark.integration]


def denial(state: str, number: int, kind: NoticeKind = NoticeKind.DENIAL) -> PartnerNotice:
    return PartnerNotice(
        notice_id=f"{state}/{number}",
        kind=kind,
        issuing_state=state,
        issued_on=date(2026, 12, 6),
        parties=[NoticeParty(role="end_user", name="Falcon Vision Systems LLC", country="AE")],
        technology_categories=["facial_recognition"],
        destination_country="AE",
        reason="Facial recognition for a security service with a record of repression.",
    )


def exchanged(notice: PartnerNotice) -> bytes:
    return (
        ExchangedNotice(
            issuing_state=notice.issuing_state,
            kind=ExchangeKind(notice.kind.value),
            notice_id=notice.notice_id,
            notice=notice.model_dump(mode="json"),
        )
        .model_dump_json()
        .encode()
    )


async def own_database(settings: Settings, name: str) -> str:
    """A database of its own on the session's PostgreSQL: a deployment's."""
    url = settings.endpoints().database
    connection = await asyncpg.connect(url)
    try:
        await connection.execute(f"CREATE DATABASE {name}")
    finally:
        await connection.close()
    path, _, query = url.partition("?")
    return f"{path.rsplit('/', 1)[0]}/{name}?{query}"


@dataclass
class Deployment:
    settings: Settings
    url: str
    operator: dict[str, str]


async def deployment(stack_settings: Settings, state: str, name: str) -> Deployment:
    [port] = free_ports(1)
    database = await own_database(stack_settings, f"poc_{state.lower()}_{uuid.uuid4().hex[:8]}")
    settings = stack_settings.model_copy(
        update={
            "database_url": SecretStr(database),
            "state_code": state,
            "state_name": name,
            "sharing_http_port": port,
            "sharing_retry_max_seconds": 1.0,
        }
    )
    token = await signed_token(settings, Role.OPERATOR)
    return Deployment(settings, f"http://127.0.0.1:{port}", bearer(token))


@pytest.fixture(scope="module")
async def france(stack_settings: Settings, stack_endpoints: Endpoints) -> Deployment:
    return await deployment(stack_settings, "FR", "France")


@pytest.fixture(scope="module")
async def germany(stack_settings: Settings, stack_endpoints: Endpoints) -> Deployment:
    return await deployment(stack_settings, "DE", "Germany")


@pytest.fixture(scope="module")
async def french_contact(france: Deployment) -> AsyncIterator[httpx.AsyncClient]:
    """France's point of contact running in this process, and a client of it."""
    async with (
        sharing_app(france.settings),
        httpx.AsyncClient(base_url=france.url, timeout=10) as client,
    ):
        yield client


GERMAN_KEY = SigningKey.generate("DE", utcnow())


# Germany as France's operators add it (its point of contact is never called here).
GERMANY_AS_PARTNER = {
    "state": "DE",
    "name": "Germany",
    "url": "http://127.0.0.1:9",
    "key_id": GERMAN_KEY.key_id,
    "public_key": GERMAN_KEY.public_text(),
    "reason": "Germany subscribed to the Code of Conduct.",
}


async def post(
    client: httpx.AsyncClient,
    body: bytes,
    key: SigningKey = GERMAN_KEY,
    to: str = "FR",
    headers: dict[str, str] | None = None,
) -> httpx.Response:
    signed = sign_request(key, "POST", EXCHANGE_PATH, body, sender="DE", addressee=to, now=utcnow())
    sent = headers if headers is not None else signed.as_headers()
    return await client.post(EXCHANGE_PATH, content=body, headers=sent)


async def refusals(client: httpx.AsyncClient, france: Deployment) -> list[dict[str, Any]]:
    found = await client.get("/refused", headers=france.operator)
    assert found.status_code == 200, found.text
    rows: list[dict[str, Any]] = found.json()
    return rows


async def outbox_size(france: Deployment) -> int:
    connection = await asyncpg.connect(france.settings.endpoints().database)
    try:
        return int(await connection.fetchval("SELECT count(*) FROM sharing.outbox"))
    finally:
        await connection.close()


async def test_a_partner_must_be_added_by_an_operator_with_a_valid_key(
    french_contact: httpx.AsyncClient, france: Deployment
) -> None:
    wanted = GERMANY_AS_PARTNER
    anonymous = await french_contact.post("/partners", json=wanted)
    assert anonymous.status_code == 401
    bad = await french_contact.post(
        "/partners", json={**wanted, "public_key": "short", "state": "D"}, headers=france.operator
    )
    assert bad.status_code == 422
    assert "public_key" in bad.text
    assert "state" in bad.text
    added = await french_contact.post("/partners", json=wanted, headers=france.operator)
    assert added.status_code == 201, added.text
    again = await french_contact.post("/partners", json=wanted, headers=france.operator)
    assert again.status_code == 409
    [germany] = (await french_contact.get("/partners", headers=france.operator)).json()
    assert [k["status"] for k in germany["keys"]] == ["active"]
    assert germany["changes"][0]["reason"] == "Germany subscribed to the Code of Conduct."


async def test_a_signed_notice_is_taken_in_once_and_published_for_screening(
    french_contact: httpx.AsyncClient, france: Deployment, stack_endpoints: Endpoints
) -> None:
    notice = denial("DE", 1)
    body = exchanged(notice)
    accepted = await post(french_contact, body)
    assert accepted.status_code == 202, accepted.text
    assert accepted.json() == {"receipt": "accepted"}
    again = await post(french_contact, body)  # a retry after a lost acknowledgement
    assert again.json() == {"receipt": "duplicate"}
    [published] = await collect(
        stack_endpoints.kafka,
        SHARING_NOTICES.name,
        lambda seen: len(seen) >= 1,
        where=lambda e: e["data"].get("notice_id") == "DE/1",
        linger=2.0,
    )
    assert published["data"]["issuing_state"] == "DE"
    assert published["type"] == "PartnerNotice.v1"


async def test_bad_requests_are_refused_with_their_reason_and_change_nothing(
    french_contact: httpx.AsyncClient, france: Deployment
) -> None:
    before = await outbox_size(france)
    body = exchanged(denial("DE", 2))
    signed = sign_request(
        GERMAN_KEY, "POST", EXCHANGE_PATH, body, sender="DE", addressee="FR", now=utcnow()
    )
    first = await french_contact.post(EXCHANGE_PATH, content=body, headers=signed.as_headers())
    assert first.status_code == 202
    before += 1
    impostor = SigningKey(GERMAN_KEY.key_id, SigningKey.generate("DE", utcnow()).private)
    cases = {
        "replay": await french_contact.post(
            EXCHANGE_PATH, content=body, headers=signed.as_headers()
        ),
        "unsigned": await post(french_contact, exchanged(denial("DE", 3)), headers={}),
        "forged": await post(french_contact, exchanged(denial("DE", 4)), key=impostor),
        "wrong_addressee": await post(french_contact, exchanged(denial("DE", 5)), to="IT"),
        "unknown_key": await post(
            french_contact, exchanged(denial("DE", 6)), key=SigningKey.generate("DE", utcnow())
        ),
        "malformed": await post(french_contact, b'{"issuing_state": "DE", "kind": "denial"}'),
        "oversized": await post(french_contact, b"{" + b" " * 300_000 + b"}"),
        "wrong_issuer": await post(french_contact, exchanged(denial("IT", 7))),
    }
    for reason, reply in cases.items():
        assert reply.status_code >= 400, (reason, reply.text)
        assert reply.json()["reason"] == reason, (reason, reply.text)
    kept = await refusals(french_contact, france)
    assert {row["reason"] for row in kept[: len(cases)]} == set(cases)
    assert "notice_id" in next(r for r in kept if r["reason"] == "malformed")["message"]
    assert await outbox_size(france) == before


async def test_a_listing_asked_beyond_its_bounds_is_refused_naming_the_limit(
    french_contact: httpx.AsyncClient, france: Deployment
) -> None:
    for path in ("/refused?limit=0", "/exchange-log?limit=501", "/bundles?limit=501"):
        refused = await french_contact.get(path, headers=france.operator)
        assert refused.status_code == 422, (path, refused.text)
        [deficiency] = refused.json()["detail"]
        assert deficiency["loc"] == ["query", "limit"], path
    widest = await french_contact.get("/refused?limit=500", headers=france.operator)
    assert widest.status_code == 200, widest.text


async def test_a_revoked_key_is_refused_from_then_on(
    french_contact: httpx.AsyncClient, france: Deployment
) -> None:
    revoking = await french_contact.post(
        "/partners/DE/revocations",
        json={"key_id": GERMAN_KEY.key_id, "reason": "Key reported lost by Germany."},
        headers=france.operator,
    )
    assert revoking.status_code == 200, revoking.text
    refused = await post(french_contact, exchanged(denial("DE", 8)))
    assert refused.json()["reason"] == "revoked_key"


async def test_notices_reach_a_partner_that_was_away_and_a_key_rotation_is_followed(
    stack_settings: Settings, stack_endpoints: Endpoints
) -> None:
    spain = await deployment(stack_settings, "ES", "Spain")
    italy = await deployment(stack_settings, "IT", "Italy")
    sender = SharingResources.from_settings(spain.settings)
    await sender.runtime.start()
    await sender.start()
    try:
        identity = (await httpx.AsyncClient(base_url=spain.url).get("/exchange/v1/identity")).json()
        async with httpx.AsyncClient(base_url=spain.url, headers=spain.operator) as client:
            added = await client.post(
                "/partners",
                json={
                    "state": "IT", "name": "Italy", "url": italy.url, "key_id": "IT-1",
                    "public_key": SigningKey.generate("IT", utcnow()).public_text(),
                    "reason": "Italy subscribed.",
                },
            )  # fmt: skip
            assert added.status_code == 201, added.text
        notice = Envelope.wrap(denial("ES", 1), source="test", subject="case", correlation_id="c")
        assert await send_own_notice(notice, sender.store(), sender.identity, utcnow()) == 1

        async def attempted_twice() -> bool:
            async with sender.store().unit_of_work() as uow:
                [delivery] = await uow.deliveries(1)
            return bool(delivery["attempts"] >= 2 and delivery["status"] == "pending")

        await eventually(attempted_twice, "Italy's point of contact tried while away", 30)
        async with (
            sharing_app(italy.settings),
            httpx.AsyncClient(base_url=italy.url, headers=italy.operator) as italian,
        ):
            await italian.post(
                "/partners",
                json={
                    "state": "ES", "name": "Spain", "url": spain.url,
                    "key_id": identity["key_id"], "public_key": identity["public_key"],
                    "reason": "Spain subscribed.",
                },
            )  # fmt: skip

            async def received(notice_id: str) -> bool:
                log = (await italian.get("/exchange-log")).json()
                return notice_id in {row["notice_id"] for row in log["received"]}

            await eventually(lambda: received("ES/1"), "the notice reached Italy", 60)
            rotated = (
                await httpx.AsyncClient(base_url=spain.url, headers=spain.operator).post(
                    "/identity/rotations", json={"reason": "Yearly rotation."}
                )
            ).json()
            later = Envelope.wrap(
                denial("ES", 2), source="test", subject="case", correlation_id="c"
            )
            await send_own_notice(later, sender.store(), sender.identity, utcnow())
            await eventually(lambda: received("ES/2"), "a notice signed with the new key", 60)
            log = (await italian.get("/exchange-log")).json()
            signed_with = {row["notice_id"]: row["key_id"] for row in log["received"]}
            assert signed_with["ES/1"] == identity["key_id"]
            assert signed_with[f"key/{rotated['key_id']}"] == identity["key_id"]
            assert signed_with["ES/2"] == rotated["key_id"]
            [spanish] = (await italian.get("/partners")).json()
            assert {k["key_id"]: k["status"] for k in spanish["keys"]} == {
                identity["key_id"]: "retired",
                rotated["key_id"]: "active",
            }
    finally:
        await sender.stop()
        await sender.runtime.stop()


RISK = {
    "technology_categories": ["facial_recognition"],
    "destinations": ["AE"],
    "end_users": [{"role": "end_user", "name": "Falcon Vision Systems LLC", "country": "AE"}],
    "risk": "Face matching resold to a security service that detains activists.",
    "sources": ["UN Special Rapporteur report A/HRC/41/35"],
}


async def test_a_risk_notice_is_shared_once_a_second_senior_officer_countersigns_it(
    french_contact: httpx.AsyncClient, france: Deployment, stack_endpoints: Endpoints
) -> None:
    writer = bearer(await signed_token(france.settings, Role.LICENSING_OFFICER))
    officer = bearer(await signed_token(france.settings, Role.LICENSING_OFFICER))
    senior = bearer(await signed_token(france.settings, Role.SENIOR_OFFICER))
    # Other deployments named France in this broker number their notices from 1 too.
    marker = f"report {uuid.uuid4().hex[:8]}"
    risk = {**RISK, "sources": ["UN Special Rapporteur report A/HRC/41/35", marker]}
    incomplete = await french_contact.post(
        "/risk-notices", json={**RISK, "sources": [], "destinations": []}, headers=writer
    )
    assert incomplete.status_code == 422
    assert "sources" in incomplete.text
    assert "destinations" in incomplete.text
    assert (await french_contact.post("/risk-notices", json=RISK)).status_code == 401
    written = await french_contact.post("/risk-notices", json=risk, headers=writer)
    assert written.status_code == 201, written.text
    number = written.json()["number"]
    path = f"/risk-notices/{number}/countersignature"

    by_writer = await french_contact.post(path, headers=writer)
    assert by_writer.status_code == 409
    assert "only a senior officer" in by_writer.text
    assert "wrote it: a second officer countersigns" in by_writer.text
    assert "only a senior officer" in (await french_contact.post(path, headers=officer)).text
    shared = await french_contact.post(path, headers=senior)
    assert shared.status_code == 200, shared.text
    assert shared.json() == {"shared": [f"FR/risk/{number}/AE"]}
    again = await french_contact.post(path, headers=senior)
    assert "already countersigned" in again.text

    [published] = await collect(
        stack_endpoints.kafka,
        SHARING_NOTICES.name,
        lambda seen: len(seen) >= 1,
        where=lambda e: (
            e["data"].get("notice_id") == f"FR/risk/{number}/AE" and marker in e["data"]["reason"]
        ),
        linger=1.0,
    )
    assert published["data"]["kind"] == "risk"
    assert "A/HRC/41/35" in published["data"]["reason"]

    async def queued_for_partners() -> bool:
        log = (await french_contact.get("/exchange-log", headers=france.operator)).json()
        return f"FR/risk/{number}/AE" in {row["notice_id"] for row in log["deliveries"]}

    await eventually(queued_for_partners, "the risk notice is queued for Germany", 60)


class CountingPartner:
    """A partner's point of contact over real HTTP that acknowledges every notice slowly (as a
    partner far away), counting the notices posted to it."""

    def __init__(self, reply_after: float) -> None:
        self.posted: list[str] = []
        self._reply_after = reply_after

    async def answer(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        head = await reader.readuntil(b"\r\n\r\n")
        length = next(
            int(line.split(b":", 1)[1])
            for line in head.split(b"\r\n")
            if line.lower().startswith(b"content-length:")
        )
        body = json.loads(await reader.readexactly(length))
        self.posted.append(body["notice_id"])
        await asyncio.sleep(self._reply_after)
        writer.write(b"HTTP/1.1 202 Accepted\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
        await writer.drain()
        writer.close()


async def test_two_replicas_deliver_each_notice_to_a_partner_once(
    stack_settings: Settings, stack_endpoints: Endpoints
) -> None:
    portugal = await deployment(stack_settings, "PT", "Portugal")
    partner = CountingPartner(reply_after=1.0)
    [port] = free_ports(1)
    server = await asyncio.start_server(partner.answer, "127.0.0.1", port)
    sender = SharingResources.from_settings(portugal.settings)
    await sender.runtime.start()
    await sender.start()  # the first replica's courier
    async with httpx.AsyncClient(timeout=10) as http:
        second = Courier(sender.store(), sender.identity, http, poll_seconds=0.1)
        replica = asyncio.create_task(second.run())
        try:
            async with httpx.AsyncClient(
                base_url=portugal.url, headers=portugal.operator
            ) as client:
                added = await client.post(
                    "/partners",
                    json={
                        "state": "IT", "name": "Italy", "url": f"http://127.0.0.1:{port}",
                        "key_id": "IT-1",
                        "public_key": SigningKey.generate("IT", utcnow()).public_text(),
                        "reason": "Italy subscribed.",
                    },
                )  # fmt: skip
                assert added.status_code == 201, added.text
            for number in range(1, 5):
                notice = denial("PT", number)
                envelope = Envelope.wrap(notice, source="test", subject="c", correlation_id="c")
                await send_own_notice(envelope, sender.store(), sender.identity, utcnow())

            async def all_delivered() -> bool:
                async with sender.store().unit_of_work() as uow:
                    deliveries = await uow.deliveries(10)
                return len(deliveries) == 4 and all(d["status"] == "delivered" for d in deliveries)

            await eventually(all_delivered, "every notice acknowledged by the partner", 60)
        finally:
            replica.cancel()
            await sender.stop()
            await sender.runtime.stop()
            server.close()

    assert sorted(partner.posted) == ["PT/1", "PT/2", "PT/3", "PT/4"]
