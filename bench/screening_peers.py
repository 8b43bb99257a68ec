"""The matchers compared: caseflow's index, nomenklatura's logic-v2 and ssb's baseline.

Each matcher is prepared with a pool of list entries and then asked, for one party, which
entry it alerts on first (or none), each at the threshold it runs at: caseflow at its policy's
hit threshold, logic-v2 at 0.7 (yente's default), ssb's token-set Jaro-Winkler at 0.85 (its
default). The peers are bench-only (`pip install -e ".[bench]"`).
"""

from __future__ import annotations

import itertools
import time
from collections.abc import Sequence
from typing import Any, Protocol

from services.screening.matching import RestrictedPartyEntry, RestrictedPartyIndex

LOGIC_V2_THRESHOLD = 0.7
SSB_BASELINE_THRESHOLD = 0.85
_POOLS = itertools.count(1)


class Matcher(Protocol):
    """Screens one party against a prepared pool of entries."""

    name: str
    threshold: float

    def prepare(self, entries: Sequence[RestrictedPartyEntry], persons: frozenset[str]) -> None:
        """Index or keep the pool (persons: the ids of entries that are persons)."""

    def first(self, name: str, country: str | None, person: bool) -> str | None:
        """The entry id alerted on first, or None if nothing reaches the threshold."""

    def pair(self, name: str, country: str | None, person: bool, position: int) -> float:
        """The party's score against one entry of the pool (by position)."""


class Caseflow:
    """caseflow's RestrictedPartyIndex at its policy's threshold."""

    name = "caseflow"

    def __init__(self) -> None:
        self.index = RestrictedPartyIndex.build([])
        self.threshold = self.index.policy.hit_threshold

    def prepare(self, entries: Sequence[RestrictedPartyEntry], persons: frozenset[str]) -> None:
        """Build the index over the pool."""
        self.index = RestrictedPartyIndex.build(entries)

    def first(self, name: str, country: str | None, person: bool) -> str | None:
        """The best hit's entry."""
        hits = self.index.screen(name, country)
        return hits[0].entry_id if hits else None

    def pair(self, name: str, country: str | None, person: bool, position: int) -> float:
        """The best comparison with the entry's names."""
        hit = self.index.score_entry(name, country, position)
        return hit.score if hit else 0.0


class _Exhaustive:
    """A pairwise scorer compared with every entry of the pool (no index)."""

    name = ""
    threshold = 0.0

    def __init__(self) -> None:
        self.entries: Sequence[RestrictedPartyEntry] = ()
        self.persons: frozenset[str] = frozenset()
        self.seconds = 0.0
        self.pairs = 0

    def prepare(self, entries: Sequence[RestrictedPartyEntry], persons: frozenset[str]) -> None:
        """Keep the pool."""
        self.entries, self.persons = entries, persons

    def first(self, name: str, country: str | None, person: bool) -> str | None:
        """The entry with the best score, if it reaches the threshold."""
        scored = [
            (self.pair(name, country, person, position), entry.entry_id)
            for position, entry in enumerate(self.entries)
        ]
        score, entry_id = max(scored, default=(0.0, None))
        return entry_id if score >= self.threshold else None

    def pair(self, name: str, country: str | None, person: bool, position: int) -> float:
        """Score against one entry, timed."""
        started = time.perf_counter()
        score = self._score(name, country, person, self.entries[position])
        self.seconds += time.perf_counter() - started
        self.pairs += 1
        return score

    def _score(
        self, name: str, country: str | None, person: bool, entry: RestrictedPartyEntry
    ) -> float:
        raise NotImplementedError


class LogicV2(_Exhaustive):
    """nomenklatura's logic-v2 with its default configuration, at 0.7."""

    name = "logic-v2"
    threshold = LOGIC_V2_THRESHOLD

    def __init__(self) -> None:
        super().__init__()
        from followthemoney import model
        from nomenklatura.matching import LogicV2 as Algorithm
        from nomenklatura.matching import ScoringConfig

        self._model: Any = model
        self._algorithm: Any = Algorithm
        self._config = ScoringConfig.defaults()
        self._results: dict[int, Any] = {}
        self._pools = 0
        self._positions: dict[str, int] = {}

    def prepare(self, entries: Sequence[RestrictedPartyEntry], persons: frozenset[str]) -> None:
        """Make one entity per entry (Person or Organization)."""
        super().prepare(entries, persons)
        self._results = {}
        self._pools = next(_POOLS)  # logic-v2 caches by entity id: ids never repeat
        for position, entry in enumerate(entries):
            schema = "Person" if entry.entry_id in persons else "Organization"
            entity = self._model.make_entity(schema)
            entity.id = f"p{self._pools}e{position}"
            entity.add("name", list(entry.names))
            entity.add("country", [country.lower() for country in entry.countries])
            self._results[position] = entity
            self._positions[entry.entry_id] = position

    def _score(
        self, name: str, country: str | None, person: bool, entry: RestrictedPartyEntry
    ) -> float:
        query = self._model.make_entity("Person" if person else "Organization")
        query.id = f"q{next(_POOLS)}"  # fresh ids per pair, as above
        query.add("name", name)
        if country:
            query.add("country", country.lower())
        result = self._results[self._positions[entry.entry_id]]
        return float(self._algorithm.compare(query, result, self._config).score)


class SsbBaseline(_Exhaustive):
    """ssb's reference matcher: token-set Jaro-Winkler over every listed name, at 0.85."""

    name = "ssb baseline"
    threshold = SSB_BASELINE_THRESHOLD

    def __init__(self) -> None:
        super().__init__()
        from ssb.matching import BaselineMatcher

        self._matcher = BaselineMatcher()

    def _score(
        self, name: str, country: str | None, person: bool, entry: RestrictedPartyEntry
    ) -> float:
        return max(float(self._matcher(name, listed)) for listed in entry.names)


def peers_available() -> list[str]:
    """Which peers can run here (their packages are the bench extra)."""
    found = []
    try:
        import nomenklatura  # noqa: F401

        found.append(LogicV2.name)
    except ImportError:
        pass
    try:
        import ssb  # noqa: F401

        found.append(SsbBaseline.name)
    except ImportError:
        pass
    return found


def matchers() -> list[Matcher]:
    """caseflow and every peer installed."""
    available = peers_available()
    found: list[Matcher] = [Caseflow()]
    if LogicV2.name in available:
        found.append(LogicV2())
    if SsbBaseline.name in available:
        found.append(SsbBaseline())
    return found
