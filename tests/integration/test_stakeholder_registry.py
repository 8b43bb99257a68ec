"""Operators change the stakeholder registry with `caseflow stakeholders`; routing follows it at
once, against the real broker and PostgreSQL."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator

import httpx
import pytest

from caseflow.auth import Role
from caseflow.settings import Endpoints, Settings
from schemas.consultation import ConsultationOpened, ConsultationRequested
from schemas.topics import CONSULTATION_RESPONSES
from services.audit.bootstrap import bootstrap as audit_app
from tests.integration.test_consultation_service import responses, send
from tests.integration.test_screening_service import until_true
from tests.support import Event, bearer, caseflow, collect, forge, signed_token
from tests.unit.test_consultation_routing import surveillance_request

pytestmark = pytest.mark.integration

# Routed only on cases to Nepal, so that no other test's case meets these stakeholders.
DESTINATION = "NP"


def nepal_case() -> ConsultationRequested:
    """The high-risk surveillance case, to Nepal, routed by the policy's rules alone."""
    case_id = str(uuid.uuid4())
    request = surveillance_request(f"{case_id}/consultation/1", case_id)
    return request.model_copy(update={"destination_country": DESTINATION})


def operator(event: Event) -> str:
    """Who changed the registry, as the tests call them (account names carry a suffix)."""
    return str(event["data"]["changed_by"]).rsplit("-", 1)[0]


@pytest.fixture(scope="module")
async def operators(stack_settings: Settings, stack_endpoints: Endpoints) -> dict[str, str]:
    """Operators' tokens by the names the tests call them; account names carry a suffix."""
    suffix = uuid.uuid4().hex[:6]
    return {
        who: await signed_token(stack_settings, Role.OPERATOR, name=f"{who}-{suffix}")
        for who in ("registrar-1", "r-2", "r-3", "registrar-7")
    }


async def add_academic(settings: Settings, token: str) -> str:
    """A new academic stakeholder that knows surveillance exports to Nepal."""
    stakeholder_id = f"acad-{uuid.uuid4().hex[:8]}"
    await caseflow(
        settings,
        "stakeholders", "add", stakeholder_id,
        "--name", "Institute for Surveillance Studies",
        "--kind", "academia",
        "--channel", "portal:surveillance-studies",
        "--technology", "execution_equipment",
        "--region", DESTINATION.lower(),
        "--reason", "joined the consultation network",
        token=token,
    )  # fmt: skip
    return stakeholder_id


async def disable(settings: Settings, stakeholder_id: str, reason: str, token: str) -> None:
    """An operator disables the stakeholder."""
    await caseflow(
        settings, "stakeholders", "disable", stakeholder_id, "--reason", reason, token=token
    )


async def told_of(endpoints: Endpoints, stakeholder_id: str, count: int) -> list[Event]:
    """The registry's first `count` events about the stakeholder, once published."""
    return await collect(
        endpoints.kafka,
        CONSULTATION_RESPONSES.name,
        lambda seen: len(seen) >= count,
        where=lambda event: event["subject"] == f"stakeholder:{stakeholder_id}",
    )


async def opened(endpoints: Endpoints, request: ConsultationRequested) -> ConsultationOpened:
    """What ConsultationOpened said of the request, once the service has routed it."""
    await send(endpoints.kafka, (request.case_id, request))
    [event] = await responses(endpoints.kafka, request.case_id, "ConsultationOpened")
    return ConsultationOpened.model_validate(event["data"])


async def test_an_added_stakeholder_is_referred_until_it_is_disabled(
    consultation: httpx.AsyncClient,
    stack_settings: Settings,
    stack_endpoints: Endpoints,
    operators: dict[str, str],
) -> None:
    academic = await add_academic(stack_settings, operators["registrar-1"])

    assert academic in (await opened(stack_endpoints, nepal_case())).referred

    await disable(stack_settings, academic, "closed", operators["r-2"])
    assert academic not in (await opened(stack_endpoints, nepal_case())).referred
    listed = await caseflow(stack_settings, "stakeholders", "list", token=operators["registrar-1"])
    assert academic not in listed
    assert academic in await caseflow(
        stack_settings, "stakeholders", "list", "--all", token=operators["registrar-1"]
    )
    told = await told_of(stack_endpoints, academic, 2)
    assert [(e["type"], operator(e)) for e in told] == [
        ("StakeholderRegistered.v1", "registrar-1"),
        ("StakeholderDisabled.v1", "r-2"),
    ]
    shown = await caseflow(
        stack_settings, "stakeholders", "show", academic, token=operators["registrar-1"]
    )
    assert "disabled at" in shown
    assert "added" in shown
    assert "registrar-1" in shown
    assert "joined the consultation" in shown
    assert "r-2" in shown
    assert "closed" in shown


async def test_a_disabled_stakeholder_is_left_out_as_such_until_it_is_enabled_again(
    consultation: httpx.AsyncClient,
    stack_settings: Settings,
    stack_endpoints: Endpoints,
    operators: dict[str, str],
) -> None:
    academic = await add_academic(stack_settings, operators["registrar-1"])
    await disable(stack_settings, academic, "paused", operators["r-2"])
    proposed = nepal_case().model_copy(update={"proposed_stakeholders": [academic]})

    [left_out] = (await opened(stack_endpoints, proposed)).left_out

    assert left_out.stakeholder_id == academic
    assert left_out.reason.startswith("disabled in the stakeholder registry on 20")
    again = ["stakeholders", "enable", academic, "--reason", "back in the network"]
    await caseflow(stack_settings, *again, token=operators["r-3"])
    refused = await caseflow(stack_settings, *again, status=1, token=operators["r-3"])
    assert "is not disabled" in refused
    assert academic in (await opened(stack_endpoints, nepal_case())).referred
    told = await told_of(stack_endpoints, academic, 3)
    assert [(e["type"], operator(e)) for e in told] == [
        ("StakeholderRegistered.v1", "registrar-1"),
        ("StakeholderDisabled.v1", "r-2"),
        ("StakeholderEnabled.v1", "r-3"),
    ]
    shown = await caseflow(
        stack_settings, "stakeholders", "show", academic, token=operators["registrar-1"]
    )
    assert "disabled at" not in shown
    assert "back in the network" in shown
    await disable(stack_settings, academic, "test done", operators["registrar-1"])


async def test_a_stakeholder_that_declares_a_conflict_with_a_party_is_never_referred(
    consultation: httpx.AsyncClient,
    stack_settings: Settings,
    stack_endpoints: Endpoints,
    operators: dict[str, str],
) -> None:
    academic = await add_academic(stack_settings, operators["registrar-1"])
    await caseflow(
        stack_settings,
        "stakeholders", "conflict", academic,
        "--party", "gulf telecom integration l.l.c.",
        "--reason", "advises the purchaser", token=operators["registrar-1"]
    )  # fmt: skip

    routed = await opened(stack_endpoints, nepal_case())

    assert academic not in routed.referred
    [left_out] = [s for s in routed.left_out if s.stakeholder_id == academic]
    assert "advises the purchaser" in left_out.reason
    withdraw = ["stakeholders", "conflict", academic, "--withdraw", "--reason", "advice ended"]
    await caseflow(
        stack_settings,
        *withdraw,
        "--party",
        "Gulf Telecom Integration L.L.C.",
        token=operators["registrar-1"],
    )
    refused = await caseflow(
        stack_settings, *withdraw, "--country", "AE", status=1, token=operators["registrar-1"]
    )
    assert "has declared no conflict with country AE" in refused
    assert academic in (await opened(stack_endpoints, nepal_case())).referred
    [withdrawn] = await collect(
        stack_endpoints.kafka,
        CONSULTATION_RESPONSES.name,
        lambda seen: len(seen) >= 1,
        where=lambda event: (
            event["subject"] == f"stakeholder:{academic}"
            and event["type"] == "StakeholderConflictWithdrawn.v1"
        ),
    )
    assert (withdrawn["data"]["reason"], withdrawn["data"]["conflicts"]) == ("advice ended", [])
    await disable(stack_settings, academic, "test done", operators["registrar-1"])


@pytest.fixture(scope="module")
async def audit_service(stack_settings: Settings) -> AsyncIterator[None]:
    """The audit service in this process, chaining what consultation's outbox publishes."""
    async with audit_app(stack_settings):
        yield


async def test_each_change_is_on_the_audit_trail_with_the_operator_who_made_it(
    consultation: httpx.AsyncClient,
    audit_service: None,
    stack_settings: Settings,
    stack_endpoints: Endpoints,
    operators: dict[str, str],
) -> None:
    academic = await add_academic(stack_settings, operators["registrar-1"])
    await caseflow(
        stack_settings,
        "stakeholders", "update", academic, "--channel", "portal:moved",
        "--reason", "new portal",
        token=operators["registrar-7"],
    )  # fmt: skip

    subject = f"stakeholder:{academic}"
    await until_true(
        stack_endpoints,
        "SELECT count(*) = 2 FROM audit.trail WHERE case_id = $1",
        subject,
    )
    shown = await caseflow(stack_settings, "audit", "show", subject, token=operators["registrar-7"])
    [registered] = [line for line in shown.splitlines() if "StakeholderRegistered" in line]
    [updated] = [line for line in shown.splitlines() if "StakeholderUpdated" in line]
    assert "registrar-1-" in registered
    assert "registrar-7-" in updated
    await disable(stack_settings, academic, "test done", operators["registrar-1"])


async def test_changes_the_registry_cannot_take_are_refused_saying_why(
    consultation: httpx.AsyncClient,
    stack_settings: Settings,
    operators: dict[str, str],
) -> None:
    academic = await add_academic(stack_settings, operators["registrar-1"])
    add = ["stakeholders", "add", academic, "--name", "Again", "--channel", "portal:x"]

    taken = await caseflow(
        stack_settings,
        *add,
        "--kind",
        "academia",
        "--reason",
        "r",
        status=1,
        token=operators["registrar-1"],
    )
    kind = await caseflow(
        stack_settings,
        *add,
        "--kind",
        "ngo",
        "--reason",
        "r",
        status=1,
        token=operators["registrar-1"],
    )
    blank = await caseflow(
        stack_settings,
        "stakeholders",
        "disable",
        academic,
        "--reason",
        " ",
        status=1,
        token=operators["registrar-1"],
    )
    neither = await caseflow(
        stack_settings,
        "stakeholders",
        "conflict",
        academic,
        "--reason",
        "r",
        status=2,
        token=operators["registrar-1"],
    )
    unknown = await caseflow(
        stack_settings,
        "stakeholders",
        "disable",
        "nobody-at-all",
        "--reason",
        "r",
        status=1,
        token=operators["registrar-1"],
    )

    assert f"a stakeholder {academic} is registered already" in taken
    assert "unknown kind 'ngo'" in kind
    assert "no stakeholder nobody-at-all in the registry" in unknown
    assert "say why (--reason)" in blank
    assert "give exactly one of --party and --country" in neither
    await disable(stack_settings, academic, "test done", operators["registrar-1"])


async def test_the_registry_changes_only_for_an_operator_with_a_genuine_token(
    consultation: httpx.AsyncClient,
    stack_settings: Settings,
    stack_endpoints: Endpoints,
    operators: dict[str, str],
) -> None:
    academic = await add_academic(stack_settings, operators["registrar-1"])
    disable = ["stakeholders", "disable", academic, "--reason", "not an operator's call"]
    officer = await signed_token(stack_settings, Role.LICENSING_OFFICER)
    forged = forge(operators["r-2"])

    anonymous = await caseflow(stack_settings, *disable, status=1)
    as_officer = await caseflow(stack_settings, *disable, status=1, token=officer)
    with_forgery = await caseflow(stack_settings, *disable, status=1, token=forged)
    over_http = await consultation.post(
        f"/stakeholders/{academic}/disabled", json={"reason": "by an operator over http"}
    )
    bare = httpx.AsyncClient(base_url=str(consultation.base_url), timeout=10)
    async with bare:
        nobody = await bare.post(f"/stakeholders/{academic}/disabled", json={"reason": "none"})
        stakeholder_token = await signed_token(
            stack_settings, Role.STAKEHOLDER, stakeholder="cso-digital-rights"
        )
        as_stakeholder = await bare.get("/stakeholders", headers=bearer(stakeholder_token))

    assert "not signed in: run `caseflow login NAME` (or set CASEFLOW_TOKEN)" in anonymous
    assert "for operator only" in as_officer
    assert "invalid token" in with_forgery
    assert over_http.status_code == 200  # the fixture's operator token: the control
    assert (nobody.status_code, nobody.json()["detail"]) == (401, "no bearer token")
    assert as_stakeholder.status_code == 403
    changes = await collect(
        stack_endpoints.kafka,
        CONSULTATION_RESPONSES.name,
        lambda seen: len(seen) >= 2,
        where=lambda event: event["subject"] == f"stakeholder:{academic}",
        linger=2.0,
    )
    assert [e["type"] for e in changes] == ["StakeholderRegistered.v1", "StakeholderDisabled.v1"]
    assert changes[1]["data"]["reason"] == "by an operator over http"  # the only change
