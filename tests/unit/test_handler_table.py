"""A handler table hands each message to its contract's use case, read as that contract."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from faststream.message import StreamMessage

from caseflow.messaging import Delivery, HandlerTable
from schemas.cases import CaseDeadlineBreached, CaseWithdrawn
from schemas.envelope import Envelope

NOW = datetime(2026, 12, 6, tzinfo=UTC)
WITHDRAWN = CaseWithdrawn(case_id="c-1", control_number="Z1", withdrawn_at=NOW, reason="no need")
BREACHED = CaseDeadlineBreached(
    case_id="c-1",
    control_number="Z1",
    submitting_agency="DE-BAFA",
    agency_reference="R1",
    deadline_at=NOW,
    raised_at=NOW,
)


def delivered(body: bytes) -> Delivery:
    return Delivery(body, b"c-1", "caseflow.cases/0/7")


def wrapped(data: CaseWithdrawn | CaseDeadlineBreached) -> bytes:
    return Envelope.wrap(data, source="test", subject="c-1", correlation_id="k").to_bytes()


class SetAside:
    def __init__(self) -> None:
        self.kept: list[tuple[str, str]] = []

    async def __call__(self, message: StreamMessage[object] | Delivery, reason: str) -> None:
        assert isinstance(message, Delivery)
        self.kept.append((message.location, reason))


async def withdraw(envelope: Envelope[CaseWithdrawn]) -> str:
    return f"withdrawn: {envelope.data.reason}"


async def test_each_message_reaches_its_contracts_handler_as_that_contract() -> None:
    table = HandlerTable[str]("a case withdrawal").on(CaseWithdrawn, withdraw)
    set_aside = SetAside()

    handled = await table.dispatch(delivered(wrapped(WITHDRAWN)), set_aside)

    assert handled is not None
    assert (handled.type, handled.subject, handled.outcome) == (
        "CaseWithdrawn.v1",
        "c-1",
        "withdrawn: no need",
    )
    assert set_aside.kept == []


async def test_a_type_without_a_handler_is_set_aside_naming_it_or_skipped() -> None:
    table = HandlerTable[str]("a case withdrawal").on(CaseWithdrawn, withdraw)
    set_aside = SetAside()

    assert await table.dispatch(delivered(wrapped(BREACHED)), set_aside) is None
    assert set_aside.kept == [
        ("caseflow.cases/0/7", "not a case withdrawal: CaseDeadlineBreached.v1")
    ]
    assert await table.dispatch(delivered(wrapped(BREACHED)), set_aside, others="skip") is None
    assert len(set_aside.kept) == 1


async def test_a_handled_type_that_does_not_validate_is_set_aside_with_every_reason() -> None:
    table = HandlerTable[str]("a case withdrawal").on(CaseWithdrawn, withdraw)
    set_aside = SetAside()
    broken = {**json.loads(wrapped(WITHDRAWN)), "data": {"case_id": "c-1"}}

    assert await table.dispatch(delivered(json.dumps(broken).encode()), set_aside) is None

    [(location, reason)] = set_aside.kept
    assert location == "caseflow.cases/0/7"
    for missing in ("control_number", "withdrawn_at", "reason"):
        assert missing in reason
