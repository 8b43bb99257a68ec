"""Policy bundles between two points of contact (DE and FR), each on its own database and
policy directory: Germany publishes its policy in force, France takes it in as a proposal, sees
it key by key beside its own, adopts two keys with a reason; only those are in force in France's
screening afterwards. A malformed or oversized bundle is refused and changes nothing."""

from __future__ import annotations

import asyncio
import copy
import json
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import asyncpg
import httpx
import pytest
from pydantic import JsonValue
from typer.testing import CliRunner

from caseflow.adopted_policy import write_adopted
from caseflow.auth import Role
from caseflow.settings import Endpoints, Settings
from entrypoints.cli.bundles import app as bundles_cli
from entrypoints.policy_parts import policy_parts
from schemas.envelope import utcnow
from schemas.sharing import ExchangedNotice, ExchangeKind, PolicyBundle, PolicyPart, policy_hash
from services.consultation.bootstrap import routing_policy_in_force
from services.screening.bootstrap import policy_in_force
from services.sharing.bootstrap import bootstrap as sharing_app
from services.sharing.config import EXCHANGE_PATH
from services.sharing.signing import SigningKey, sign_request
from tests.integration.test_point_of_contact import Deployment, deployment
from tests.support import bearer, eventually, signed_token

pytestmark = [pytest.mark.integration]
Document = dict[str, JsonValue]


def shipped(part: PolicyPart) -> Document:
    [source] = [s for s in policy_parts() if s.part is part]
    document: Document = json.loads(source.shipped.read_text())
    return document


def german_policy(directory: Path) -> None:
    """Germany's own register and routing, as its operators keep them."""
    register = copy.deepcopy(shipped(PolicyPart.DESTINATIONS))
    rated = register["destinations"]
    assert isinstance(rated, dict)
    rated["TM"] = {"rating": "high", "indicators": [{"source": "fh_fiw_2024", "finding": "x"}]}
    rated["AE"] = {"rating": "low", "indicators": [{"source": "fh_fiw_2024", "finding": "y"}]}
    rated["MM"] = {"rating": "medium", "indicators": [{"source": "fh_fiw_2024", "finding": "z"}]}
    write_adopted(directory, PolicyPart.DESTINATIONS, register)
    routing = shipped(PolicyPart.ROUTING_POLICY)
    routing["response_days"] = 20
    write_adopted(directory, PolicyPart.ROUTING_POLICY, routing)


async def own_policy_deployment(
    stack_settings: Settings, state: str, name: str, directory: Path
) -> Deployment:
    found = await deployment(stack_settings, state, name)
    found.settings = found.settings.model_copy(update={"adopted_policy_dir": directory})
    return found


async def signing_key(settings: Settings) -> SigningKey:
    connection = await asyncpg.connect(settings.endpoints().database)
    try:
        row = await connection.fetchrow(
            "SELECT key_id, private_pem FROM sharing.signing_keys WHERE retired_at IS NULL"
        )
    finally:
        await connection.close()
    assert row is not None
    return SigningKey.from_pem(row["key_id"], bytes(row["private_pem"]))


async def introduce(one: httpx.AsyncClient, other: httpx.AsyncClient, other_url: str) -> None:
    identity = (await other.get("/exchange/v1/identity")).json()
    added = await one.post(
        "/partners",
        json={
            "state": identity["state"], "name": identity["name"], "url": other_url,
            "key_id": identity["key_id"], "public_key": identity["public_key"],
            "reason": "Subscribed to the Code of Conduct.",
        },
    )  # fmt: skip
    assert added.status_code == 201, added.text


def differences(shown: dict[str, Any], part: str) -> dict[str, str]:
    return {change["key"]: change["change"] for change in shown["differences"][part]}


@dataclass
class Pair:
    germany: Deployment
    france: Deployment
    german: httpx.AsyncClient  # as Germany's operator
    french: httpx.AsyncClient  # as France's operator
    published: dict[str, Any]


REWRITTEN: dict[PolicyPart, Document] = {PolicyPart.ROUTING_POLICY: {"version": "other"}}
REASON = {"reason": "Our register and routing after the 2026 review."}


@pytest.fixture(scope="module")
async def pair(
    stack_settings: Settings, stack_endpoints: Endpoints, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[Pair]:
    """Germany and France, partners of each other; Germany's senior officer has published its
    policy (which differs from France's) and France has received it."""
    directory = tmp_path_factory.mktemp("policy")
    german_policy(directory / "de")
    germany = await own_policy_deployment(stack_settings, "DE", "Germany", directory / "de")
    france = await own_policy_deployment(stack_settings, "FR", "France", directory / "fr")
    async with (
        sharing_app(germany.settings, policy_parts()),
        sharing_app(france.settings, policy_parts()),
        httpx.AsyncClient(base_url=germany.url, headers=germany.operator, timeout=10) as german,
        httpx.AsyncClient(base_url=france.url, headers=france.operator, timeout=10) as french,
    ):
        await introduce(german, french, france.url)
        await introduce(french, german, germany.url)
        senior = bearer(await signed_token(germany.settings, Role.SENIOR_OFFICER))
        published = await german.post("/bundles", json=REASON, headers=senior)
        assert published.status_code == 201, published.text

        async def received() -> bool:
            found = (await french.get("/bundles")).json()["received"]
            return [(b["issuing_state"], b["bundle_version"]) for b in found] == [("DE", 1)]

        await eventually(received, "Germany's bundle reached France", 60)
        yield Pair(germany, france, german, french, published.json())


async def test_only_an_operator_or_senior_officer_publishes_and_only_what_changed(
    pair: Pair,
) -> None:
    officer = bearer(await signed_token(pair.germany.settings, Role.LICENSING_OFFICER))
    senior = bearer(await signed_token(pair.germany.settings, Role.SENIOR_OFFICER))
    assert pair.published["bundle_version"] == 1
    assert (await pair.german.post("/bundles", json=REASON, headers=officer)).status_code == 403
    assert (await pair.german.post("/bundles", json={}, headers=senior)).status_code == 422
    unchanged = await pair.german.post("/bundles", json=REASON, headers=senior)
    assert unchanged.status_code == 409
    assert "nothing to publish" in unchanged.text
    [own] = (await pair.german.get("/bundles")).json()["published"]
    assert own["published_role"] == "senior_officer"
    assert own["reason"] == REASON["reason"]


async def test_a_received_bundle_is_shown_key_by_key_beside_the_policy_in_force(
    pair: Pair,
) -> None:
    officer = bearer(await signed_token(pair.france.settings, Role.LICENSING_OFFICER))
    shown = (await pair.french.get("/bundles/DE/1", headers=officer)).json()
    assert shown["published_role"] == "senior_officer"
    assert shown["content_hash"] == pair.published["content_hash"]
    assert differences(shown, "destinations") == {
        "destinations/AE": "changed", "destinations/MM": "changed", "destinations/TM": "added"
    }  # fmt: skip
    assert differences(shown, "routing_policy") == {"response_days": "changed"}
    assert differences(shown, "screening_policy") == {}
    assert (await pair.french.get("/bundles/DE/7")).status_code == 404


async def test_adopted_keys_are_in_force_in_screening_and_nothing_else_is(pair: Pair) -> None:
    officer = bearer(await signed_token(pair.france.settings, Role.LICENSING_OFFICER))
    senior = bearer(await signed_token(pair.france.settings, Role.SENIOR_OFFICER))
    path = "/bundles/DE/1/adoptions"
    wanted = {"keys": {"destinations": ["destinations/TM", "destinations/AE"]}}
    by_officer = await pair.french.post(path, json={**wanted, **REASON}, headers=officer)
    assert by_officer.status_code == 403
    assert (await pair.french.post(path, json=wanted, headers=senior)).status_code == 422
    unknown = await pair.french.post(
        path, json={"keys": {"destinations": ["destinations/XX"]}, **REASON}, headers=senior
    )
    assert unknown.status_code == 409
    assert "'destinations/XX'" in unknown.text
    why = {"reason": "Germany's ratings rest on the 2024 indicators we use too."}
    adopted = await pair.french.post(path, json={**wanted, **why}, headers=senior)
    assert adopted.status_code == 201, adopted.text

    after = (await pair.french.get("/bundles/DE/1")).json()
    [adoption] = after["adoptions"]
    assert adoption["keys"] == ["destinations/TM", "destinations/AE"]
    assert adoption["part"] == "destinations"
    assert adoption["reason"] == why["reason"]
    assert adoption["adopted_role"] == "senior_officer"
    assert differences(after, "destinations") == {"destinations/MM": "changed"}
    _, register = policy_in_force(pair.france.settings)
    assert register.destinations["TM"].rating == "high"
    assert register.destinations["AE"].rating == "low"
    assert register.destinations["MM"].rating == "critical"  # France's own, not Germany's
    assert routing_policy_in_force(pair.france.settings).response_days == 30


async def cli(pair: Pair, *arguments: str, exit_code: int = 0) -> str:
    """`caseflow bundles …` at France, as its operator, as a user would run it."""
    token = pair.french.headers["Authorization"].removeprefix("Bearer ")
    environment = {"CASEFLOW_TOKEN": token, "CASEFLOW_SHARING_URL": pair.france.url}
    result = await asyncio.to_thread(
        CliRunner().invoke, bundles_cli, list(arguments), env=environment, terminal_width=200
    )
    assert result.exit_code == exit_code, result.output
    return result.output


async def test_the_command_line_lists_shows_and_diffs_a_partner_s_bundle(pair: Pair) -> None:
    listed = await cli(pair, "list")
    assert "received (proposals)" in listed
    assert "│ DE " in listed
    shown = await cli(pair, "show", "DE", "1")
    assert "bundle 1 of DE" in shown
    assert "destinations" in shown
    diffed = await cli(pair, "diff", "DE", "1", "--part", "routing_policy")
    assert "response_days" in diffed
    assert "changed" in diffed
    assert "destinations/" not in diffed
    adopted = await cli(
        pair, "adopt", "DE", "1", "--key", "destinations:destinations/MM",
        "--reason", "Myanmar's rating as Germany has it.",
    )  # fmt: skip
    assert "destinations/MM adopted by" in adopted
    assert "next start" in adopted
    assert "PART:KEY" in await cli(
        pair, "adopt", "DE", "1", "--key", "MM", "--reason", "Why not.", exit_code=2
    )
    assert "not a key where the bundle differs" in await cli(
        pair, "adopt", "DE", "1", "--key", "destinations:destinations/MM", "--reason", "Again.",
        exit_code=1,
    )  # fmt: skip


async def test_a_malformed_or_oversized_bundle_is_refused_and_kept_for_operators(
    pair: Pair,
) -> None:
    key = await signing_key(pair.germany.settings)
    forged = {
        "issuing_state": "DE", "bundle_version": 2, "content_hash": "sha256:" + "0" * 64,
        "parts": {"destinations": {"version": "forged"}}, "published_by": "dora",
        "published_role": "senior_officer", "published_at": utcnow().isoformat(),
        "reason": "Trust us.",
    }  # fmt: skip
    earlier = (await pair.french.get("/bundles/DE/1")).json()
    rewritten = PolicyBundle(
        issuing_state="DE", bundle_version=1, content_hash=policy_hash(REWRITTEN),
        parts=REWRITTEN, published_by="dora", published_role="operator",
        published_at=utcnow(), reason="The same version, other content.",
    )  # fmt: skip
    bodies = {
        "malformed": ExchangedNotice(
            issuing_state="DE", kind=ExchangeKind.POLICY_BUNDLE, notice_id="DE/policy/2",
            notice=forged,
        ).model_dump_json().encode(),
        "oversized": b'{"issuing_state": "DE", "kind": "policy_bundle", "notice": "'
        + b"x" * 300_000 + b'"}',
        "malformed (a version again)": ExchangedNotice(
            issuing_state="DE", kind=ExchangeKind.POLICY_BUNDLE, notice_id="DE/policy/1",
            notice=rewritten.model_dump(mode="json"),
        ).model_dump_json().encode(),
    }  # fmt: skip
    for reason, body in bodies.items():
        signed = sign_request(
            key, "POST", EXCHANGE_PATH, body, sender="DE", addressee="FR", now=utcnow()
        )
        reply = await pair.french.post(EXCHANGE_PATH, content=body, headers=signed.as_headers())
        assert reply.json()["reason"] == reason.split()[0], reply.text
    refused = (await pair.french.get("/refused?kind=policy_bundle")).json()
    assert [row["reason"] for row in refused] == ["malformed", "oversized", "malformed"]
    assert "a changed policy takes a new version" in refused[0]["message"]
    assert "content_hash does not match" in refused[2]["message"]
    assert (await pair.french.get("/bundles/DE/1")).json()["content_hash"] == earlier[
        "content_hash"
    ]
    received = (await pair.french.get("/bundles")).json()["received"]
    assert [b["bundle_version"] for b in received] == [1]
