"""How a subject is screened again after a list update: on the entries its new result may hold
or lose, or in full (a party's full screen made once for every subject with that party)."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass, replace
from typing import Protocol, runtime_checkable

from services.screening.domain import Knowledge
from services.screening.list_moves import ListMoves, WordedLists
from services.screening.match_keys import WordWeights
from services.screening.matching import Hit
from services.screening.matching.index import PreparedParty
from services.screening.screened_subjects import ScreenedSubject


class PairScore(Protocol):
    """Scores one party against one indexed entry, as screening would (the current lists)."""

    def pair_score(self, party_name: str, country: str | None, position: int) -> float: ...


@runtime_checkable
class PairScorer(PairScore, WordWeights, WordedLists, Protocol):
    """Scores pairs, weighs words, finds entries in the current lists' index, screens a party
    as a full screen would but on some entries only, and says what moved in the index."""

    @property
    def list_version(self) -> str: ...
    def entry_positions(self, entry_ids: Collection[str]) -> dict[str, list[int]]: ...
    def pair_score(self, party_name: str, country: str | None, position: int) -> float: ...
    def prepared(self, party_name: str) -> PreparedParty | None: ...
    def party_score(
        self, party: PreparedParty | None, country: str | None, position: int
    ) -> float: ...
    def screen(
        self, party_name: str, country: str | None = None, among: Collection[int] | None = None
    ) -> list[Hit]: ...
    def moves(self) -> tuple[int, ListMoves]: ...
    def followed(self, through: int) -> None: ...


@dataclass(frozen=True)
class AmongEntries:
    """The current lists screened on some entries only: those a subject's new result may hold
    or lose (its hits, the changed entries its parties share a key with), or on every entry
    (`positions` None: a full screen, kept in `screens` for the next subject with that party).
    A party's candidates are retrieved from the whole index as in a full screen; only the names
    of these entries among them are compared."""

    lists: PairScorer
    positions: frozenset[int] | None
    screens: dict[tuple[str, str | None], list[Hit]]

    @property
    def list_version(self) -> str:
        """The list versions indexed."""
        return self.lists.list_version

    def screen(self, party_name: str, country: str | None = None) -> list[Hit]:
        """The party's hits on these entries, as a full screen finds and scores them."""
        if self.positions is not None:
            return self.lists.screen(party_name, country, self.positions)
        named = (party_name, country)
        if named not in self.screens:
            self.screens[named] = self.lists.screen(party_name, country)
        return self.screens[named]


@dataclass(frozen=True)
class Scoped:
    """A subject to screen again, and the changed entries it may now match (besides its hits);
    `whole`: on every entry."""

    subject: ScreenedSubject
    changed: frozenset[str] = frozenset()
    whole: bool = False

    @property
    def entries(self) -> frozenset[str]:
        """The entries its new result may hold: its hits, and the changed ones."""
        return self.subject.hits | self.changed


def screened_among(
    lists: PairScorer,
    likely: Sequence[Scoped],
    known: Sequence[Knowledge],
    screens: dict[tuple[str, str | None], list[Hit]],
) -> list[Knowledge]:
    """Each subject's knowledge with the current lists screened on its entries only (on every
    entry for a subject to screen whole, a party's full screen kept in `screens`)."""
    positions = lists.entry_positions({e for s in likely if not s.whole for e in s.entries})

    def among(s: Scoped) -> frozenset[int] | None:
        return None if s.whole else frozenset(p for e in s.entries for p in positions.get(e, ()))

    return [
        replace(knowledge, screener=AmongEntries(lists, among(s), screens))
        for s, knowledge in zip(likely, known, strict=True)
    ]
