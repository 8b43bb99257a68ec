"""How party and list names are normalised before they are compared."""

from __future__ import annotations

from services.screening.matching import normalise_name
from services.screening.matching.legal_forms import legal_form_agreement
from services.screening.matching.normalise import TokenKind


def words(name: str) -> list[str]:
    return [token.text for token in normalise_name(name).tokens]


def test_punctuation_and_case_do_not_matter() -> None:
    assert words("N.S.O. Group") == words("nso GROUP") == ["nso", "group"]


def test_legal_forms_are_removed_in_many_languages() -> None:
    for name in (
        "Cytrox AD",
        "Cytrox Holdings Zrt.",
        "OOO Cytrox",
        "Cytrox GmbH",
        "Cytrox Sp. z o.o.",
        "Cytrox Pte. Ltd.",
        "Cytrox Sdn Bhd",
        "Cytrox S.A.",
        "Cytrox Co., Ltd.",
    ):
        assert words(name)[0] == "cytrox", name
        assert normalise_name(name).legal_forms, name


def test_a_legal_form_in_the_middle_of_a_name_is_removed_only_if_unambiguous() -> None:
    assert words("AB Volvo") == ["volvo"]
    assert words("Alpha Ltd Trading") == ["alpha", "trading"]
    assert "ad" in words("Nova AD Systems")


def test_generic_words_are_recognised_across_languages() -> None:
    kinds = {t.text: t.kind for t in normalise_name("Pozitiv Tekhnologii Gruppa").tokens}
    assert kinds == {
        "pozitiv": TokenKind.DISTINCTIVE,
        "technology": TokenKind.GENERIC,
        "group": TokenKind.GENERIC,
    }


def test_invisible_characters_are_removed() -> None:
    name = normalise_name("N\u200bS\u200dO Gro\u00adup Tech\ufeffnologies")
    assert [t.text for t in name.tokens] == ["nso", "group", "technology"]
    assert name.invisible_removed == 4


def test_lookalike_letters_in_a_latin_name_are_folded_to_latin() -> None:
    cyrillic_o = normalise_name("NSO Gr\u043eup")
    greek_n_and_o = normalise_name("\u039dS\u039f Group")
    assert words("NSO Gr\u043eup") == words("\u039dS\u039f Group") == ["nso", "group"]
    assert cyrillic_o.lookalikes_folded == 1
    assert greek_n_and_o.lookalikes_folded == 2


def test_a_name_written_in_cyrillic_is_transliterated_not_folded() -> None:
    name = normalise_name("ООО «Техноприбор»")
    assert [t.text for t in name.tokens] == ["tekhnopribor"]
    assert name.legal_forms == ("ooo",)
    assert name.transliterated_from == ("Cyrillic",)


def test_chinese_characters_are_transliterated_and_split_into_words() -> None:
    name = normalise_name("深圳华信电子有限公司")
    assert [t.text for t in name.tokens] == ["shenzhen", "huaxin", "electronics"]
    assert name.tokens[0].kind is TokenKind.PLACE
    assert name.legal_forms == ("youxiangongsi",)


def test_arabic_script_is_transliterated_and_flagged_as_consonants_only() -> None:
    name = normalise_name("شرکت پارس کیمیا")
    assert [t.text for t in name.tokens] == ["prs", "kymy"]
    assert all(t.abjad for t in name.tokens)
    assert name.transliterated_from == ("Arabic",)


def test_a_short_last_name_is_not_read_as_a_legal_form() -> None:
    # Only a word written with full stops between its letters ("z.A.") is read as one.
    assert words("Li Bo") == ["li", "bo"]
    assert words("Kim Ko") == ["kim", "ko"]
    assert words("Intellexa z.A.") == ["intellexa"]


def test_one_legal_form_written_in_several_ways_is_one_form() -> None:
    def agreement(party: str, listed: str) -> int:
        return legal_form_agreement(
            normalise_name(party).legal_forms, normalise_name(listed).legal_forms
        )

    assert agreement("Acme Ltd.", "Acme Limited") == 1
    assert agreement("Acme Company Limited", "Acme Co., Ltd.") == 1
    assert agreement("华信有限公司", "Huaxin Co., Ltd.") == 1
    assert agreement("ООО Альфа", "Alfa LLC") == 1
    assert agreement("Acme Ldt", "Acme Ltd") == 1  # transposed, read as the form
    assert agreement("Cytrox Zrt.", "Cytrox AD") == -1
    assert agreement("Acme Pte. Ltd.", "Acme Ltd") == 0  # in part the same
    assert agreement("Acme", "Acme GmbH") == 0
