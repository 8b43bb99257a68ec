"""The case's one list of due steps: what acts when, and when the case wakes."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from workflows.clock import SHORTEST_WAIT
from workflows.due_steps import DueStep, act_on_due, set_off, time_to_next

NOW = datetime(2026, 12, 6, 12, 0, tzinfo=UTC)


def test_every_step_due_acts_in_the_lists_order_and_sees_what_the_ones_before_did() -> None:
    done: list[str] = []
    wanted = {"screening": True}

    def request() -> None:
        wanted["screening"] = False
        done.append("requested")

    steps = [
        DueStep("deadline", lambda: NOW - timedelta(days=1), lambda: done.append("raised")),
        DueStep("wanted", lambda: NOW if wanted["screening"] else None, request, timed=False),
        DueStep("again", lambda: NOW if wanted["screening"] else None, lambda: done.append("x")),
        DueStep("later", lambda: NOW + timedelta(days=1), lambda: done.append("too soon")),
    ]

    assert act_on_due(steps, NOW) == ["deadline", "wanted"]
    assert done == ["raised", "requested"]


def test_the_case_wakes_at_the_earliest_timed_step_never_sooner_than_the_shortest_wait() -> None:
    steps = [
        DueStep("reminder", lambda: NOW + timedelta(days=3), lambda: None),
        DueStep("deadline", lambda: NOW + timedelta(days=1), lambda: None),
        DueStep("none", lambda: None, lambda: None),
        DueStep("message", lambda: NOW, lambda: None, timed=False),
    ]
    assert time_to_next(steps, NOW) == timedelta(days=1)
    passed = [DueStep("deadline", lambda: NOW - timedelta(hours=1), lambda: None)]
    assert time_to_next(passed, NOW) == SHORTEST_WAIT
    assert time_to_next(steps[2:], NOW) is None


def test_only_a_message_sets_off_an_untimed_step() -> None:
    timed = DueStep("deadline", lambda: NOW, lambda: None)
    assert not set_off([timed])
    assert set_off([timed, DueStep("screened", lambda: NOW, lambda: None, timed=False)])
    assert not set_off([DueStep("screened", lambda: None, lambda: None, timed=False)])
