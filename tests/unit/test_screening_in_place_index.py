"""An index updated in place: word counts on a grid, the words moved, equal ranks cut alike."""

from __future__ import annotations

import numpy as np

from services.screening.matching import MatchPolicy, RestrictedPartyEntry, RestrictedPartyIndex
from services.screening.matching.vocabulary import counted_names

POLICY = MatchPolicy()


def test_a_word_is_counted_exactly_in_few_names_and_on_a_grid_of_steps_in_many() -> None:
    counts = counted_names(np.arange(0, 5000, dtype=np.int64), POLICY)
    assert counts[:17].tolist() == list(range(17))
    assert (np.diff(counts) >= 0).all()
    steps = np.unique(counts[counts > POLICY.exact_word_names])
    ratios = steps[1:] / steps[:-1]
    assert np.allclose(ratios, 2 ** (1 / POLICY.word_count_steps))
    assert (counts <= np.arange(0, 5000)).all()  # the step at or under the count


def named(entry_id: str, name: str) -> RestrictedPartyEntry:
    return RestrictedPartyEntry("Test List", entry_id, name, countries=("CY",))


def test_an_update_moves_the_weight_of_its_rare_words_and_of_a_common_one_crossing_a_step() -> None:
    # "Maritime" (the trade word "shipping") is in 40 names: counted 38.05 until it is in 42.
    letters = "abcdefghijklmnopqrstuvwxyz"
    fleet = [named(f"m-{n}", f"Vel{letters[n // 26]}{letters[n % 26]} Maritime") for n in range(40)]
    index = RestrictedPartyIndex.build(fleet, POLICY)

    one_more = index.updated([named("m-40", "Zephyrion Maritime")], [])
    assert sorted(one_more.vocabulary.moved_since(index.vocabulary)) == ["zephyrion"]

    two_more = one_more.updated([named("m-41", "Quillfeather Maritime")], [])
    assert sorted(two_more.vocabulary.moved_since(one_more.vocabulary)) == [
        "quillfeather",
        "shipping",
    ]

    gone = two_more.updated([], ["m-3"])  # back to 41 names: under the step again
    assert sorted(gone.vocabulary.moved_since(two_more.vocabulary)) == ["shipping", "velad"]


def test_names_of_equal_rank_are_cut_alike_whatever_order_the_entries_stand_in() -> None:
    # A party whose own word no listed word spells within one edit finds its candidates by its
    # trade word alone: 120 names rank alike, and the cut keeps 40 of them.
    brands = [f"Vel{a}{b}ron" for a in "bcdfghjklmnpqrstvwxz" for b in "aeiou"][:119]
    entries = [named(f"t-{n}", f"{brand} Technologies") for n, brand in enumerate(brands)]
    entries.append(named("t-target", "Titansignalnano Technologies"))
    party = "Titansignalgazo Technologies"

    def hits(order: list[RestrictedPartyEntry]) -> set[str]:
        return {hit.entry_id for hit in RestrictedPartyIndex.build(order, POLICY).screen(party)}

    found = hits(entries)
    assert hits(entries[::-1]) == found
    assert hits(entries[60:] + entries[:60]) == found
    updated = RestrictedPartyIndex.build(entries[1:], POLICY).updated([entries[0]], [])
    assert {hit.entry_id for hit in updated.screen(party)} == found
