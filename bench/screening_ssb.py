"""ssb's evasion suites: its generator run over its fixture and over caseflow's seed list.

The PyPI package `sanctions-screening-benchmark` (ssb, the bench extra) perturbs each listed
name by documented classes (initials, vowel_drop, ocr, truncate, ...) and makes negatives
(cross_pair, token_swap, edit_beyond). Here its cases are turned into labelled parties; the
matchers of `screening_peers` then screen each party against the same small pool of entries.
"""

from __future__ import annotations

from dataclasses import dataclass

from services.screening.matching import RestrictedPartyEntry, load_seed_list

SSB_SEEDS = (0, 1, 2)  # the generator's seeds; cases repeated across seeds count once


@dataclass(frozen=True)
class Party:
    """A name to screen, the entry it names (None for a negative) and its class."""

    name: str
    entry_id: str | None
    kind: str  # the perturbation or negative class
    person: bool  # screened as a person (the screener knows a person from a company)
    country: str | None = None


@dataclass(frozen=True)
class Suite:
    """A pool of list entries and the labelled parties screened against it."""

    name: str
    entries: list[RestrictedPartyEntry]
    parties: list[Party]
    persons: frozenset[str]  # entry ids of persons

    def held_back(self) -> bool:
        """Whether the suite's rules were set without looking at it (seed-list suites)."""
        return self.name.endswith("seed list")


def ssb_available() -> bool:
    """Whether ssb is installed (pip install -e '.[bench]')."""
    try:
        import ssb  # noqa: F401
    except ImportError:
        return False
    return True


def fixture_suite() -> Suite:
    """ssb's generator over its own bundled synthetic fixture (persons and two companies)."""
    from ssb import sources

    snapshot = sources.load_fixture()
    return _suite("ssb fixture", snapshot)


def seed_list_suite() -> Suite:
    """ssb's generator over caseflow's seed Entity List (organisations)."""
    from ssb import sources

    entities = [
        sources.Entity(
            entity_id=entry.entry_id,
            primary_name=entry.name,
            entity_type="entity",
            aliases=list(entry.alt_names),
        )
        for entry in load_seed_list()
    ]
    snapshot = sources.ListSnapshot("caseflow seed", "", entities)
    return _suite("ssb on seed list", snapshot, load_seed_list())


def _suite(name: str, snapshot: object, entries: list[RestrictedPartyEntry] | None = None) -> Suite:
    from ssb import benchmark

    parties: dict[tuple[str, str | None, str], Party] = {}
    pool_ids: set[str] = set()
    persons = {
        e.entity_id
        for e in snapshot.entities  # type: ignore[attr-defined]
        if e.entity_type.lower().startswith("individual")
    }
    primary = {e.primary_name: e.entity_id for e in snapshot.entities}  # type: ignore[attr-defined]
    for seed in SSB_SEEDS:
        generated = benchmark.build(snapshot, limit=None, seed=seed, individuals_only=False)
        pool_ids.update(generated.candidates)
        for case in generated.cases:
            source_id = case.expected_entity_id or primary.get(case.source_name or "")
            party = Party(
                case.query, case.expected_entity_id, case.perturbation, source_id in persons
            )
            parties.setdefault((party.name, party.entry_id, party.kind), party)
    if entries is None:
        entries = [
            RestrictedPartyEntry(
                source="ssb fixture",
                entry_id=e.entity_id,
                name=e.primary_name,
                alt_names=tuple(e.aliases),
                type="Individual" if e.entity_id in persons else "Entity",
            )
            for e in snapshot.entities  # type: ignore[attr-defined]
        ]
    pool = [entry for entry in entries if entry.entry_id in pool_ids]
    return Suite(name, pool, list(parties.values()), frozenset(persons))
