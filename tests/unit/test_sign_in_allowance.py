"""Failed sign-ins: slowed after a few, refused for a window after the allowance."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from caseflow.auth.attempts import (
    Allowance,
    FailureCount,
    SignInPolicy,
    SignInRefused,
    after_failure,
)
from caseflow.settings import Settings

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
WINDOW = timedelta(minutes=15)
ACCOUNT = Allowance(5, WINDOW, slow_after=2, delay=timedelta(seconds=1))


def failures(allowance: Allowance, times: int, every: timedelta) -> list[FailureCount]:
    """The counts after each of `times` failures, one every `every` from NOW."""
    counts: list[FailureCount] = []
    count = None
    for n in range(times):
        count = after_failure(count, allowance, NOW + n * every)
        counts.append(count)
    return counts


def test_the_first_failures_cost_nothing_then_each_waits_twice_as_long() -> None:
    counts = failures(ACCOUNT, 4, timedelta(seconds=10))
    assert [count.blocked_until for count in counts[:2]] == [None, None]
    waits = [
        count.blocked_until - NOW - n * timedelta(seconds=10)
        for n, count in enumerate(counts)
        if count.blocked_until
    ]
    assert waits == [timedelta(seconds=1), timedelta(seconds=2)]


def test_the_allowance_spent_refuses_sign_ins_for_a_whole_window() -> None:
    last = failures(ACCOUNT, 5, timedelta(seconds=10))[-1]
    assert last.blocked_until == NOW + 4 * timedelta(seconds=10) + WINDOW


def test_a_failure_after_the_window_starts_the_count_afresh() -> None:
    spent = failures(ACCOUNT, 5, timedelta(seconds=10))[-1]
    later = spent.window_ends + timedelta(seconds=1)
    assert after_failure(spent, ACCOUNT, later) == FailureCount(1, later + WINDOW)


def test_failures_spread_beyond_the_window_never_add_up_to_a_refusal() -> None:
    counts = failures(Allowance(3, WINDOW), 10, WINDOW)
    assert all(count.blocked_until is None for count in counts)


def test_an_address_is_refused_only_once_its_allowance_is_spent_never_slowed() -> None:
    address = Allowance(4, WINDOW)
    counts = failures(address, 4, timedelta(seconds=1))
    assert [count.blocked_until is None for count in counts] == [True, True, True, False]


def test_the_documented_defaults_are_five_per_account_and_a_hundred_per_address() -> None:
    policy = SignInPolicy.from_settings(Settings())
    assert policy == SignInPolicy()
    assert (policy.account.failures, policy.address.failures, policy.account.window) == (
        5,
        100,
        WINDOW,
    )


def test_a_refusal_says_in_whole_seconds_when_to_try_again() -> None:
    assert str(SignInRefused(timedelta(milliseconds=300))).endswith("try again in 1 second")
    assert SignInRefused(timedelta(seconds=899.2)).seconds == 900
