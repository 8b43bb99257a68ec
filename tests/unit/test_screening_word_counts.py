"""Word counts on a grid: an update moves a common word's weight only when it crosses a step."""

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
