"""A licence's life end to end, every service its own process, driven by the `caseflow` command:
approved and issued, two shipments (one refused for quantity), a list update hits the end user,
the licence is suspended, a further shipment is refused, and the licence is revoked."""

from __future__ import annotations

import asyncio
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from caseflow.auth import Role
from caseflow.settings import Endpoints, Settings
from entrypoints.samples import sample_applications
from schemas.application import Address, Party
from schemas.envelope import Envelope
from schemas.topics import CASES, agency_topic
from tests.actors import token_for
from tests.e2e.cli import caseflow
from tests.e2e.reviews import await_review
from tests.e2e.test_first_case import ASSESSED
from tests.integration.licence_harness import analysers
from tests.support import collect, signed_token
from workflows.client import connect
from workflows.tasks import Reviewer, ReviewerRole

pytestmark = pytest.mark.e2e
OFFICER = Reviewer(id="officer-licence", role=ReviewerRole.LICENSING_OFFICER)
SENIOR = Reviewer(id="senior-licence", role=ReviewerRole.SENIOR_OFFICER)
AGENCY = "DE-BAFA"


async def test_a_licence_is_issued_shipped_against_suspended_after_a_list_update_and_revoked(
    processes: None, stack_settings: Settings, stack_endpoints: Endpoints, tmp_path: Path
) -> None:
    suffix = f"-lic{uuid.uuid4().hex[:6]}"
    end_user = f"Zephyr {uuid.uuid4().hex[:6].upper()} Lattice Institute"
    application = _application(suffix, end_user)
    caseflow(stack_settings, "submit", str(_file(tmp_path, "application.json", application)))
    [case] = await await_review(await connect(stack_settings), suffix, 1)
    number = f"LIC-{case.control_number}"

    officer = token_for(OFFICER)
    caseflow(stack_settings, "claim", case.control_number, token=officer)
    decided = caseflow(
        stack_settings,
        "decide",
        case.control_number,
        "--outcome",
        "approved",
        "--rationale",
        "Teaching equipment for a research institute.",
        *ASSESSED,
        token=officer,
    )
    assert "decided — approved" in decided

    [issued] = await _told(stack_endpoints, case.case_id, "LicenceIssued", 1)
    assert issued["data"]["licence_number"] == number
    assert issued["data"]["end_users"] == [end_user]
    assert issued["data"]["validity_basis"] == "us_ear: 4 years (15 CFR 750.7(g))"
    assert number in caseflow(stack_settings, "licences", "--status", "valid")

    for reference, quantity in (("SHIP-1", 8), ("SHIP-2", 5)):
        shipment = _shipment(application.agency_reference, number, reference, quantity)
        caseflow(stack_settings, "submit", str(_file(tmp_path, f"{reference}.json", shipment)))
    [recorded] = await _told(stack_endpoints, case.case_id, "ShipmentRecorded", 1)
    [refused] = await _told(stack_endpoints, case.case_id, "ShipmentRefused", 1)
    assert recorded["data"]["shipment_reference"] == "SHIP-1"
    assert recorded["data"]["remaining"][0]["quantity"] == "4"
    assert refused["data"]["reasons"] == ["EAR99: 5 units exceed the 4 left on the licence"]

    listed = tmp_path / "list.csv"
    listed.write_text(f"id,name,country\nlic-{suffix}-1,{end_user},JP\n")
    operator = await signed_token(stack_settings, Role.OPERATOR)
    loaded = caseflow(
        stack_settings, "lists", "load", str(listed), "--source", f"test{suffix}", token=operator
    )
    assert f"test{suffix}@1: 1 added" in loaded
    await _internal(stack_endpoints, case.case_id, "LicenceReviewOpened")
    shown = await _until_shown(stack_settings, number, "under_review")
    assert f"matches added entry '{end_user}'" in shown

    senior = token_for(SENIOR)
    refused_to_officer = caseflow(
        stack_settings, "licence", "suspend", number, "--grounds", "listed", token=officer, ok=(1,)
    )
    assert "only a senior officer can suspend" in refused_to_officer
    suspended = caseflow(
        stack_settings,
        "licence",
        "suspend",
        number,
        "--grounds",
        "End user added to a restricted-party list.",
        token=senior,
    )
    assert f"licence {number}: suspended" in suspended

    third = _shipment(application.agency_reference, number, "SHIP-3", 1)
    caseflow(stack_settings, "submit", str(_file(tmp_path, "SHIP-3.json", third)))
    refusals = await _told(stack_endpoints, case.case_id, "ShipmentRefused", 2)
    assert refusals[1]["data"]["reasons"] == [
        "the licence is suspended: no shipment may be made under it"
    ]

    revoked = caseflow(
        stack_settings,
        "licence",
        "revoke",
        number,
        "--grounds",
        "End user confirmed as a designated party.",
        token=senior,
    )
    assert f"licence {number}: revoked" in revoked
    changes = await _told(stack_endpoints, case.case_id, "LicenceStatusChanged", 2)
    assert [change["data"]["status"] for change in changes] == ["suspended", "revoked"]
    assert "revoked" in await _until_shown(stack_settings, number, "revoked")
    assert number in caseflow(stack_settings, "licences", "--status", "revoked")


def _application(suffix: str, end_user: str) -> Any:
    """The low-risk sample (12 analysers to Kyoto) with an end user no list names yet."""
    sample = sample_applications(suffix)[0]
    party = Party(name=end_user, address=Address(street="1 Yoshida", city="Kyoto", country="JP"))
    return sample.model_copy(update={"end_users": [party]})


def _shipment(case_reference: str, number: str, reference: str, quantity: int) -> Any:
    today = datetime.now(UTC).date()
    return analysers(case_reference, number, reference, quantity, 1_000 * quantity, today)


def _file(folder: Path, name: str, data: Any) -> Path:
    """An envelope of `data` as the agency's gateway takes it, in a file for `caseflow submit`."""
    envelope = Envelope.wrap(
        data,
        source="agency-gateway",
        subject=f"{data.submitting_agency}:{data.agency_reference}",
        correlation_id=str(uuid.uuid4()),
    )
    path = folder / name
    path.write_bytes(envelope.to_bytes())
    return path


async def _told(endpoints: Endpoints, case_id: str, kind: str, count: int) -> list[dict[str, Any]]:
    """The agency's own topic: `count` events of `kind` about the case."""
    return await collect(
        endpoints.kafka,
        agency_topic(AGENCY).name,
        lambda seen: len(seen) >= count,
        where=lambda event: event["type"] == f"{kind}.v1" and event["subject"] == case_id,
        timeout=120,
    )


async def _internal(endpoints: Endpoints, case_id: str, kind: str) -> None:
    await collect(
        endpoints.kafka,
        CASES.name,
        lambda seen: len(seen) >= 1,
        where=lambda event: event["type"] == f"{kind}.v1" and event["subject"] == case_id,
        timeout=120,
    )


async def _until_shown(settings: Settings, number: str, status: str) -> str:
    """`caseflow licence NUMBER` once it shows the status, waited for as long as the agency's
    events are (a licence just revoked once took over a minute to show, under load)."""
    deadline = time.monotonic() + 120
    while f"· {status} ·" not in (shown := caseflow(settings, "licence", number, ok=(0, 1))):
        assert time.monotonic() < deadline, shown
        await asyncio.sleep(1)
    return shown
