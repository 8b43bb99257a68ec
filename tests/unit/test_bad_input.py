"""Bad bytes on any topic are refused or set aside with a reason: never a crash, stall or loop.

Every consumer's decode path is fed oversized and deeply nested JSON, invalid UTF-8, unknown
schema versions and wrong types. A decode path that raised would make FastStream redeliver the
message forever; each must return, having refused or set the message aside with its reason.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime

import pytest
from faststream.message import StreamMessage
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from caseflow.messaging import Delivery, location_of, read_or_set_aside, type_of
from schemas.envelope import Contract
from schemas.registry import CONTRACTS
from services.audit.handlers import NotAnEvent, entry_of
from services.intake.config import load_policy
from services.intake.handlers import handle_messages
from services.intake.ports import Outcome, RawSubmission
from tests.unit.fakes import FakeIntakeStore
from workflows.bridge import CASE_SIGNALS, CONSULTATION_SIGNALS, SCREENING_SIGNALS

POLICY = load_policy()
# Every contract some consumer decodes: screening, consultation, the bridge, the workers' events.
DECODED: tuple[type[Contract], ...] = CONTRACTS
BRIDGED = {
    c
    for signals in (CASE_SIGNALS, CONSULTATION_SIGNALS, SCREENING_SIGNALS)
    for c, _ in signals.values()
}

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=30),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=25,
)


def _envelope(type_: str, data: object) -> dict[str, object]:
    return {
        "id": str(uuid.uuid4()),
        "type": type_,
        "source": "fuzz",
        "time": datetime.now(UTC).isoformat(),
        "subject": "case-1",
        "correlation_id": "fuzz",
        "data": data,
    }


def _nested(depth: int) -> bytes:
    return (b'{"a":' * depth) + b"1" + (b"}" * depth)


contract_names = st.sampled_from([contract.event_type for contract in CONTRACTS])
bad_messages = st.one_of(
    st.binary(max_size=512),  # mostly invalid UTF-8, or not JSON at all
    st.binary(min_size=1, max_size=64).map(lambda tail: b'{"id": "' + tail + b'"}'),
    json_values.map(lambda value: json.dumps(value).encode()),  # JSON of the wrong shape
    st.integers(min_value=100, max_value=20_000).map(_nested),  # deeply nested
    st.builds(  # an unknown schema version of a known contract
        lambda name, version, data: json.dumps(_envelope(f"{name}.v{version}", data)).encode(),
        contract_names,
        st.integers(min_value=2, max_value=99),
        json_values,
    ),
    st.builds(  # a known type and version, with data of the wrong types
        lambda name, data: json.dumps(_envelope(f"{name}.v1", data)).encode(),
        contract_names,
        json_values,
    ),
)
OVERSIZED = json.dumps(_envelope("SubmitApplication.v1", {"end_use_statement": "x" * 2_000_000}))


@dataclass
class FakeRecord:
    """Where a Kafka message lies, as aiokafka's ConsumerRecord says it."""

    topic: str = "caseflow.fuzz"
    partition: int = 0
    offset: int = 7


@dataclass
class FakeParkedTopic:
    """The parked topic in a list: where each unreadable message lay, why, and its bytes."""

    kept: list[tuple[str, str, bytes]] = field(default_factory=list)

    async def set_aside(self, message: StreamMessage[object] | Delivery, reason: str) -> None:
        assert isinstance(message, StreamMessage)
        self.kept.append((location_of(message), reason, message.body))


def _message(raw: bytes) -> StreamMessage[object]:
    return StreamMessage(raw_message=FakeRecord(), body=raw)


FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@FUZZ
@given(raw=bad_messages, contract=st.sampled_from(DECODED))
async def test_a_consumer_sets_aside_what_it_cannot_read_with_the_reason(
    raw: bytes, contract: type[Contract]
) -> None:
    parked = FakeParkedTopic()
    envelope = await read_or_set_aside(_message(raw), contract, parked.set_aside)
    if envelope is None:
        [(location, reason, payload)] = parked.kept
        assert (location, payload) == ("caseflow.fuzz/0/7", raw)
        assert reason.strip()
    else:
        assert envelope.type == contract.type_name()
        assert parked.kept == []
    type_of(raw)  # routing by type never raises either


@FUZZ
@given(raw=bad_messages)
async def test_intake_refuses_bad_bytes_with_every_deficiency(raw: bytes) -> None:
    store = FakeIntakeStore()
    submission = RawSubmission(raw, "caseflow.intake.submissions", 0, 7, "DE-BAFA")
    [outcome] = (await handle_messages([submission], store, POLICY)).outcomes
    assert outcome is Outcome.REJECTED
    [rejection] = store.rejections.values()
    assert rejection.raw_message == "caseflow.intake.submissions/0/7"
    assert all(deficiency.message for deficiency in rejection.deficiencies)
    # The same bytes again are recognised, not refused twice (no loop of rejections).
    again = await handle_messages([submission], store, POLICY)
    assert again.outcomes == [Outcome.ALREADY_PROCESSED]


@FUZZ
@given(raw=bad_messages)
def test_the_audit_trail_refuses_what_is_not_an_envelope_with_the_reason(raw: bytes) -> None:
    assert _recorded_or_refused(raw).strip()


def _recorded_or_refused(raw: bytes) -> str:
    """What the audit trail would chain, or why it refuses the message."""
    try:
        return entry_of(raw, "caseflow.cases").content
    except NotAnEvent as refusal:
        return str(refusal)


async def test_an_oversized_message_is_refused_by_every_decode_path() -> None:
    raw = OVERSIZED.encode()
    store = FakeIntakeStore()
    oversized = RawSubmission(raw, "caseflow.intake.submissions", 0, 1, "DE-BAFA")
    [outcome] = (await handle_messages([oversized], store, POLICY)).outcomes
    assert outcome is Outcome.REJECTED
    [rejection] = store.rejections.values()
    assert "exceeds the limit" in rejection.deficiencies[0].message
    for contract in BRIDGED:
        parked = FakeParkedTopic()
        assert await read_or_set_aside(_message(raw), contract, parked.set_aside) is None
        assert parked.kept[0][1]


@pytest.mark.parametrize("depth", [1_000, 100_000])
async def test_json_nested_beyond_any_contract_is_set_aside(depth: int) -> None:
    parked = FakeParkedTopic()
    envelope = _envelope("ScreeningRequested.v1", None)
    raw = json.dumps(envelope).encode().replace(b"null", _nested(depth))
    assert await read_or_set_aside(_message(raw), DECODED[0], parked.set_aside) is None
    [(_, reason, _)] = parked.kept
    assert "recursion limit exceeded" in reason
