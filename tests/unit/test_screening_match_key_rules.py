"""Match keys for re-screening: which listed words a hit cannot do without, and the pair bound."""

from __future__ import annotations

import pytest

from services.screening.current_lists import CurrentLists
from services.screening.match_keys import KeyRules, listed_keys, party_keys
from services.screening.matching import RestrictedPartyEntry, RestrictedPartyIndex
from services.screening.pair_bound import PairBound
from services.screening.policy import ScreeningPolicy
from tests.unit.test_screening_rescreening import ENTRIES, VARIANTS

MATCH = ScreeningPolicy.load().match_policy()
RULES = KeyRules.of(MATCH)
SYLLABLES = ["Kor", "Vel", "Tan", "Mir", "Sol", "Dra"]
BRANDS = [f"{first}{second}ex" for first in SYLLABLES for second in SYLLABLES]
# "Bianchi" in many names: common in the list, it weighs little, yet enough on its own to pass
# the matcher's evidence floor; beside a brand it is too small a share of a name to make a hit.
COMMON = [
    RestrictedPartyEntry("Test List", f"c-{n}", f"{brand} Bianchi Services", countries=("IT",))
    for n, brand in enumerate(BRANDS)
]
ENTRY = RestrictedPartyEntry(
    "Test List", "z-1", "Zankelrin Morvaxel Bianchi Services SA", countries=("IT",)
)
BUREAU = RestrictedPartyEntry("Test List", "b-1", "Xinjiang Public Security Bureau")


@pytest.fixture(scope="module")
def lists() -> CurrentLists:
    index = RestrictedPartyIndex.build([*ENTRIES, *COMMON, ENTRY, BUREAU], MATCH)
    return CurrentLists(index, {"test": 1}, MATCH)


def test_the_rules_follow_from_the_matchers_threshold_and_evidence_floor() -> None:
    assert RULES.min_evidence == MATCH.min_partial_evidence
    # With every party word matched, a recall at the bound scores just under the threshold.
    recall, beta2 = RULES.max_recall, MATCH.missing_listed_word_weight
    best = (1 + beta2) * recall / (beta2 + recall) + MATCH.same_country_bonus
    assert MATCH.hit_threshold - 0.01 < best < MATCH.hit_threshold


def test_a_word_common_in_the_list_is_not_looked_up_beside_a_rarer_one(
    lists: CurrentLists,
) -> None:
    keys = listed_keys(ENTRY, lists, RULES)
    assert not party_keys("Bianchi Services") & keys, "too small a share of the name"
    assert party_keys("Zankelrin Services") & keys
    assert party_keys("Bianchi Services") & listed_keys(ENTRY, lists), "without the rules"
    assert party_keys("Bianchi Services") & listed_keys(ENTRY, lists, KeyRules(0.4)), "evidence"
    assert "z-1" not in {hit.entry_id for hit in lists.screen("Bianchi Services", "IT")}
    assert "z-1" in {hit.entry_id for hit in lists.screen("Zankelrin Morvaxel Bianchi", "IT")}


def test_a_name_of_places_and_trade_words_is_looked_up_by_its_rarest_word(
    lists: CurrentLists,
) -> None:
    keys = listed_keys(BUREAU, lists, RULES)
    assert party_keys("Xinjiang Public Security Bureau") & keys
    assert not party_keys("Shanghai Public Security Bureau") & keys, "matched whole or not at all"
    assert "b-1" not in {h.entry_id for h in lists.screen("Shanghai Public Security Bureau")}


@pytest.mark.parametrize(("entry_id", "variant"), VARIANTS)
def test_every_party_the_matcher_hits_shares_a_key_and_passes_the_bound(
    lists: CurrentLists, entry_id: str, variant: str
) -> None:
    entry = next(entry for entry in ENTRIES if entry.entry_id == entry_id)
    assert entry_id in {hit.entry_id for hit in lists.screen(variant)}, "the matcher hits it"
    assert party_keys(variant) & listed_keys(entry, lists, RULES)
    assert PairBound(lists, MATCH, [entry]).could_hit(variant, entry_id)


def test_the_bound_rules_out_a_party_whose_own_words_the_entry_lacks(lists: CurrentLists) -> None:
    bound = PairBound(lists, MATCH, [ENTRY])
    assert not bound.could_hit("Korvelex Bianchi Services", "z-1"), "another brand"
    assert bound.could_hit("Zankelrin Morvaxel Bianchi Services", "z-1")
    assert bound.could_hit("Zankelrln Morvaxell Bianchi", "z-1"), "typos are no other words"
    assert bound.could_hit("Korvelex Bianchi Services", "unknown"), "an entry it was not given"
    assert "z-1" not in {h.entry_id for h in lists.screen("Korvelex Bianchi Services", "IT")}
