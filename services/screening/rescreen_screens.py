"""How a subject is screened again after a list update: on the entries its new result may hold
or lose, or in full (a party's full screen made once for every subject with that party)."""

from __future__ import annotations

import asyncio
from collections.abc import Collection, Iterable, Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field, replace
from typing import Protocol, runtime_checkable

import structlog

from schemas.application import SubmitApplication
from services.screening.domain import Clearance, Knowledge
from services.screening.list_moves import ListMoves, WordedLists
from services.screening.match_keys import WordWeights
from services.screening.matching import Hit
from services.screening.matching.prepared_party import PreparedParty
from services.screening.matching.screen_since import PartyScreen, Retrieved
from services.screening.rules.parties import party_key
from services.screening.screen_workers import Asked, FullScreener, Named, screen_in_worker
from services.screening.screened_subjects import ScreenedSubject

log = structlog.get_logger(__name__)
BATCH = 50  # parties a worker screens for one round trip


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
    def full_screen(self, asked: Asked, moves: ListMoves | None) -> PartyScreen: ...
    def remember(self, version: str, retrieved: dict[Named, Retrieved]) -> None: ...
    def retrieved_since(self, moves: ListMoves) -> dict[Named, Retrieved]: ...


class FullScreens:
    """Each party's full screen in one re-screen, made once for every subject naming it: on
    worker processes ahead of need when there are any (`ahead`, `ready`), else when asked for.
    A screen made against list versions the lists no longer hold is not given out. Given what
    moved since the subjects were screened (`moves`), a party whose earlier hits are known
    (`held`, and the names it retrieved then, `retrieved`) is scored only on the names that may
    score otherwise (`CurrentLists.full_screen`)."""

    def __init__(
        self,
        lists: FullScreener,
        workers: ProcessPoolExecutor | None = None,
        moves: ListMoves | None = None,
        held: Mapping[Named, frozenset[str]] | None = None,
        retrieved: Mapping[Named, Retrieved] | None = None,
    ) -> None:
        self._lists, self._workers, self._moves = lists, workers, moves
        self._held, self._retrieved = held or {}, retrieved or {}
        self._version = lists.list_version
        self._made: dict[Named, PartyScreen] = {}
        self._coming: dict[Named, tuple[asyncio.Future[list[PartyScreen]], int]] = {}

    def ahead(self, parties: Iterable[Named]) -> None:
        """Have the workers screen these parties, in this order (no workers: nothing)."""
        if self._workers is None:
            return
        loop = asyncio.get_running_loop()
        new = [p for p in dict.fromkeys(parties) if p not in self._made and p not in self._coming]
        for start in range(0, len(new), BATCH):
            batch = new[start : start + BATCH]
            asked = [self._asked(named) for named in batch]
            try:
                screened = loop.run_in_executor(self._workers, screen_in_worker, asked)
            except BrokenProcessPool as error:
                return self._lost(error)
            self._coming.update((named, (screened, place)) for place, named in enumerate(batch))

    def _asked(self, named: Named) -> Asked:
        return Asked(named, self._held.get(named), self._retrieved.get(named))

    async def ready(self, parties: Iterable[Named]) -> None:
        """Wait until the workers have screened these parties (if they were asked to)."""
        for named in parties:
            coming = self._coming.pop(named, None)
            if coming is None:
                continue
            try:
                self._made[named] = (await coming[0])[coming[1]]
            except BrokenProcessPool as error:
                return self._lost(error)

    def _lost(self, error: BrokenProcessPool) -> None:
        """A worker was killed: the screens not made yet are made here, when asked for."""
        log.warning("screening workers lost; screening in this process", error=str(error))
        self._workers = None
        self._forget_coming()

    def _forget_coming(self) -> None:
        """Leave the screens asked of the workers unused (what they end with is not news)."""
        for screened in {id(f): f for f, _ in self._coming.values()}.values():
            screened.add_done_callback(_retrieved)
        self._coming.clear()

    def screen(self, party_name: str, country: str | None) -> list[Hit]:
        """The party's full screen against the current lists."""
        if self._lists.list_version != self._version:  # the index moved on during the re-screen
            self._made.clear()
            self._forget_coming()
            self._version = self._lists.list_version
            self._moves = None  # what moved since the subjects were screened is not known now
        named = (party_name, country)
        if named not in self._made:
            self._made[named] = self._lists.full_screen(self._asked(named), self._moves)
        return self._made[named].hits

    @property
    def made(self) -> int:
        """How many parties' full screens were made (here or on the workers)."""
        return len(self._made)

    def retrieved(self) -> tuple[str, dict[Named, Retrieved]]:
        """The list versions screened, and the names each party's full screen retrieved."""
        return self._version, {named: made.retrieved for named, made in self._made.items()}


def _retrieved(screened: asyncio.Future[list[PartyScreen]]) -> None:
    if not screened.cancelled():
        screened.exception()  # looked at: a broken pool's error is logged once, not per batch


def held_entries(
    moved: Sequence[Scoped], clearances: Iterable[Clearance]
) -> dict[Named, frozenset[str]]:
    """The entries each party screened in full may have hit before: the hits of a subject
    naming it (its subjects were screened against the lists before, any one tells) and its
    cleared ones."""
    cleared: dict[str, set[str]] = {}
    for clearance in clearances:
        cleared.setdefault(clearance.party_key, set()).add(clearance.entry_id)
    held: dict[Named, frozenset[str]] = {}
    for scoped in moved:
        full = set(scoped.full)
        for _, party in scoped.subject.application.parties():
            named = (party.name, party.address.country)
            if named in full and named not in held:
                own = cleared.get(party_key(party.name, party.address.country), ())
                held[named] = scoped.subject.hits | frozenset(own)
    return held


def named_parties(application: SubmitApplication) -> list[Named]:
    """Each party of the application as its screen depends on it: name and country."""
    return [(party.name, party.address.country) for _, party in application.parties()]


@dataclass(frozen=True)
class AmongEntries:
    """The current lists screened on some entries only: those a subject's new result may hold
    or lose (its hits and cleared hits, the changed entries its parties share a key with), or,
    for the parties in `full`, on every entry (a full screen, made once in `screens` for every
    subject with that party). A party's candidates are retrieved from the whole index as in a
    full screen; only the names of these entries among them are compared."""

    lists: PairScorer
    positions: frozenset[int]
    screens: FullScreens
    full: frozenset[Named] = frozenset()
    # A subject's parties are screened to tell whether its result is news, then for the result.
    _hits: dict[Named, list[Hit]] = field(default_factory=dict, compare=False, repr=False)

    @property
    def list_version(self) -> str:
        """The list versions indexed."""
        return self.lists.list_version

    def screen(self, party_name: str, country: str | None = None) -> list[Hit]:
        """The party's hits on these entries, as a full screen finds and scores them."""
        named = (party_name, country)
        if named in self.full:
            return self.screens.screen(party_name, country)
        if named not in self._hits:
            self._hits[named] = self.lists.screen(party_name, country, self.positions)
        return self._hits[named]


@dataclass(frozen=True)
class Scoped:
    """A subject to screen again, and the changed entries it may now match (besides its hits);
    `whole`: its parties on every entry, those in `parties` only if given (the others' full
    screens the update left as they were: on their hits)."""

    subject: ScreenedSubject
    changed: frozenset[str] = frozenset()
    whole: bool = False
    parties: frozenset[Named] | None = None

    @property
    def entries(self) -> frozenset[str]:
        """The entries its new result may hold: its hits, and the changed ones."""
        return self.subject.hits | self.changed

    @property
    def full(self) -> list[Named]:
        """The parties screened on every entry (each once)."""
        if not self.whole:
            return []
        named = dict.fromkeys(named_parties(self.subject.application))
        return [party for party in named if self.parties is None or party in self.parties]


def screened_among(
    lists: PairScorer,
    likely: Sequence[Scoped],
    known: Sequence[Knowledge],
    screens: FullScreens,
) -> list[Knowledge]:
    """Each subject's knowledge with the current lists screened on its entries only (on every
    entry for the parties to screen whole, a party's full screen made once in `screens`). A
    cleared hit is among a subject's entries: its result goes on showing it, as cleared."""
    entries = [
        s.entries | {c.entry_id for c in k.clearances} for s, k in zip(likely, known, strict=True)
    ]
    positions = lists.entry_positions({e for each in entries for e in each})

    def among(each: frozenset[str]) -> frozenset[int]:
        return frozenset(p for e in each for p in positions.get(e, ()))

    return [
        replace(knowledge, screener=AmongEntries(lists, among(e), screens, frozenset(s.full)))
        for s, e, knowledge in zip(likely, entries, known, strict=True)
    ]
