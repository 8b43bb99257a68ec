"""Screening party names against a restricted-party list: what must hit and what must not."""

from __future__ import annotations

import pytest

from services.screening.matching import (
    Hit,
    MatchPolicy,
    RestrictedPartyEntry,
    RestrictedPartyIndex,
    load_seed_list,
)

EXTRA = [
    RestrictedPartyEntry(
        "Test List", "t-1", "Shenzhen Huaxin Electronics Co., Ltd.", countries=("CN",)
    ),
    RestrictedPartyEntry("Test List", "t-2", "Tekhnopribor OOO", countries=("RU",)),
    RestrictedPartyEntry("Test List", "t-3", "Pars Kimia Sanat Co.", countries=("IR",)),
    RestrictedPartyEntry(
        "Test List", "t-4", "Shenzhen Jinlong Trading Co., Ltd.", countries=("CN",)
    ),
]


@pytest.fixture(scope="module")
def index() -> RestrictedPartyIndex:
    return RestrictedPartyIndex.build([*load_seed_list(), *EXTRA])


def best(index: RestrictedPartyIndex, name: str, country: str | None = None) -> Hit:
    hits = index.screen(name, country)
    assert hits, f"no hit for {name!r}"
    return hits[0]


def test_nso_written_with_dots_and_a_full_legal_form_is_a_strong_hit(
    index: RestrictedPartyIndex,
) -> None:
    hit = best(index, "N.S.O. Group Technologies Limited", "IL")
    assert (hit.entry_name, hit.matched_name) == ("NSO Group", "NSO Group Technologies Ltd")
    assert hit.score >= 0.95
    assert hit.list_source == "Entity List (EL) - Bureau of Industry and Security"
    assert "alias 'NSO Group Technologies Ltd'" in hit.explanation
    assert "legal forms 'limited', 'ltd'" in hit.explanation
    assert "same country IL" in hit.explanation


def test_a_different_legal_form_still_matches(index: RestrictedPartyIndex) -> None:
    assert best(index, "NSO Group Technologies Limited").score >= 0.95
    assert best(index, "Intellexa Ltd.").entry_name in {"Intellexa S.A.", "Intellexa Limited"}


def test_word_order_does_not_matter(index: RestrictedPartyIndex) -> None:
    hit = best(index, "Technologies Positive", "RU")
    assert hit.entry_name == "Positive Technologies"
    assert "word order differs" in hit.explanation


def test_typos_are_tolerated_and_named(index: RestrictedPartyIndex) -> None:
    hit = best(index, "Intelexa SA", "GR")
    assert hit.entry_name == "Intellexa S.A."
    assert "'intelexa'~'intellexa'" in hit.explanation
    assert best(index, "Cytorx AD", "MK").entry_name == "Cytrox AD"


def test_an_alias_matches_its_entry(index: RestrictedPartyIndex) -> None:
    hit = best(index, "Saito Tech Ltd", "IL")
    assert (hit.entry_name, hit.matched_name) == ("Candiru", "Saito Tech Ltd.")
    assert best(index, "COSEINC", "SG").entry_name.startswith("Computer Security Initiative")


def test_invisible_characters_do_not_defeat_screening(index: RestrictedPartyIndex) -> None:
    hit = best(index, "N\u200bSO Gro\u00adup Techno\u200dlogies")
    assert hit.entry_name == "NSO Group"
    assert "3 invisible characters removed" in hit.explanation


def test_lookalike_letters_do_not_defeat_screening(index: RestrictedPartyIndex) -> None:
    assert best(index, "NSO Gr\u043eup Techn\u043el\u043egies").entry_name == "NSO Group"
    hit = best(index, "\u039dS\u039f Group")
    assert hit.entry_name == "NSO Group"
    assert "2 look-alike letters folded to Latin" in hit.explanation


def test_a_dropped_word_does_not_defeat_screening(index: RestrictedPartyIndex) -> None:
    assert best(index, "Huaxin Electronics", "CN").entry_id == "t-1"
    hit = best(index, "Security Initiative Consultancy Pte Ltd", "SG")
    assert hit.entry_name == "Computer Security Initiative Consultancy PTE. LTD."
    assert "listed word(s) not in party name: computer" in hit.explanation


def test_a_cyrillic_name_matches_its_latin_listing(index: RestrictedPartyIndex) -> None:
    hit = best(index, "ООО «Техноприбор»", "RU")
    assert hit.entry_id == "t-2"
    assert "transliterated from Cyrillic" in hit.explanation


def test_a_greek_name_matches_its_latin_listing(index: RestrictedPartyIndex) -> None:
    assert best(index, "Ιντελεξα Α.Ε.", "GR").entry_name == "Intellexa S.A."


def test_an_arabic_script_name_matches_its_latin_listing(index: RestrictedPartyIndex) -> None:
    hit = best(index, "شرکت پارس کیمیا صنعت", "IR")
    assert hit.entry_id == "t-3"
    assert "consonants of 'prs' match 'pars'" in hit.explanation


def test_a_chinese_name_matches_its_latin_listing(index: RestrictedPartyIndex) -> None:
    hit = best(index, "深圳华信电子有限公司", "CN")
    assert hit.entry_id == "t-1"
    assert hit.score >= 0.95


def test_shared_place_and_trade_words_alone_do_not_match(index: RestrictedPartyIndex) -> None:
    assert index.screen("Shenzhen Electronics Co Ltd", "CN") == []
    assert index.screen("Shenzhen Trading Electronics Co., Ltd.", "CN") == []


def test_generic_words_alone_do_not_match(index: RestrictedPartyIndex) -> None:
    assert index.screen("Group Technologies Limited", "IL") == []
    assert index.screen("Holdings International", None) == []


def test_a_different_brand_with_the_same_trade_words_does_not_match(
    index: RestrictedPartyIndex,
) -> None:
    assert index.screen("Negative Technologies", "RU") == []
    assert index.screen("Shenzhen Dongfang Electronics Co., Ltd.", "CN") == []


def test_same_country_raises_and_another_country_lowers_the_score(
    index: RestrictedPartyIndex,
) -> None:
    same = best(index, "Intelexa SA", "GR").score
    unknown = best(index, "Intelexa SA").score
    other = best(index, "Intelexa SA", "RU").score
    assert same > unknown > other


def test_the_hit_threshold_comes_from_the_policy() -> None:
    strict = RestrictedPartyIndex.build(load_seed_list(), MatchPolicy(hit_threshold=0.99))
    assert strict.screen("Intelexa SA", "GR") == []
    assert strict.screen("Intellexa S.A.", "GR")[0].score == 1.0


def test_a_policy_file_section_overrides_defaults_and_rejects_unknown_keys() -> None:
    policy = MatchPolicy.from_mapping({"hit_threshold": 0.8, "candidates": 64})
    assert (policy.hit_threshold, policy.candidates, policy.max_hits) == (0.8, 64, 10)
    with pytest.raises(ValueError, match="unknown"):
        MatchPolicy.from_mapping({"treshold": 0.8})


def test_one_entry_can_be_scored_even_below_the_threshold(index: RestrictedPartyIndex) -> None:
    position = next(i for i, e in enumerate(index.entries) if e.name == "Cytrox AD")
    hit = index.score_entry("Cytrox Holdings Zrt", "HU", position)
    assert hit is not None
    assert hit.entry_name == "Cytrox AD"
    assert hit.score < 1.0
