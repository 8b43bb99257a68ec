"""Names surely under the reportable score are not aligned: the ceiling never cuts a hit."""

from __future__ import annotations

import pytest

from services.screening.matching import (
    MatchPolicy,
    RestrictedPartyEntry,
    RestrictedPartyIndex,
    load_seed_list,
    normalise_name,
)
from services.screening.matching.ceiling import ScoreCeiling, may_reach
from services.screening.matching.folds import spelling_key
from services.screening.matching.name_comparison import compare_names
from services.screening.matching.scoring import WeightedToken

EXTRA = [
    RestrictedPartyEntry("Test List", "t-1", "Shenzhen Huaxin Electronics Co., Ltd."),
    RestrictedPartyEntry("Test List", "t-2", "Shenzhen Jinlong Trading Co., Ltd."),
    RestrictedPartyEntry("Test List", "t-3", "Abu Bakr al-Farrani Holding"),
    RestrictedPartyEntry("Test List", "t-4", "Hua Xin Shipping Group"),
]
POLICY = MatchPolicy()
FLOOR = POLICY.hit_threshold - POLICY.same_country_bonus


@pytest.fixture(scope="module")
def index() -> RestrictedPartyIndex:
    return RestrictedPartyIndex.build([*load_seed_list(), *EXTRA], POLICY)


def tokens(index: RestrictedPartyIndex, name: str) -> list[WeightedToken]:
    """A name's words weighed as the index weighs a party's."""
    words = index.vocabulary
    return [
        WeightedToken(t.text, t.kind, words.weight_of(t), t.abjad, spelling_key(t.text))
        for t in normalise_name(name).tokens
    ]


def variants(name: str) -> list[str]:
    """The name written as evaders and clerks write it: words dropped, joined, split, swapped,
    mistyped, a letter moved across a space."""
    words = name.split()
    found = [name, " ".join(reversed(words))]
    for i in range(len(words)):
        found.append(" ".join(words[:i] + words[i + 1 :]))
        found.append(" ".join([*words[:i], words[i][:-1] + "x", *words[i + 1 :]]))
        found.append(" ".join([*words[:i], words[i][::-1], *words[i + 1 :]]))
        if len(words[i]) > 5:
            found.append(" ".join([*words[:i], words[i][:3], words[i][3:], *words[i + 1 :]]))
    for i in range(len(words) - 1):
        found.append(" ".join([*words[:i], words[i] + words[i + 1], *words[i + 2 :]]))
        moved = [words[i] + words[i + 1][:1], words[i + 1][1:]]
        found.append(" ".join(words[:i] + moved + words[i + 2 :]))
    return [each for each in found if each.strip()]


def test_a_name_the_ceiling_rules_out_never_scores_at_the_reportable_floor(
    index: RestrictedPartyIndex,
) -> None:
    listed = [tokens(index, name) for entry in index.entries for name in entry.names]
    ruled_out = 0
    for entry in index.entries:
        for party_name in variants(entry.name):
            party = tokens(index, party_name)
            for other in listed:
                if party and other and not may_reach(party, other, POLICY, FLOOR):
                    ruled_out += 1
                    score = compare_names(party, other, POLICY).score
                    assert score < FLOOR, (party_name, [t.text for t in other], score)
    assert ruled_out > 1000  # the ceiling does rule names out, so the check above is real


def test_a_name_sharing_only_a_place_and_trade_words_is_ruled_out(
    index: RestrictedPartyIndex,
) -> None:
    party = tokens(index, "Shenzhen Jinlong Trading Co., Ltd.")
    assert not may_reach(party, tokens(index, "Shenzhen Huaxin Electronics"), POLICY, FLOOR)
    assert may_reach(party, tokens(index, "Shenzhen Jinlong Trading"), POLICY, FLOOR)


def test_words_joined_or_split_on_either_side_may_reach_the_floor(
    index: RestrictedPartyIndex,
) -> None:
    assert may_reach(
        tokens(index, "Huaxin Shipping"), tokens(index, "Hua Xin Shipping Group"), POLICY, FLOOR
    )
    assert may_reach(
        tokens(index, "Abu Bakr alF-arrani"), tokens(index, "Abu Bakr al-Farrani"), POLICY, FLOOR
    )


def test_a_partys_ceiling_rules_out_the_same_names_whichever_it_looked_at_before(
    index: RestrictedPartyIndex,
) -> None:
    listed = [tokens(index, name) for entry in index.entries for name in entry.names]
    for entry in index.entries[:40]:
        for party_name in variants(entry.name):
            party = tokens(index, party_name)
            if not party:
                continue
            kept = ScoreCeiling(party, POLICY, FLOOR)  # one per party, as a screening uses it
            for other in listed:
                if other:
                    assert kept.may_reach(other) == may_reach(party, other, POLICY, FLOOR)
