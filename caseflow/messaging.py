"""FastStream helpers: handlers that see raw bytes while AsyncAPI shows the contract.

A message whose handler keeps failing is parked once its retry budget is spent
(`caseflow.bad_messages.retries`), so its partition moves on; a message no contract can read is
parked at once. The parked topic is the one home of bad messages, for every consumer. The price
is order: a later event of the same case may be handled before the parked one, until an
operator fixes the cause and replays it (`caseflow parked replay ID`; consumers are idempotent).
"""

from __future__ import annotations

import asyncio
import weakref
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Annotated, Any, Generic, Literal, TypeVar

import structlog
from faststream import AckPolicy
from faststream.kafka import KafkaRouter
from faststream.kafka.annotations import KafkaMessage
from faststream.kafka.publisher.usecase import DefaultPublisher
from faststream.message import StreamMessage
from pydantic import ValidationError, WrapValidator

from caseflow.bad_messages.parked_message import Consumed, ParkedMessage, unreadable_message
from caseflow.bad_messages.retries import PARKED_TOTAL, Parking, RetryBudget
from schemas.envelope import Contract, Envelope, EnvelopeHeader
from schemas.topics import PARKED, Topic

log = structlog.get_logger(__name__)
ContractT = TypeVar("ContractT")
C = TypeVar("C", bound=Contract)
R = TypeVar("R")
Handler = TypeVar("Handler", bound=Callable[..., Awaitable[None]])

# One documented publisher of parked messages per router.
_parked_publishers: weakref.WeakKeyDictionary[KafkaRouter, DefaultPublisher] = (
    weakref.WeakKeyDictionary()
)


def _unchecked(value: object, _handler: object) -> object:
    """Hand the raw value on; the service validates it itself and refuses it precisely."""
    return value


if TYPE_CHECKING:

    class Raw(bytes, Generic[ContractT]):
        """A message body as it arrived, documented in AsyncAPI as `ContractT`."""

else:

    class Raw:
        """A message body as it arrived, documented in AsyncAPI as `ContractT`.

        With the `raw_bytes` decoder a handler gets the bytes themselves, so that it reads them
        with the service's own precise refusals: `Raw[Envelope[X]]` is bytes to the type checker,
        and to FastStream the envelope of X that the channel carries, left unvalidated. (FastStream
        names a channel's payload after the model it finds in the annotation, hence the two
        faces.)
        """

        def __class_getitem__(cls, documented: object) -> object:
            return Annotated[documented, WrapValidator(_unchecked)]


async def raw_bytes(message: StreamMessage[object]) -> bytes:
    """FastStream decoder that leaves the body undecoded, so bad bytes reach the handler."""
    return message.body


class UnreadableMessage(ValueError):
    """A message that is not a valid envelope of the expected contract."""


# Where a consumer keeps a message it cannot read or act on, with the reason.
SetAside = Callable[["StreamMessage[object] | Delivery", str], Awaitable[None]]


def read_envelope(raw: bytes, contract: type[C]) -> Envelope[C]:
    """Parse and validate an envelope carrying `contract`, or raise `UnreadableMessage`."""
    try:
        envelope = Envelope[contract].model_validate_json(raw)  # type: ignore[valid-type]
    except ValidationError as error:
        raise UnreadableMessage(reasons(error)) from error
    if envelope.type != contract.type_name():
        raise UnreadableMessage(f"expected {contract.type_name()}, got {envelope.type}")
    return envelope


def reasons(error: ValidationError) -> str:
    """Every validation error by path, without the offending values (they may be personal)."""
    return "; ".join(
        f"{'.'.join(str(part) for part in detail['loc']) or '$'}: {detail['msg']}"
        for detail in error.errors(include_url=False, include_input=False, include_context=False)
    )


def type_of(raw: bytes) -> str | None:
    """The envelope type, read before the whole message is validated; None if unreadable."""
    try:
        return EnvelopeHeader.model_validate_json(raw).type
    except ValidationError:
        return None


async def read_or_set_aside(
    message: StreamMessage[object] | Delivery, contract: type[C], set_aside: SetAside
) -> Envelope[C] | None:
    """The envelope, or None once an unreadable message has been set aside with the reason.

    Setting it aside lets the consumer commit and move on: a message that can never be read
    must neither stop the partition nor come back forever.
    """
    try:
        return read_envelope(message.body, contract)
    except UnreadableMessage as error:
        await set_aside_unreadable(message, str(error), set_aside)
        return None


async def set_aside_unreadable(
    message: StreamMessage[object] | Delivery, reason: str, set_aside: SetAside
) -> None:
    """Keep a message that cannot be acted on, with the reason, and log where it lies."""
    await set_aside(message, reason)
    log.error("unreadable message set aside", location=_location(message), reason=reason[:500])


def set_aside_on_parked(router: KafkaRouter, consumer: str) -> SetAside:
    """Set aside `consumer`'s unreadable messages on the parked topic, listed and replayed by
    `caseflow parked` with the messages whose handler kept failing."""
    publisher = _parked_to(router)

    async def set_aside(message: StreamMessage[object] | Delivery, reason: str) -> None:
        parked = unreadable_message(_consumed(message), message.body, consumer, reason)
        key = parked.case_id.encode() if parked.case_id else None
        await publisher.publish(parked.model_dump_json().encode(), key=key)
        PARKED_TOTAL.labels(consumer, parked.topic).inc()

    return set_aside


def _location(message: StreamMessage[object] | Delivery) -> str:
    return message.location if isinstance(message, Delivery) else location_of(message)


def _consumed(message: StreamMessage[object] | Delivery) -> Consumed:
    """Where the message lay, its key and its headers."""
    if isinstance(message, Delivery):
        return Consumed.at(message.location, message.key, message.headers)
    record = message.raw_message
    return Consumed.at(
        location_of(message), getattr(record, "key", None), getattr(record, "headers", ())
    )


def location_of(message: StreamMessage[object], record: object | None = None) -> str:
    """topic/partition/offset of a Kafka message (or of one `record` of a batch), naming it for
    operators."""
    record = message.raw_message if record is None else record
    topic, partition, offset = (
        getattr(record, name, "?") for name in ("topic", "partition", "offset")
    )
    return f"{topic}/{partition}/{offset}"


def at_least_once(
    router: KafkaRouter,
    topic: Topic,
    *,
    group_id: str,
    title: str,
    description: str,
    budget: RetryBudget,
    batch_size: int | None = None,
) -> Callable[[Handler], Handler]:
    """Subscribe a handler that sees raw bytes and commits only after it returns.

    A new consumer group starts at the earliest offset, so nothing published before a service
    first started is missed. With `batch_size`, the handler gets up to that many messages at once.
    A handler that raises (a server it needs is away) has its messages delivered again after a
    pause, not committed: unreadable messages are the handler's to set aside, not to raise. Past
    the retry `budget` (which the service's bootstrap reads from settings) a message that still
    fails is parked (`caseflow.bad_messages.retries`) and committed. Batch handlers read the
    records from `message`.
    """
    subscriber = router.subscriber(
        topic.name,
        group_id=group_id,
        ack_policy=AckPolicy.NACK_ON_ERROR,
        auto_offset_reset="earliest",
        decoder=raw_bytes,
        title=title,
        description=description,
        batch=batch_size is not None,
        max_records=batch_size,
        batch_timeout_ms=50,
    )

    publisher = _parked_to(router)

    async def park(parked: ParkedMessage) -> None:
        key = parked.case_id.encode() if parked.case_id else None
        await publisher.publish(parked.model_dump_json().encode(), key=key)

    parking = Parking(group_id, budget, park)

    def subscribe(handler: Handler) -> Handler:
        subscriber(parking.guard(handler))
        return handler

    return subscribe


def _parked_to(router: KafkaRouter) -> DefaultPublisher:
    """The router's publisher to the parked topic, made once."""
    if router not in _parked_publishers:
        _parked_publishers[router] = router.publisher(
            PARKED.name,
            title="to_parked",
            description="A message whose handler kept failing past its retry budget, or that "
            "no contract of its consumer could read, set aside so its partition moves on "
            "(see `caseflow parked`).",
            schema=ParkedMessage,
        )
    return _parked_publishers[router]


@dataclass(frozen=True)
class Delivery:
    """One message of a batch: its body, its key (the case id) and where it lies."""

    body: bytes
    key: bytes | None
    location: str
    headers: Sequence[tuple[str, bytes]] = ()


def deliveries(message: KafkaMessage) -> list[Delivery]:
    """The messages of one batch, in the order they were read."""
    records = message.raw_message
    assert isinstance(records, tuple), "a subscriber with `batch_size` gets batches"
    return [
        Delivery(record.value or b"", record.key, location_of(message, record), record.headers)
        for record in records
    ]


async def case_by_case(
    batch: list[Delivery], handle: Callable[[Delivery], Awaitable[None]]
) -> None:
    """Handle each case's messages in order, and different cases' messages at the same time."""
    per_case: dict[bytes | None, list[Delivery]] = {}
    for delivery in batch:
        per_case.setdefault(delivery.key, []).append(delivery)

    async def in_order(of_one_case: list[Delivery]) -> None:
        for delivery in of_one_case:
            await handle(delivery)

    outcomes = await asyncio.gather(
        *(in_order(of_one_case) for of_one_case in per_case.values()), return_exceptions=True
    )
    # Every case ran to its end; the batch is committed only if none failed.
    for outcome in outcomes:
        if isinstance(outcome, BaseException):
            raise outcome


class HandlerTable(Generic[R]):
    """Which use case handles each contract a consumer reads: `{Contract: handler}`.

    Built with `on`, so the type checker ties each contract to its handler's argument. `what`
    names the messages handled ("a consultation command") in the reason a stray one is set aside.
    """

    def __init__(self, what: str) -> None:
        self.what = what
        self._handlers: dict[str, tuple[type[Contract], Callable[[Any], Awaitable[R]]]] = {}

    def on(
        self, contract: type[C], handler: Callable[[Envelope[C]], Awaitable[R]]
    ) -> HandlerTable[R]:
        """Hand the envelopes of `contract` to `handler`."""
        self._handlers[contract.type_name()] = (contract, handler)
        return self

    @property
    def contracts(self) -> list[type[Contract]]:
        """The contracts this table handles, in the order they were added."""
        return [contract for contract, _ in self._handlers.values()]

    async def dispatch(
        self,
        message: StreamMessage[object] | Delivery,
        set_aside: SetAside,
        *,
        others: Literal["set aside", "skip"] = "set aside",
    ) -> Dispatched[R] | None:
        """Read the message as its type's contract and hand it to that contract's handler.

        A message of a type the table has no handler for is set aside as unreadable, or, with
        `others="skip"` (a topic carrying other services' events too), skipped. A message of a
        handled type that does not validate is set aside with every reason. None when no handler
        ran.
        """
        kind = type_of(message.body)
        entry = self._handlers.get(kind) if kind is not None else None
        if entry is None:
            if others == "set aside":
                await set_aside_unreadable(message, f"not {self.what}: {kind}", set_aside)
            return None
        contract, handler = entry
        envelope = await read_or_set_aside(message, contract, set_aside)
        if envelope is None:
            return None
        return Dispatched(envelope.type, envelope.subject, await handler(envelope))


@dataclass(frozen=True)
class Dispatched(Generic[R]):
    """A message a handler acted on: its type, its subject (the case) and the handler's outcome."""

    type: str
    subject: str
    outcome: R
