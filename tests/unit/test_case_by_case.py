"""A batch is handled case by case: one case's messages in order, different cases side by side."""

from __future__ import annotations

import asyncio

import pytest

from caseflow.messaging import Delivery, case_by_case


def delivery(case: str, body: str) -> Delivery:
    return Delivery(body.encode(), case.encode(), f"topic/0/{body}")


async def test_one_case_keeps_its_order_while_another_case_runs_beside_it() -> None:
    handled: list[str] = []
    second_case_started = asyncio.Event()

    async def handle(message: Delivery) -> None:
        if message.body == b"a1":
            # Only returns if the other case runs meanwhile, not after this one.
            await asyncio.wait_for(second_case_started.wait(), timeout=30)
        if message.key == b"case-b":
            second_case_started.set()
        handled.append(message.body.decode())

    batch = [delivery("case-a", "a1"), delivery("case-b", "b1"), delivery("case-a", "a2")]
    await case_by_case(batch, handle)

    assert handled == ["b1", "a1", "a2"]


async def test_a_failing_case_fails_the_batch_after_the_other_cases_are_done() -> None:
    handled: list[str] = []

    async def handle(message: Delivery) -> None:
        if message.body == b"a1":
            raise ConnectionError("Temporal unavailable")
        await asyncio.sleep(0)
        handled.append(message.body.decode())

    batch = [delivery("case-a", "a1"), delivery("case-a", "a2"), delivery("case-b", "b1")]
    with pytest.raises(ConnectionError):
        await case_by_case(batch, handle)

    # The failed case stops at its failure (redelivery resumes it); the other case finished.
    assert handled == ["b1"]
