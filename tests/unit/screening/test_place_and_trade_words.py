"""Places, trade words and joining words weigh little: a party sharing only them (and a legal
form) with a listed name does not hit it, while a listed name made of them still hits when written
whole; joining words side by side as no language writes them ("Da De") are a name's syllables."""

from __future__ import annotations

import pytest

from services.screening.matching import RestrictedPartyEntry, RestrictedPartyIndex, lexicon

LISTED = [
    RestrictedPartyEntry(
        "Test List", "org-1", "Torino Vellardi Engineering S.p.A.", countries=("IT",)
    ),
    RestrictedPartyEntry("Test List", "org-2", "Cambridge Quorvex Labs Limited", countries=("GB",)),
    RestrictedPartyEntry("Test List", "org-3", "Haifa Analytics Inc.", countries=("IL",)),
    RestrictedPartyEntry("Test List", "org-4", "Manchester Ltd", countries=("GB",)),
    RestrictedPartyEntry("Test List", "org-5", "Brevalon Dynamics Devices GmbH", countries=("DE",)),
    RestrictedPartyEntry("Test List", "person-1", "Kamal Manchester", countries=("GB",)),
    RestrictedPartyEntry("Test List", "person-2", "Rosario Ferlandi", countries=("AR",)),
    RestrictedPartyEntry(
        "Test List", "org-6", "Shanghai Da De Technology Co., Ltd.", countries=("CN",)
    ),
    RestrictedPartyEntry("Test List", "org-7", "Wuhan De Da Holdings Co., Ltd.", countries=("CN",)),
    RestrictedPartyEntry("Test List", "org-8", "National Police of Peru", countries=("PE",)),
    RestrictedPartyEntry(
        "Test List", "org-9", "Ministry of the Interior of Belarus", countries=("BY",)
    ),
    RestrictedPartyEntry("Test List", "person-3", "Maria de la Cruz", countries=("MX",)),
    RestrictedPartyEntry("Test List", "person-4", "Pieter van de Velde", countries=("NL",)),
    RestrictedPartyEntry("Test List", "person-5", "Da De", countries=("CN",)),
]


@pytest.fixture(scope="module")
def index() -> RestrictedPartyIndex:
    return RestrictedPartyIndex.build(LISTED)


def first(index: RestrictedPartyIndex, name: str, country: str | None = None) -> str | None:
    hits = index.screen(name, country)
    return hits[0].entry_id if hits else None


def test_cities_and_states_from_geonames_are_places() -> None:
    places = lexicon.place_words()
    for word in ("torino", "milano", "cambridge", "manchester", "haifa", "kowloon", "delaware"):
        assert word in places, word
    # Romanised Chinese and Japanese towns name brands too; a city named like a person is a name.
    for word in ("jinfeng", "hedong", "hitachi", "ahmad", "rosario", "victoria", "houston"):
        assert word not in places, word


def test_trade_words_beyond_the_first_list_are_generic() -> None:
    for word in ("analytics", "labs", "laboratories", "dynamics", "devices", "ventures"):
        assert word in lexicon.GENERIC_CANONICAL, word
    assert lexicon.GENERIC_CANONICAL["labs"] == lexicon.GENERIC_CANONICAL["laboratories"]
    # A Chinese run of syllables is not cut at the trade words added later ("data", "media").
    assert "data" not in lexicon.CJK_WORDS


@pytest.mark.parametrize(
    ("party", "country"),
    [
        ("Torino Solutions Engineering S.p.A.", "IT"),
        ("Cambridge Logistics Labs Limited", "GB"),
        ("Haifa Labs Inc.", "IL"),
        ("Dynamics Devices GmbH", "DE"),
        ("Manchester Systems Electronics PLC", "GB"),
    ],
)
def test_an_organisation_sharing_only_places_trade_words_and_a_legal_form_does_not_hit(
    index: RestrictedPartyIndex, party: str, country: str
) -> None:
    assert index.screen(party, country) == []


@pytest.mark.parametrize(
    ("party", "entry_id"),
    [
        ("Torino Vellardi S.p.A.", "org-1"),  # a place and a trade word dropped
        ("Cambridge Quorvex Laboratories Ltd", "org-2"),
        ("Brevalon Devices GmbH", "org-5"),
        ("Haifa Analytics LLC", "org-3"),  # named by a place and a trade word only: whole
        ("HAIFA ANALYTICS", "org-3"),
        ("Hayfa Analytics Inc.", "org-3"),  # a misspelt place
        ("Manchester Limited", "org-4"),  # a city-named company
    ],
)
def test_a_listed_name_still_hits_when_its_telling_part_is_there(
    index: RestrictedPartyIndex, party: str, entry_id: str
) -> None:
    assert first(index, party) == entry_id


def test_a_person_named_after_a_city_hits_on_the_whole_name_only(
    index: RestrictedPartyIndex,
) -> None:
    assert first(index, "MANCHESTER, Kamal", "GB") == "person-1"
    assert first(index, "Kamal Manchestr") == "person-1"
    assert index.screen("Amira Manchester", "GB") == []


def test_a_given_name_that_is_also_a_city_still_tells_a_person(
    index: RestrictedPartyIndex,
) -> None:
    assert first(index, "Rosario Ferlandi") == "person-2"
    assert first(index, "Ferlandi, Rosario") == "person-2"
    assert first(index, "Rosario Ferlandy") == "person-2"
    assert index.screen("Rosario Manchester") == []


# Joining words side by side as no language writes them ("Da De", "De Da") are syllables of a
# name, as romanised Chinese writes a brand apart; joining words that join may be left out.


@pytest.mark.parametrize(
    "party",
    [
        "Shanghai Technology Co., Ltd.",
        "Shanghai Technology Company Limited",
        "Wuhan Holdings Co., Ltd.",
    ],
)
def test_a_company_without_the_syllables_of_the_listed_brand_does_not_hit(
    index: RestrictedPartyIndex, party: str
) -> None:
    assert index.screen(party, "CN") == []


@pytest.mark.parametrize(
    ("party", "expected"),
    [
        ("Shanghai Da De Technology Co., Ltd.", "org-6"),
        ("Shanghai Dade Technology Company Limited", "org-6"),
        ("Shanghai Da De Tech Co Ltd", "org-6"),
        ("Wuhan De Da Holdings", "org-7"),
        ("Wuhan Deda Holdings Co., Ltd.", "org-7"),
    ],
)
def test_a_company_with_the_syllables_of_the_listed_brand_still_hits(
    index: RestrictedPartyIndex, party: str, expected: str
) -> None:
    assert first(index, party, "CN") == expected


@pytest.mark.parametrize(
    ("party", "expected"),
    [
        ("National Police Peru", "org-8"),
        ("Ministry of Interior Belarus", "org-9"),
        ("Ministry Interior of Belarus", "org-9"),
        ("Maria Cruz", "person-3"),
        ("Maria de Cruz", "person-3"),
        ("Pieter Velde", "person-4"),
        ("Pieter van Velde", "person-4"),
        ("Dade", "person-5"),
        ("De Da", "person-5"),
    ],
)
def test_a_public_body_or_person_written_with_or_without_joining_words_still_hits(
    index: RestrictedPartyIndex, party: str, expected: str
) -> None:
    assert first(index, party) == expected
