"""A large list's names normalised in several processes give the index one process would build."""

from __future__ import annotations

import itertools
import random

import numpy as np

from services.screening.matching import RestrictedPartyEntry, RestrictedPartyIndex
from services.screening.matching.name_table import NameTable
from services.screening.matching.pooled_names import joined, name_table

# Names are a distinctive part (any script), then at times a trade word, a place, a legal form.
_DISTINCTIVE = (
    "Cytrox",
    "Huaxin Intellexa",
    "Mohammad al-Rashid",
    "NS0 Gr0up",
    "Com pany Serv ice",
    "Газпром",
    "Сytrox",
    "华信科技有限公司",
    "محمد الرشيد",
    "שלום",
    "Müller & Nguyễn",
    "Dr. K. Pars Jr",
    "2024 x",
)
_TRADE_OR_PLACE = ("Trading", "Trdng", "Cornpany", "Tsement", "Shenzhen", "Moscow", "de", "")
_LEGAL_FORMS = ("Limited", "Co., Ltd.", "GmbH", "OOO", "Холдинг", "")
_COUNTRIES = ("AE", "CN", "RU", "IL", "DE")


def _entries(count: int, seed: int) -> list[RestrictedPartyEntry]:
    rng = random.Random(seed)

    def name() -> str:
        parts = (rng.choice(part) for part in (_DISTINCTIVE, _TRADE_OR_PLACE, _LEGAL_FORMS))
        return " ".join(parts)

    entries = []
    for number in range(count):
        aliases = tuple(name() for _ in range(rng.randint(0, 3)))
        countries = tuple(rng.sample(_COUNTRIES, rng.randint(0, 2)))
        entries.append(RestrictedPartyEntry("test", f"e{number}", name(), aliases, countries))
    return [*entries, RestrictedPartyEntry("test", "empty", "   "), *entries[:3]]


def _same_table(found: NameTable, expected: NameTable) -> None:
    assert found.words == expected.words
    assert found.countries == expected.countries
    assert bytes(found.kinds) == bytes(expected.kinds)
    assert bytes(found.abjad) == bytes(expected.abjad)
    for field in ("entry", "alias", "country", "offsets", "word_ids", "entry_first_name"):
        found_array, expected_array = getattr(found, field), getattr(expected, field)
        assert found_array.dtype == expected_array.dtype, field
        assert np.array_equal(found_array, expected_array), field


def test_a_list_cut_into_runs_joins_into_the_table_of_the_whole_list() -> None:
    entries = _entries(400, seed=4)
    whole = NameTable(entries)
    for cuts in ([200], [0, 1, 399], [50, 50, 300], [403]):
        bounds = [0, *cuts, len(entries)]
        runs = [entries[start:end] for start, end in itertools.pairwise(bounds)]
        _same_table(joined([NameTable(run) for run in runs]), whole)


def test_names_normalised_in_two_processes_make_the_table_of_one() -> None:
    entries = _entries(600, seed=9)
    _same_table(name_table(entries, 2), NameTable(entries))


def test_an_index_built_in_two_processes_screens_as_one_built_in_one() -> None:
    entries = _entries(300, seed=21)
    pooled = RestrictedPartyIndex.build(entries, processes=2)
    single = RestrictedPartyIndex.build(entries, processes=1)
    parties = ["Cytrox Holdings", "Huaxin Trading Ltd", "محمد الرشيد", "Газпром", "NSO Gr0up"]
    assert all(single.screen(party, "AE") for party in parties)
    for party in parties:
        assert pooled.screen(party, "AE") == single.screen(party, "AE"), party
    assert len(pooled.vocabulary) == len(single.vocabulary)
