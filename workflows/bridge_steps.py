"""The steps every message takes on its way from Kafka to Temporal in the bridge: read it or set
it aside, set aside one too large for a Temporal payload, and start a workflow only once."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from typing import TypeVar

from temporalio.client import Client
from temporalio.common import TypedSearchAttributes, WorkflowIDReusePolicy
from temporalio.exceptions import WorkflowAlreadyStartedError
from temporalio.types import MethodAsyncSingleParam

from caseflow.messaging import Delivery, SetAside, read_or_set_aside, set_aside_unreadable, type_of
from schemas.envelope import Contract, Envelope
from workflows.payload_limits import oversized

C = TypeVar("C", bound=Contract)
SelfT = TypeVar("SelfT")
ArgT = TypeVar("ArgT")
ResultT = TypeVar("ResultT")


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


async def start_once(
    client: Client,
    run: MethodAsyncSingleParam[SelfT, ArgT, ResultT],
    arg: ArgT,
    *,
    workflow_id: str,
    task_queue: str,
    search_attributes: TypedSearchAttributes,
    memo: Mapping[str, str],
    summary: str,
) -> bool:
    """Start a workflow whose id no earlier run may have taken, shown to operators by its search
    attributes, memo and summary; False when it exists already (a redelivery)."""
    try:
        await client.start_workflow(
            run,
            arg,
            id=workflow_id,
            task_queue=task_queue,
            id_reuse_policy=WorkflowIDReusePolicy.REJECT_DUPLICATE,
            search_attributes=search_attributes,
            memo=memo,
            static_summary=summary,
        )
    except WorkflowAlreadyStartedError:
        return False
    return True
