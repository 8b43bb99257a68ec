"""A re-screen's pair scores: a party prepared once, scored against entry after entry."""

from __future__ import annotations

import pytest

from services.screening.current_lists import CurrentLists
from services.screening.matching import RestrictedPartyIndex
from services.screening.rescreen_scope import RememberedScores
from tests.unit.test_screening_rescreening import ENTRIES, POLICY, VARIANTS

MATCH = POLICY.match_policy()
# Every evasion class, the listed names themselves, and names sharing only a word or a place.
PARTIES = [
    *(variant for _, variant in VARIANTS),
    *(entry.name for entry in ENTRIES),
    "Granitex Shipping Agency",
    "Xinjiang Cotton Trading Co",
    "Timur Holdings",
    "Kyoto University",
]
COUNTRIES = [None, "IR", "CY", "CN"]


@pytest.fixture(scope="module")
def index() -> RestrictedPartyIndex:
    return RestrictedPartyIndex.build(ENTRIES, MATCH)


def every_pair() -> list[tuple[str, str | None, int]]:
    return [
        (party, country, position)
        for party in PARTIES
        for country in COUNTRIES
        for position in range(len(ENTRIES))
    ]


def test_a_pair_that_scores_a_hit_scores_as_its_hit_and_any_other_under_the_threshold(
    index: RestrictedPartyIndex,
) -> None:
    threshold = MATCH.hit_threshold
    hits = 0
    for party, country, position in every_pair():
        prepared = index.prepared(party)
        assert prepared is not None
        full = index.score_entry(party, country, position)
        score = index.pair_score(prepared, country, position)
        if full is not None and full.score >= threshold:
            hits += 1
            assert score == full.score, (party, country, position)
        else:
            assert score < threshold, (party, country, position)
    assert hits >= len(VARIANTS), "every variant hits its entry"


def test_names_that_cannot_reach_the_threshold_are_not_aligned(
    index: RestrictedPartyIndex,
) -> None:
    # Only a place in common with the public body's name: far under the threshold.
    prepared = index.prepared("Xinjiang Cotton Trading Co")
    assert prepared is not None
    position = next(p for p, entry in enumerate(ENTRIES) if entry.entry_id == "b-1")
    full = index.score_entry("Xinjiang Cotton Trading Co", None, position)
    assert full is not None
    assert 0 < full.score < MATCH.hit_threshold
    assert index.pair_score(prepared, None, position) == 0.0


def test_scores_kept_for_an_update_are_the_current_lists_scores(
    index: RestrictedPartyIndex,
) -> None:
    lists = CurrentLists(index, {"test": 1}, MATCH)
    kept = RememberedScores(lists)
    for party, country, position in every_pair():
        assert kept.pair_score(party, country, position) == lists.pair_score(
            party, country, position
        )
