"""A screening process started on the lists every subject was last screened in step with knows
that nothing moved since: its first update screens again only what that update may change."""

from __future__ import annotations

import random

import pytest

from services.screening.current_lists import CurrentLists
from services.screening.domain import Knowledge
from services.screening.handlers import screen_case
from services.screening.list_updates import load_list_version
from services.screening.matching import RestrictedPartyEntry, RestrictedPartyIndex
from services.screening.rescreening import rescreen_affected
from tests.unit.test_screening_fakes import FakeScreeningStore, screening_request, with_end_user
from tests.unit.test_screening_list_updates import REGISTER, published_update
from tests.unit.test_screening_rescreen_drift import (
    BRANDS,
    COUNTRIES,
    POLICY,
    TRADES,
    held_and_full,
    named,
    next_version,
    take_version,
)

Entries = dict[str, RestrictedPartyEntry]


def indexed(entries: Entries, version: int) -> CurrentLists:
    """A process's lists, read at `version` and indexed whole (as a process starting)."""
    index = RestrictedPartyIndex.build(list(entries.values()), POLICY.match_policy())
    return CurrentLists(index, {"test": version}, POLICY.match_policy())


async def updated(
    rng: random.Random, store: FakeScreeningStore, lists: CurrentLists, entries: Entries, to: int
) -> tuple[Entries, int]:
    """Load and take version `to`, re-screening on `lists`: the entries, subjects screened."""
    following = next_version(rng, entries, to)
    await take_version(store, lists, entries, following, to)
    knowledge = Knowledge(lists, REGISTER)
    rescreened = await rescreen_affected(published_update(store), store, POLICY, knowledge)
    return following, rescreened.screened


async def opened(seed: int) -> tuple[random.Random, FakeScreeningStore, Entries]:
    """A list at version 1 and 40 cases screened against it, then one update re-screened."""
    rng = random.Random(seed)
    entries = {f"e-{n}": named(rng, f"e-{n}") for n in range(300)}
    store = FakeScreeningStore()
    await load_list_version("test", list(entries.values()), "v1", store)
    lists = indexed(entries, 1)
    for _ in range(40):
        words = [rng.choice(BRANDS), *rng.sample(TRADES, rng.randint(1, 2))]
        request = screening_request(with_end_user(" ".join(words), rng.choice(COUNTRIES)))
        await screen_case(request, store, POLICY, Knowledge(lists, REGISTER))
    entries, _ = await updated(rng, store, lists, entries, 2)
    return rng, store, entries


@pytest.mark.parametrize("seed", [7, 31])
async def test_a_process_started_in_step_screens_only_what_its_first_update_moved(
    seed: int,
) -> None:
    rng, store, entries = await opened(seed)
    assert store.state.rescreened_through == "test@2"

    restarted = indexed(entries, 2)
    restarted.take_in_step(store.state.rescreened_through)
    entries, screened = await updated(rng, store, restarted, entries, 3)

    held, full = held_and_full(store, list(entries.values()))
    assert held == full
    assert screened < len(held), "not every subject screened again"


async def test_a_process_started_on_other_lists_screens_every_subject_again() -> None:
    rng, store, entries = await opened(7)
    following = next_version(rng, entries, 3)
    await load_list_version("test", list(following.values()), "v3", store)

    restarted = indexed(following, 3)  # started after version 3 was loaded, before its update
    restarted.take_in_step(store.state.rescreened_through)
    entries, screened = await updated(rng, store, restarted, following, 4)

    held, full = held_and_full(store, list(entries.values()))
    assert held == full
    assert screened == len(held), "every subject screened again"


def refreshed(rng: random.Random, lists: CurrentLists, entries: Entries, version: int) -> Entries:
    """The next version of the list, its changes taken in place as a refresh does; its entries."""
    following = next_version(rng, entries, version)
    changed = [entry for i, entry in following.items() if entries.get(i) != entry]
    lists.take_changes(changed, [i for i in entries if i not in following], {"test": version})
    return following


def test_a_process_whose_refreshes_are_not_followed_keeps_no_pile_of_indexes() -> None:
    rng = random.Random(3)
    entries = {f"e-{n}": named(rng, f"e-{n}") for n in range(100)}
    lists = indexed(entries, 1)
    lists.followed(lists.moves()[0])
    kept = []
    for version in range(2, 6):
        entries = refreshed(rng, lists, entries, version)
        through, moves = lists.moves()
        kept.append(None if moves.before is None else len(moves.before))
        if version == 4:  # a re-screen follows, as the process taking the update does
            lists.followed(through)

    # Refreshed again before a re-screen (another process re-screens): the earlier indexes go,
    # and the parties what moved may change are screened against every name they retrieve.
    assert kept == [1, None, None, 1]


def test_a_process_whose_refreshes_are_not_followed_forgets_what_they_moved_past_a_bound() -> None:
    rng = random.Random(5)
    entries = {f"e-{n}": named(rng, f"e-{n}") for n in range(100)}
    index = RestrictedPartyIndex.build(list(entries.values()), POLICY.match_policy())
    lists = CurrentLists(index, {"test": 1}, POLICY.match_policy(), unfollowed_entries=40)
    lists.followed(lists.moves()[0])
    seen = []
    for version in range(2, 12):
        entries = refreshed(rng, lists, entries, version)
        _, moves = lists.moves()
        seen.append((moves.everything, len(moves.entries)))

    # The first refreshes are followed entry by entry; past 40 entries moved they are forgotten
    # (every subject to be screened again), and what piles up after is bounded the same way.
    first_everything, first_moved = seen[0]
    assert not first_everything
    assert first_moved > 0
    assert any(everything for everything, _ in seen)
    assert max(moved for _, moved in seen) <= 40
    through, _ = lists.moves()
    lists.followed(through)
    assert lists.moves()[1].nothing
