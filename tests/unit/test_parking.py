"""A message that keeps failing rides out short outages, then is parked so its partition moves."""

from __future__ import annotations

import base64
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import pytest
from aiokafka import ConsumerRecord

from caseflow.bad_messages.parked_message import (
    REPLAYED_FROM_HEADER,
    Consumed,
    ParkedMessage,
    ParkedReplay,
    Record,
    error_text,
    parked_message,
    unreadable_message,
)
from caseflow.bad_messages.parked_topic import ParkedTopic, parked_topic_of
from caseflow.bad_messages.retries import LONGEST_REDELIVERY_PAUSE, Parking, RetryBudget
from entrypoints.cli.parked import find
from entrypoints.cli.parked_replay_all import choose

BUDGET = RetryBudget(attempts=3, seconds=60)
NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


def record(offset: int, value: bytes = b"{}", key: bytes | None = b"case-1") -> Record:
    headers = [("caseflow-agency", b"DE-BAFA")]
    return ConsumerRecord("caseflow.cases", 2, offset, 0, 0, key, value, None, 0, 0, headers)


@dataclass
class FakeMessage:
    """The parts of a Kafka message the guard reads: one record, or a batch of them."""

    raw_message: Record | tuple[Record, ...]
    body: object = None


@dataclass
class FakeKafka:
    """A clock that moves on at each failed delivery, pauses recorded, parked messages kept."""

    now: datetime = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
    step: timedelta = timedelta(seconds=10)
    pauses: list[float] = field(default_factory=list)
    parked: list[ParkedMessage] = field(default_factory=list)

    def clock(self) -> datetime:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.pauses.append(seconds)
        self.now += self.step

    async def park(self, parked: ParkedMessage) -> None:
        self.parked.append(parked)

    def parking(self, budget: RetryBudget = BUDGET) -> Parking:
        return Parking("caseflow-test", budget, self.park, clock=self.clock, sleep=self.sleep)


class Broken(RuntimeError):
    """The handler's bug."""


@dataclass
class FakeOutage:
    """A server that refuses the next `calls` calls, then answers."""

    calls: int

    def call(self) -> None:
        if self.calls:
            self.calls -= 1
            raise ConnectionError("connection refused")


async def deliver_until_committed(handle: object, message: FakeMessage, limit: int = 100) -> int:
    """Deliver the message again while the guarded handler raises; the deliveries it took."""
    assert callable(handle)
    for delivery in range(1, limit + 1):
        try:
            await handle(message)
        except (Broken, ConnectionError):
            continue
        return delivery
    raise AssertionError(f"still not committed after {limit} deliveries")


async def test_a_message_that_always_fails_is_parked_once_attempts_and_time_are_both_spent() -> (
    None
):
    kafka = FakeKafka()

    async def always_fails(message: FakeMessage) -> None:
        raise Broken("no such control code: 9Z999 (password=hunter2)")

    deliveries = await deliver_until_committed(
        kafka.parking().guard(always_fails), FakeMessage(record(7))
    )

    # Three attempts come after 20 s; the 60 s since the first failure need seven.
    assert deliveries == 7
    [parked] = kafka.parked
    assert (parked.topic, parked.partition, parked.offset) == ("caseflow.cases", 2, 7)
    assert parked.consumer == "caseflow-test"
    assert parked.attempts == 7
    assert parked.last_failed_at - parked.first_failed_at == timedelta(seconds=60)
    assert parked.error_type == "Broken"
    assert "hunter2" not in parked.error
    assert "9Z999" in parked.error


async def test_many_quick_failures_are_not_enough_to_park_a_message() -> None:
    kafka = FakeKafka(step=timedelta(seconds=0.5))

    async def always_fails(message: FakeMessage) -> None:
        raise Broken

    handle = kafka.parking().guard(always_fails)
    for _ in range(50):  # 50 attempts within 25 s: a server restarting, not a broken message
        with pytest.raises(Broken):
            await handle(FakeMessage(record(7)))
    assert kafka.parked == []


async def test_an_outage_shorter_than_the_budget_is_ridden_out_and_forgotten() -> None:
    kafka = FakeKafka()
    outage = FakeOutage(4)

    async def fails_while_the_server_is_away(message: FakeMessage) -> None:
        outage.call()

    handle = kafka.parking().guard(fails_while_the_server_is_away)
    assert await deliver_until_committed(handle, FakeMessage(record(7))) == 5
    assert kafka.parked == []
    # The next outage of the same message starts its budget afresh.
    outage.calls = 6
    assert await deliver_until_committed(handle, FakeMessage(record(7))) == 7
    assert kafka.parked == []


async def test_pauses_double_after_each_failure_in_a_row_up_to_the_longest() -> None:
    kafka = FakeKafka(step=timedelta(0))

    async def always_fails(message: FakeMessage) -> None:
        raise Broken

    handle = kafka.parking().guard(always_fails)
    for _ in range(8):
        with pytest.raises(Broken):
            await handle(FakeMessage(record(7)))
    assert kafka.pauses == [0.5, 1.0, 2.0, 4.0, 8.0, 15.0, 15.0, 15.0]
    assert max(kafka.pauses) == LONGEST_REDELIVERY_PAUSE


async def test_in_a_batch_only_the_message_that_fails_alone_is_parked() -> None:
    kafka = FakeKafka()
    handled: list[list[int]] = []

    async def fails_on_offset_8(message: FakeMessage) -> None:
        assert isinstance(message.raw_message, tuple)
        offsets = [r.offset for r in message.raw_message]
        if 8 in offsets:
            raise Broken("offset 8 cannot be handled")
        handled.append(offsets)

    batch = FakeMessage((record(7), record(8, key=b"case-2"), record(9)))
    await deliver_until_committed(kafka.parking().guard(fails_on_offset_8), batch)

    assert handled == [[7], [9]]
    assert [(p.offset, p.case_id) for p in kafka.parked] == [(8, "case-2")]


async def test_a_batch_whose_every_message_fails_alone_is_a_server_away_and_nothing_is_parked() -> (
    None
):
    kafka = FakeKafka()

    async def server_away(message: FakeMessage) -> None:
        raise Broken("Temporal unavailable")

    handle = kafka.parking().guard(server_away)
    for _ in range(20):
        with pytest.raises(Broken):
            await handle(FakeMessage((record(7), record(8))))
    assert kafka.parked == []


async def test_a_parked_message_replays_its_exact_bytes_and_headers_marked_as_a_replay() -> None:
    kafka = FakeKafka(step=timedelta(minutes=1))
    not_utf8 = b"\xff\xfe not text"

    async def always_fails(message: FakeMessage) -> None:
        raise Broken

    await deliver_until_committed(
        kafka.parking(RetryBudget(1, 0)).guard(always_fails), FakeMessage(record(3, not_utf8))
    )
    [parked] = kafka.parked
    assert parked.body is None
    assert parked.raw_body() == not_utf8
    again = ParkedMessage.model_validate_json(parked.model_dump_json())
    assert again.replay_headers() == [
        ("caseflow-agency", b"DE-BAFA"),
        (REPLAYED_FROM_HEADER, parked.parked_id.encode()),
    ]


def test_an_envelope_names_its_case_and_keeps_its_text() -> None:
    envelope = (
        b'{"id": "8d0c7f0e-4a57-4f1e-9b55-0c0d7f3c1f6a", "type": "CaseReceived.v1", '
        b'"source": "intake", "time": "2026-11-23T09:00:00Z", "subject": "case-42", '
        b'"correlation_id": "c", "data": {}}'
    )
    now = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
    parked = parked_message(record(1, envelope, key=None), "g", Broken("x"), 4, (now, now))
    assert parked.case_id == "case-42"
    assert parked.body == envelope.decode()
    assert base64.b64decode(parked.headers[0][1]) == b"DE-BAFA"


def test_error_text_hides_passwords_in_urls_and_pairs() -> None:
    error = OSError("cannot reach postgresql://caseflow:s3cret@db:5432/caseflow password=abc")
    text = error_text(error)
    assert "s3cret" not in text
    assert "abc" not in text
    assert "postgresql://caseflow:***@db:5432/caseflow" in text


async def test_a_message_that_joins_a_failing_batch_late_is_parked_only_after_its_own_budget() -> (
    None
):
    kafka = FakeKafka()

    async def fails_on_7_and_9(message: FakeMessage) -> None:
        assert isinstance(message.raw_message, tuple)
        if {r.offset for r in message.raw_message} & {7, 9}:
            raise Broken

    handle = kafka.parking().guard(fails_on_7_and_9)
    for _ in range(6):  # 50 s of failures: offset 7 is close to its budget
        with pytest.raises(Broken):
            await handle(FakeMessage((record(7), record(8))))
    late = FakeMessage((record(7), record(8), record(9)))
    deliveries = await deliver_until_committed(handle, late)

    # Offset 9 needs its own three attempts over 60 s before both are parked together.
    assert deliveries == 7
    assert sorted(p.offset for p in kafka.parked) == [7, 9]


def test_a_replay_names_one_parked_message_by_the_start_of_its_id() -> None:
    now = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
    parked = [
        parked_message(record(n), "g", Broken(), 10, (now, now)).model_copy(
            update={"parked_id": parked_id}
        )
        for n, parked_id in enumerate(["3f2a9c1e00", "3f2b000000", "a0"])
    ]
    assert find(parked, "3F2A").offset == 0
    with pytest.raises(LookupError, match="2 parked messages"):
        find(parked, "3f2")
    with pytest.raises(LookupError, match="no parked message"):
        find(parked, "ff")


async def test_a_message_that_cannot_be_parked_yet_is_delivered_again_and_parked_later() -> None:
    kafka = FakeKafka()
    broker = FakeOutage(2)

    async def park_while_the_broker_answers(parked: ParkedMessage) -> None:
        broker.call()
        kafka.parked.append(parked)

    async def always_fails(message: FakeMessage) -> None:
        raise Broken

    parking = Parking(
        "caseflow-test", BUDGET, park_while_the_broker_answers, clock=kafka.clock, sleep=kafka.sleep
    )
    handle = parking.guard(always_fails)
    for _ in range(8):  # six within the budget; the seventh and eighth find the broker away
        with pytest.raises((Broken, ConnectionError)):
            await handle(FakeMessage(record(7)))
    await handle(FakeMessage(record(7)))  # parked now: committed
    [parked] = kafka.parked
    assert parked.attempts == 9


def test_replay_all_chooses_by_consumer_and_topic_and_leaves_out_those_replayed_before() -> None:
    now = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
    parked = [
        parked_message(record(n), consumer, Broken(), 10, (now, now))
        for n, consumer in enumerate(["bridge", "bridge", "screening"])
    ]
    done = ParkedReplay(replay_of=parked[0].parked_id, replayed_at=now, to="caseflow.cases/2/99")
    found = ParkedTopic(parked, {parked[0].parked_id: [done]})

    assert found.last_replay(parked[0]) == done
    assert found.last_replay(parked[1]) is None
    assert choose(found, consumer=None, topic=None, again=False) == (parked[1:], 1)
    assert choose(found, consumer="bridge", topic=None, again=False) == ([parked[1]], 1)
    assert choose(found, consumer="bridge", topic=None, again=True) == (parked[:2], 0)
    assert choose(found, consumer=None, topic="caseflow.other", again=True) == ([], 0)


def test_an_unreadable_message_is_parked_with_its_key_headers_bytes_and_reason() -> None:
    place = Consumed("caseflow.cases", 2, 41, b"case-9", [("caseflow-agency", b"DE-BAFA")])

    parked = unreadable_message(place, b"\xff not json", "caseflow-audit-caseflow.cases", "bad")

    assert (parked.topic, parked.partition, parked.offset) == ("caseflow.cases", 2, 41)
    assert (parked.key, parked.case_id, parked.attempts) == ("case-9", "case-9", 1)
    assert (parked.error_type, parked.error) == ("UnreadableMessage", "bad")
    assert parked.raw_body() == b"\xff not json"
    assert parked.replay_headers()[0] == ("caseflow-agency", b"DE-BAFA")


def test_the_same_delivery_parked_twice_is_recognised_and_listed_once() -> None:
    place = Consumed.at("caseflow.cases/2/41", b"case-9", [])
    first = unreadable_message(place, b"x", "caseflow-bridge-cases", "bad")
    again = unreadable_message(place, b"x", "caseflow-bridge-cases", "bad")
    elsewhere = unreadable_message(place, b"x", "caseflow-register-caseflow.cases", "bad")
    failing = parked_message(record(41), "caseflow-bridge-cases", ValueError("x"), 3, (NOW, NOW))

    assert first.parked_id == again.parked_id
    assert elsewhere.parked_id != first.parked_id  # another consumer's copy is its own
    assert (
        parked_message(
            record(41), "caseflow-bridge-cases", ValueError("y"), 4, (NOW, NOW)
        ).parked_id
        == failing.parked_id
    )
    assert entries_of([first, again, elsewhere]) == [first.parked_id, elsewhere.parked_id]


def entries_of(parked: list[ParkedMessage]) -> list[str]:
    """The ids `caseflow parked list` shows for what lies on the topic, in order."""
    return [
        p.parked_id for p in parked_topic_of([p.model_dump_json().encode() for p in parked]).parked
    ]
