"""Where the bridge delivers a screening result: to the case's running workflow alone; once the
case is decided, a re-screening goes to the case's licence in force, and nothing else goes on."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, cast

import pytest
from temporalio.client import Client
from temporalio.service import RPCError, RPCStatusCode

from schemas.envelope import Envelope, utcnow
from schemas.screening import RiskLevel, ScreeningCompleted
from workflows.bridge import deliver_result
from workflows.client import workflow_id
from workflows.licence_bridge import licence_workflow_id

CASE = "c-7"
NOT_FOUND = RPCError("workflow execution already completed", RPCStatusCode.NOT_FOUND, b"")


@dataclass
class FakeTemporal:
    """Just enough of a Temporal client: workflows that run take signals, others are not found."""

    running: set[str]
    signalled: list[tuple[str, str]] = field(default_factory=list)
    failure: RPCError | None = None  # what every signal meets instead, when set

    def get_workflow_handle(self, workflow: str) -> FakeHandle:
        return FakeHandle(self, workflow)


@dataclass
class FakeHandle:
    """A handle on one workflow id of a `FakeTemporal`."""

    temporal: FakeTemporal
    workflow: str

    async def signal(self, signal: Any, argument: Any) -> None:
        if self.temporal.failure is not None:
            raise self.temporal.failure
        if self.workflow not in self.temporal.running:
            raise NOT_FOUND
        self.temporal.signalled.append((self.workflow, getattr(signal, "__name__", signal)))


def result(reason: str) -> Envelope[ScreeningCompleted]:
    completed = ScreeningCompleted(
        request_id=f"{CASE}/rescreen/csl@2",
        case_id=CASE,
        reason=reason,
        risk_level=RiskLevel.CRITICAL,
        policy_version="test",
        list_version="csl@2",
        screened_at=utcnow(),
    )
    return Envelope.wrap(completed, source="test", subject=CASE, correlation_id=CASE)


async def delivered(temporal: FakeTemporal, reason: str) -> list[tuple[str, str]]:
    await deliver_result(cast(Client, temporal), result(reason))
    return temporal.signalled


async def test_a_result_the_running_case_takes_goes_to_the_case_alone() -> None:
    # Both running cannot happen today (a running case has no licence): the case still wins.
    both = FakeTemporal({workflow_id(CASE), licence_workflow_id(CASE)})
    assert await delivered(both, "list_update: csl 2: matches added entry") == [
        (workflow_id(CASE), "screening_completed")
    ]


async def test_a_list_update_re_screening_of_a_decided_case_goes_to_its_licence() -> None:
    licensed = FakeTemporal({licence_workflow_id(CASE)})
    assert await delivered(licensed, "list_update: csl 2: matches added entry") == [
        (licence_workflow_id(CASE), "list_update_matched")
    ]


async def test_a_partner_notice_re_screening_of_a_decided_case_goes_to_its_licence() -> None:
    licensed = FakeTemporal({licence_workflow_id(CASE)})
    assert await delivered(licensed, "partner_notice: DE denial matched") == [
        (licence_workflow_id(CASE), "list_update_matched")
    ]


async def test_a_late_answer_to_a_decided_cases_own_request_never_reaches_its_licence() -> None:
    licensed = FakeTemporal({licence_workflow_id(CASE)})
    assert await delivered(licensed, "requested") == []


async def test_a_re_screening_with_no_case_running_and_no_licence_goes_nowhere() -> None:
    assert await delivered(FakeTemporal(set()), "list_update: csl 2: matches added entry") == []


async def test_temporal_unavailable_fails_the_delivery_so_the_result_is_delivered_again() -> None:
    unavailable = RPCError("connection refused", RPCStatusCode.UNAVAILABLE, b"")
    down = FakeTemporal({workflow_id(CASE)}, failure=unavailable)
    with pytest.raises(RPCError, match="connection refused"):
        await delivered(down, "list_update: csl 2: matches added entry")
