"""The steps every message takes on its way from Kafka to Temporal in the bridge: read it or set
it aside, and set aside one too large for a Temporal payload."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TypeVar

from temporalio.client import Client

from caseflow.messaging import Delivery, SetAside, read_or_set_aside, set_aside_unreadable, type_of
from schemas.envelope import Contract, Envelope
from workflows.payload_limits import oversized

C = TypeVar("C", bound=Contract)


async def act_on(
    client: Client,
    delivery: Delivery,
    contract: type[C],
    set_aside: SetAside,
    act: Callable[[Envelope[C]], Awaitable[None]],
) -> bool:
    """If the message is a `contract`, read it for Temporal and act on it (one that cannot be
    read or sent is set aside instead): True. False for other messages, left untouched."""
    if type_of(delivery.body) != contract.type_name():
        return False
    envelope = await read_for_temporal(client, delivery, contract, set_aside)
    if envelope is not None:
        await act(envelope)
    return True


async def read_for_temporal(
    client: Client, delivery: Delivery, contract: type[C], set_aside: SetAside
) -> Envelope[C] | None:
    """The message read as `contract`; None once it has been set aside, unreadable or too large
    for a Temporal payload."""
    envelope = await read_or_set_aside(delivery, contract, set_aside)
    if envelope is None or await set_aside_if_oversized(client, delivery, envelope.data, set_aside):
        return None
    return envelope


async def set_aside_if_oversized(
    client: Client, delivery: Delivery, data: Contract, set_aside: SetAside
) -> bool:
    """Set aside (logged, naming the limit) an event too large for a Temporal payload: sending
    it would fail at the server, again at every redelivery, and hold up its partition."""
    too_large = await oversized(client, data)
    if too_large is None:
        return False
    await set_aside_unreadable(delivery, f"not sent to Temporal: {too_large}", set_aside)
    return True
