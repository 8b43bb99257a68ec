"""ssb's evasion suites: its generator run over its fixture, caseflow's seed list and a
held-back sample of the synthetic list.

The PyPI package `sanctions-screening-benchmark` (ssb, the bench extra) perturbs each listed
name by documented classes (initials, vowel_drop, ocr, truncate, ...) and makes negatives
(cross_pair, token_swap, edit_beyond). Its cases become labelled parties here; the matchers of
`screening_peers` then screen each party against the same pool of entries.
"""

from __future__ import annotations

from typing import Any

from screening_sets import HELD_BACK_SEED, Party, Suite, synthetic_list_entries

from services.screening.matching import RestrictedPartyEntry, load_seed_list
from services.screening.matching.legal_forms import legal_form_keys
from services.screening.matching.normalise import TokenKind, normalise_name

SSB_SEEDS = (0, 1, 2)  # the generator's seeds; a case made by several seeds counts once


def ssb_available() -> bool:
    """Whether ssb is installed (pip install -e '.[bench]')."""
    try:
        import ssb  # noqa: F401
    except ImportError:
        return False
    return True


def fixture_suite() -> Suite:
    """ssb's generator over its own bundled synthetic fixture (ten persons, two companies)."""
    from ssb import sources

    return _suite("ssb fixture", sources.load_fixture())


def seed_list_suite() -> Suite:
    """ssb's generator over caseflow's seed Entity List (organisations)."""
    return _from_entries("ssb on seed list", load_seed_list(), held_back=False)


def synthetic_list_suite(size: int = 40) -> Suite:
    """ssb's generator over a sample of the held-back synthetic list (organisations)."""
    entries = synthetic_list_entries(size, HELD_BACK_SEED)
    return _from_entries("ssb on synthetic list", entries, held_back=True)


def _from_entries(name: str, entries: list[RestrictedPartyEntry], held_back: bool) -> Suite:
    from ssb import sources

    entities = [
        sources.Entity(entry.entry_id, entry.name, "entity", aliases=list(entry.alt_names))
        for entry in entries
    ]
    return _suite(name, sources.ListSnapshot(name, "", entities), entries, held_back)


def _suite(
    name: str,
    snapshot: Any,
    entries: list[RestrictedPartyEntry] | None = None,
    held_back: bool = False,
) -> Suite:
    from ssb import benchmark

    persons = frozenset(
        e.entity_id for e in snapshot.entities if e.entity_type.lower().startswith("individual")
    )
    primary = {e.primary_name: e.entity_id for e in snapshot.entities}
    listed = {_written_as(name) for e in snapshot.entities for name in [e.primary_name, *e.aliases]}
    parties: dict[tuple[str, str | None, str], Party] = {}
    pool_ids: set[str] = set()
    for seed in SSB_SEEDS:
        generated = benchmark.build(snapshot, limit=None, seed=seed, individuals_only=False)
        pool_ids.update(generated.candidates)
        for case in generated.cases:
            source = case.expected_entity_id or primary.get(case.source_name or "")
            party = Party(
                case.query,
                case.expected_entity_id,
                case.perturbation,
                source in persons,
                part=_part(case.query, case.perturbation, case.expected_entity_id, listed),
            )
            parties.setdefault((party.name, party.entry_id, party.kind), party)
    if entries is None:
        entries = [
            RestrictedPartyEntry(
                source=name,
                entry_id=e.entity_id,
                name=e.primary_name,
                alt_names=tuple(e.aliases),
                type="Individual" if e.entity_id in persons else "Entity",
            )
            for e in snapshot.entities
        ]
    pool = [entry for entry in entries if entry.entry_id in pool_ids]
    return Suite(name, pool, list(parties.values()), persons, held_back)


def _part(name: str, kind: str, entry_id: str | None, listed: set[tuple[object, ...]]) -> str:
    """The part of its class a case is reported in as well, if any."""
    if kind == "token_drop":
        return _token_drop_part(name)
    if entry_id is None and _written_as(name) in listed:
        return f"{kind}: a listed name written another way"
    return ""


def _written_as(name: str) -> tuple[object, ...]:
    """A name's words and legal form as the matcher reads them ("Ltd." and "Limited" alike): a
    negative written so is a listed name, whatever the generator's label says."""
    normalised = normalise_name(name)
    words = tuple(token.text for token in normalised.tokens)
    return (*words, legal_form_keys(normalised.legal_forms))


def _token_drop_part(name: str) -> str:
    """Whether a name with a word dropped keeps a distinctive word, or is left with generic
    words, places and a legal form only: a name the precision rule says must not hit."""
    tokens = normalise_name(name).tokens
    if any(token.kind is TokenKind.DISTINCTIVE for token in tokens):
        return "token_drop: a distinctive word kept"
    return "token_drop: generic words only"
