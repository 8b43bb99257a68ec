"""Evasion classes of outside suites, second round: each a general rule, persons and companies.

Legal forms written another way (words in another order or apart, mistyped, letters written
once, vowels dropped, split by a no-break space), names cut at a field limit just after a word or
inside a legal form or a trade word, look-alike letters in whole words, a letter moved across a
hyphen or space. Each test checks the hit and the explanation naming the fold, and what must
still not hit.
"""

from __future__ import annotations

import pytest

from services.screening.matching import Hit, RestrictedPartyEntry, RestrictedPartyIndex

PERSONS = [
    RestrictedPartyEntry("Test List", "p-1", "SULTANOV, Timur Bakhtiyarovich", countries=("UZ",)),
    RestrictedPartyEntry("Test List", "p-2", "al-Farrani, Ahmad Khalid", countries=("SY",)),
    RestrictedPartyEntry("Test List", "p-3", "Mustafa Kemal Aydemir", countries=("TR",)),
    RestrictedPartyEntry("Test List", "p-4", "Fernandez Castillo, Rodrigo", countries=("VE",)),
]
ORGANISATIONS = [
    RestrictedPartyEntry("Test List", "o-1", "Zhengzhou Yunliyuan Guoji Youxian Gongsi"),
    RestrictedPartyEntry("Test List", "o-2", "Krypton Weber Trading Sdn. Bhd."),
    RestrictedPartyEntry("Test List", "o-3", "Tabanara Barannik Bazargani Sahami Khas"),
    RestrictedPartyEntry("Test List", "o-4", "Aeropromaltay Elektroniks JSC"),
    RestrictedPartyEntry("Test List", "o-5", "Hangzhou Li An Wan Communications Co., Ltd."),
    RestrictedPartyEntry("Test List", "o-6", "OOO Vektorgelioskomplekt Engineering"),
    RestrictedPartyEntry("Test List", "o-7", "Sahinkom Erciyesel Yazilim Ltd. Şti."),
    RestrictedPartyEntry("Test List", "o-8", "PAO Topazavtodon Tekhnologii"),
    RestrictedPartyEntry("Test List", "o-9", "Pars Kimia Sanat Co."),
    RestrictedPartyEntry(
        "Test List", "o-10", "Sherkat-e Tadbirnik Damavandara Andishehsazan Sanat"
    ),
    RestrictedPartyEntry("Test List", "o-11", "Computer Security Initiative Consultancy Pte. Ltd."),
]


@pytest.fixture(scope="module")
def index() -> RestrictedPartyIndex:
    return RestrictedPartyIndex.build([*PERSONS, *ORGANISATIONS])


def first(index: RestrictedPartyIndex, name: str) -> Hit:
    hits = index.screen(name)
    assert hits, f"no hit for {name!r}"
    return hits[0]


def assert_found(index: RestrictedPartyIndex, entry_id: str, variant: str, note: str) -> None:
    hit = first(index, variant)
    assert hit.entry_id == entry_id, (variant, hit)
    assert note in hit.explanation, (variant, hit.explanation)


# --- name order: a multi-word legal form's words in another order or apart ------------------


@pytest.mark.parametrize(
    ("variant", "entry_id"),
    [
        ("Gongsi Youxian Guoji Yunliyuan Zhengzhou", "o-1"),  # every word reversed
        ("Gongsi Zhengzhou Yunliyuan Guoji Youxian", "o-1"),  # the last word first
        ("Bhd. Sdn. Trading Weber Krypton", "o-2"),
        ("Khas Tabanara Barannik Bazargani Sahami", "o-3"),
    ],
)
def test_an_organisation_with_its_words_in_another_order_still_hits(
    index: RestrictedPartyIndex, variant: str, entry_id: str
) -> None:
    hit = first(index, variant)
    assert hit.entry_id == entry_id, (variant, hit)
    assert hit.score == 1.0
    assert "legal form" in hit.explanation


@pytest.mark.parametrize(
    ("variant", "entry_id"),
    [
        ("Timur Bakhtiyarovich SULTANOV", "p-1"),
        ("Aydemir Mustafa Kemal", "p-3"),
        ("Aydemir, Mustafa Kemal", "p-3"),
        ("Kemal Aydemir Mustafa", "p-3"),
    ],
)
def test_a_person_of_three_names_in_another_order_still_hits(
    index: RestrictedPartyIndex, variant: str, entry_id: str
) -> None:
    assert_found(index, entry_id, variant, "")


def test_a_legal_forms_word_alone_is_still_a_name_word(index: RestrictedPartyIndex) -> None:
    # "Sahami" without "Khas" anywhere is no legal form: it stays a word of the name.
    assert index.screen("Sahami Tabanara") == []


# --- invisible characters: a no-break space inside a word -------------------------------------


@pytest.mark.parametrize(
    ("variant", "entry_id"),
    [
        ("Zhengzhou Yunliyuan Guoji Youxia\u00a0n Gongsi", "o-1"),
        ("Hangzhou Li An Wan Communications Co., L\u00a0td.", "o-5"),
        ("Aeropromaltay\u2060 Elektro\u200bniks JSC", "o-4"),
    ],
)
def test_an_organisation_with_a_legal_form_split_by_an_invisible_space_still_hits(
    index: RestrictedPartyIndex, variant: str, entry_id: str
) -> None:
    hit = first(index, variant)
    assert hit.entry_id == entry_id, (variant, hit)
    assert hit.score == 1.0


@pytest.mark.parametrize(
    "variant", ["Mustafa Ke\u00a0mal Aydemir", "Mustafa\u200d Kemal Ayde\u2060mir"]
)
def test_a_person_with_an_invisible_character_inside_a_name_still_hits(
    index: RestrictedPartyIndex, variant: str
) -> None:
    assert first(index, variant).entry_id == "p-3"


# --- truncation at a field limit ----------------------------------------------------------


@pytest.mark.parametrize(
    ("variant", "entry_id", "note"),
    [
        # Cut just after a word (the space dropped: 19 and 34 characters).
        ("Sherkat-e Tadbirnik", "o-10", "cut off: damavandara andishehsazan"),
        ("Tabanara Barannik Bazargani Sahami", "o-3", "legal form cut to 'sahami'"),
        # A trade word cut, written another way in the list ("Elektroniks", "Bazargani").
        ("Aeropromaltay Elektr", "o-4", "truncated at a field limit: 'elektr' begins"),
        ("Tabanara Barannik Ba", "o-3", "truncated at a field limit: 'ba' begins"),
        # A multi-word legal form cut.
        ("Zhengzhou Yunliyuan Guoji Youxian G", "o-1", "legal form cut to 'youxian g'"),
    ],
)
def test_an_organisation_cut_at_a_field_limit_still_hits(
    index: RestrictedPartyIndex, variant: str, entry_id: str, note: str
) -> None:
    assert len(variant) in (19, 20, 34, 35)
    hit = first(index, variant)
    assert hit.entry_id == entry_id, (variant, hit)
    assert note in hit.explanation
    assert "no telling word" not in hit.explanation


def test_a_person_cut_at_a_field_limit_still_hits(index: RestrictedPartyIndex) -> None:
    after_a_word = "Fernandez Castillo, Rodrigo"[:20].rstrip()  # 19 characters
    hit = first(index, after_a_word)
    assert hit.entry_id == "p-4"
    assert "cut off: rodrigo" in hit.explanation
    inside_a_word = "Mustafa Kemal Aydemir"[:20]
    assert_found(index, "p-3", inside_a_word, "truncated at a field limit: 'aydemi' begins")
    # Not at a field limit: the given name left out is missing, not cut.
    assert "cut off" not in first(index, "Fernandez Castillo").explanation


def test_trade_words_and_a_two_letter_cut_are_no_telling_words(
    index: RestrictedPartyIndex,
) -> None:
    # "In" could begin "Initiative" or the legal form "Inc": what is left is trade words only.
    assert index.screen("Computer Security In") == []
    assert index.screen("Computer Security") == []


# --- a legal form mistyped, letters written once, vowels dropped ---------------------------


@pytest.mark.parametrize(
    ("variant", "entry_id", "note"),
    [
        ("Aeropromaltay Elektroniks JSX", "o-4", "legal form mistyped: 'jsx' read as the listed"),
        ("Hangzhou Li An Wan Communications Co., Lyd.", "o-5", "'lyd' read as the listed 'ltd'"),
        ("OIO Vektorgelioskomplekt Engineering", "o-6", "legal form mistyped: 'oio'"),
        ("OO Vektorgelioskomplekt Enginering", "o-6", "legal form letter written once: 'oo'"),
        ("Shnkm Ercysl Yzlm Ltd. Şt.", "o-7", "legal form vowels dropped: 'st'"),
        ("Tbnra Brnnk Bazargani Shmi Khs", "o-3", "legal form vowels dropped: 'khs'"),
        ("Tabanara Barannik Bazargani Sahami has", "o-3", "legal form respelt: 'has'"),
        ("Tabanara Barannik Bazargani Saharni Khas", "o-3", "legal form OCR-folded: 'saharni'"),
    ],
)
def test_an_organisations_legal_form_written_another_way_is_read_as_the_listed_one(
    index: RestrictedPartyIndex, variant: str, entry_id: str, note: str
) -> None:
    assert_found(index, entry_id, variant, note)


def test_a_word_near_a_legal_form_is_read_so_only_against_that_listed_form(
    index: RestrictedPartyIndex,
) -> None:
    # "Pak" is one letter from "pat", "Ltx" from "ltd": against a person, or a company of
    # another legal form, they stay words of the name.
    entries = [*PERSONS, *ORGANISATIONS]
    for name, entry_id in (("Mustafa Kemal Pak", "p-3"), ("Aeropromaltay Elektroniks Ltx", "o-4")):
        position = next(i for i, e in enumerate(entries) if e.entry_id == entry_id)
        hit = index.score_entry(name, None, position)
        assert hit is not None
        assert hit.score < 0.75
        assert "party word(s) not in listed name" in hit.explanation
        assert "read as the listed" not in hit.explanation


# --- look-alike letters: whole words of them in a spoofed Latin name ----------------------


def test_a_whole_word_of_look_alike_letters_in_a_spoofed_name_is_folded(
    index: RestrictedPartyIndex,
) -> None:
    # "РАО" is all Cyrillic, but "Тораzаvtоdоn" mixes scripts: the name is Latin, spoofed.
    assert_found(index, "o-8", "РАО Тораzаvtоdоn Теkhnоlоgіі", "look-alike letters folded")
    # A name written in Cyrillic is transliterated as before.
    assert first(index, "ПАО Топазавтодон Технологии").entry_id == "o-8"


# --- a letter moved across a hyphen or space -----------------------------------------------


@pytest.mark.parametrize(
    ("variant", "entry_id"),
    [("alF-arrani, Ahmad Khalid", "p-2"), ("Par sKimia Sanat Co.", "o-9")],
)
def test_a_letter_moved_across_a_hyphen_or_space_still_hits(
    index: RestrictedPartyIndex, variant: str, entry_id: str
) -> None:
    assert_found(index, entry_id, variant, "split/joined word")
