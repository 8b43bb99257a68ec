"""The restricted-party lists a screening process matches against, kept current from PostgreSQL."""

from __future__ import annotations

import asyncio
import time
from collections import defaultdict
from collections.abc import Collection, Iterable, Sequence
from dataclasses import asdict, dataclass, replace

import asyncpg
import numpy as np
import structlog

from services.screening.config import LIST_POLL_SECONDS, SEED_LIST
from services.screening.list_diff import combined_label
from services.screening.list_moves import WIDE_MOVE_ENTRIES, ListMoves
from services.screening.list_storage import changes_since, current_entries, list_versions
from services.screening.matching import (
    Hit,
    MatchPolicy,
    RestrictedPartyEntry,
    RestrictedPartyIndex,
    load_list,
)
from services.screening.matching.collector import settle_after_indexing
from services.screening.matching.name_table import Int32s
from services.screening.matching.normalise import NameToken
from services.screening.matching.prepared_party import PreparedParty
from services.screening.matching.screen_since import (
    PartyScreen,
    Retrieved,
    SinceIndexes,
    full_party_screen,
)
from services.screening.policy import ScreeningPolicy
from services.screening.screen_workers import Asked, Named

log = structlog.get_logger(__name__)
Retrieval = tuple[PreparedParty | None, Int32s]  # a party prepared, and the names it retrieves
NO_NAMES: Int32s = np.empty(0, dtype=np.int32)
# An update changing more than this share of the indexed entries is indexed whole again.
REBUILD_SHARE = 0.5
# Parties whose names retrieved from the current index are kept for screens on some entries.
KEPT_RETRIEVALS = 4096
# Past this many entries moved by two or more refreshes no re-screen has followed (a process
# whose updates another re-screens), what they moved is forgotten: a re-screen here would screen
# every subject.
UNFOLLOWED_ENTRIES = WIDE_MOVE_ENTRIES


@dataclass(frozen=True)
class IndexRefresh:
    """How the index last came up to new list versions: how, for how many changed entries."""

    how: str  # "updated in place" or "rebuilt"
    changed_entries: int
    entries: int
    seconds: float


class CurrentLists:
    """The index screening uses, brought up to date when a list version it has not indexed is
    loaded."""

    def __init__(
        self,
        index: RestrictedPartyIndex,
        versions: dict[str, int] | None,
        match: MatchPolicy,
        unfollowed_entries: int = UNFOLLOWED_ENTRIES,
    ) -> None:
        self._index = index
        self.match = match
        self._versions = versions  # None: not read from PostgreSQL (the shipped seed file)
        self._refreshing = asyncio.Lock()
        self.refreshed: IndexRefresh | None = None  # the last time the index changed
        # Entry positions by id, of the index they were read from (a re-screen asks often).
        self._positions: tuple[RestrictedPartyIndex, dict[str, list[int]]] | None = None
        # A party's names retrieved, of the index they were retrieved from (`_retrieval`).
        self._retrievals: tuple[RestrictedPartyIndex | None, dict[Named, Retrieval]] = (None, {})
        # What each refresh moved that re-screening has not followed yet, by refresh number:
        # nothing is known of the subjects' results against the index a process starts with.
        self._refreshes = 0
        self._moves = {0: ListMoves(everything=True)}
        self._unfollowed_entries = unfollowed_entries
        self._since_made: tuple[ListMoves, SinceIndexes] | None = None
        self._retrieved: tuple[str, dict[Named, Retrieved]] = ("", {})
        self._seed_screened = False  # a case screened before the lists were read

    @property
    def list_version(self) -> str:
        """The list versions indexed: `<list>@<version>` joined by `+` (or the seed's digest)."""
        if self._versions is None:
            return f"seed:{self._index.list_version}"
        return combined_label(self._versions)

    @property
    def versions(self) -> dict[str, int]:
        """Each indexed list's version (empty before the first read from PostgreSQL)."""
        return dict(self._versions or {})

    def screen(
        self, party_name: str, country: str | None = None, among: Collection[int] | None = None
    ) -> list[Hit]:
        """Hits for one party against every current list; with `among`, on those entries only
        (positions in the index, `entry_positions`)."""
        self._seed_screened |= self._versions is None
        if among is None:
            return self._index.screen(party_name, country)
        prepared, names = self._retrieval(party_name, country)
        if prepared is None:
            return []
        return self._index.screen_retrieved(prepared, country, names, among)

    def _retrieval(self, party_name: str, country: str | None) -> Retrieval:
        """The party prepared and the names it retrieves from the current index, kept for the
        next subjects naming it: a re-screen screens a party on the entries of each subject
        naming it, and an applicant or a large purchaser is named in thousands of cases."""
        index = self._index
        if self._retrievals[0] is not index:
            self._retrievals = (index, {})
        kept = self._retrievals[1]
        named = (party_name, country)
        found = kept.pop(named, None)
        if found is None:
            if len(kept) >= KEPT_RETRIEVALS:
                del kept[next(iter(kept))]  # the one asked for longest ago
            prepared = index.prepared(party_name)
            found = (prepared, NO_NAMES if prepared is None else index.retrieved(prepared, country))
        kept[named] = found  # last in the order: asked for most recently
        return found

    def full_screen(self, asked: Asked, moves: ListMoves | None) -> PartyScreen:
        """The party's full screen against every current list. Given what moved since its
        subjects were screened (`moves()`, to these versions) and the entries it may have hit
        then (`asked.held`), only the names that may score otherwise than then are scored
        (`SinceIndexes`)."""
        if moves is None or asked.held is None or (since := self._since(moves)) is None:
            return full_party_screen(self._index, *asked.named)
        held = [p for found in self.entry_positions(asked.held).values() for p in found]
        return since.screen(*asked.named, held, asked.retrieved, len(asked.held))

    def _since(self, moves: ListMoves) -> SinceIndexes | None:
        """The indexes `moves` came through to the current one (None: what moved is not known,
        or the index has moved on since), made once for a re-screen."""
        if not moves.came_through or moves.version != self.list_version:
            return None  # not known (nor kept), or the index has moved on
        if self._since_made is None or self._since_made[0] is not moves:
            assert moves.before is not None
            self._since_made = (moves, SinceIndexes(self._index, moves.before, moves.words))
        return self._since_made[1]

    def remember(self, version: str, retrieved: dict[Named, Retrieved]) -> None:
        """Keep the names each party's full screen against `version` retrieved, for the next
        update's full screens (`retrieved_since`)."""
        self._retrieved = (version, retrieved)

    def retrieved_since(self, moves: ListMoves) -> dict[Named, Retrieved]:
        """The names each party's full screen retrieved against the one index `moves` came
        from, where kept (`remember`)."""
        version, retrieved = self._retrieved
        one_before = moves.before is not None and len(moves.before) == 1
        return retrieved if one_before and moves.since == version else {}

    def word_weight(self, token: NameToken) -> float:
        """How much a word weighs in the current lists (common words weigh less)."""
        return self._index.vocabulary.weight_of(token)

    def entry_positions(self, entry_ids: Collection[str]) -> dict[str, list[int]]:
        """Where entries with these ids stand in the index (one pass over it per index)."""
        index = self._index
        if self._positions is None or self._positions[0] is not index:
            found = defaultdict(list)
            for position, entry in enumerate(index.entries):
                found[entry.entry_id].append(position)
            self._positions = (index, dict(found))
        every = self._positions[1]
        return {entry_id: every[entry_id] for entry_id in entry_ids if entry_id in every}

    def take_changes(
        self,
        current: Sequence[RestrictedPartyEntry],
        removed: Collection[str],
        versions: dict[str, int],
    ) -> None:
        """Index the entries a list update added or changed (`current`) and drop those it
        removed, in place of a rebuild, now at `versions`; note what else that moved."""
        self._take(*self._updated(current, removed), versions)

    def _updated(
        self, current: Sequence[RestrictedPartyEntry], removed: Collection[str]
    ) -> tuple[RestrictedPartyIndex, ListMoves]:
        """The index with the changes (this one as it was), and what else they moved."""
        index = self._index
        before = self._indexed({*removed, *(entry.entry_id for entry in current)})
        updated = index.updated(current, removed)
        moved = updated.vocabulary.moved_since(index.vocabulary)
        moves = ListMoves(frozenset(moved), (*before, *current), before=(index,))
        return updated, replace(moves, since=self.list_version)

    def _take(
        self, index: RestrictedPartyIndex, moves: ListMoves, versions: dict[str, int]
    ) -> None:
        # On the event loop's thread: screens see the index and its versions change together.
        self._index, self._versions = index, versions
        self._refreshes += 1
        if any(earlier.before for earlier in self._moves.values()):
            # Two refreshes not followed yet (a process whose updates another re-screens keeps
            # refreshing and never follows): their earlier indexes are let go, not piled up.
            self._moves = {n: replace(m, before=None) for n, m in self._moves.items()}
            moves = replace(moves, before=None)
        self._moves[self._refreshes] = moves
        piled = sum(len(m.entries) for m in self._moves.values())
        if len(self._moves) > 1 and piled > self._unfollowed_entries:
            # Nor are the entries they moved piled up without end: past the bound, a re-screen
            # here screens every subject, as on a process just started. (One large update alone
            # keeps its detail: the process taking it follows it at once.)
            self._moves = {self._refreshes: ListMoves(everything=True)}

    def _indexed(self, entry_ids: Collection[str]) -> list[RestrictedPartyEntry]:
        entries = self._index.entries
        return [entries[p] for found in self.entry_positions(entry_ids).values() for p in found]

    def entries_with_words(self, words: Iterable[str]) -> list[RestrictedPartyEntry]:
        """The entries with a name that has any of these listed words."""
        return self._index.entries_with_words(words)

    def take_in_step(self, list_version: str | None) -> None:
        """Every subject was last screened in step with the lists at `list_version` (kept as
        the last re-screen ended): if they are the lists first read and indexed, and no case was
        screened against the seed list before, nothing has moved that re-screening has not
        followed, and the next update's re-screen need not screen every subject."""
        first_read = self._refreshes <= 1 and not self._seed_screened
        if first_read and list_version is not None and list_version == self.list_version:
            self._moves = {}

    def moves(self) -> tuple[int, ListMoves]:
        """What moved in the index that re-screening has not followed, up to which refresh."""
        moved = ListMoves()
        for moves in self._moves.values():
            moved |= moves
        moved = replace(moved, version=self.list_version)
        self._since(moved)  # made here, before workers are forked: they share it
        return self._refreshes, moved

    def followed(self, through: int) -> None:
        """Re-screening has screened again the subjects what moved up to refresh `through`
        may change."""
        self._moves = {number: m for number, m in self._moves.items() if number > through}
        self._since_made = None  # the indexes it came through are let go

    def prepared(self, party_name: str) -> PreparedParty | None:
        """The party's name as the index scores it, prepared once for many `party_score`s."""
        return self._index.prepared(party_name)

    def party_score(self, party: PreparedParty | None, country: str | None, position: int) -> float:
        """The party's score against one indexed entry, as screening would weigh it (0.0 for a
        pair that surely scores under the hit threshold)."""
        return 0.0 if party is None else self._index.pair_score(party, country, position)

    def pair_score(self, party_name: str, country: str | None, position: int) -> float:
        """`party_score` of a party named once."""
        return self.party_score(self.prepared(party_name), country, position)

    async def refresh(self, pool: asyncpg.Pool) -> bool:
        """Bring the index up to the list versions PostgreSQL holds, if it holds others: the
        entries changed since are indexed in place of a rebuild from the whole list (a rebuild
        on first reading, or when most of the list changed). True if the index changed."""
        async with self._refreshing:
            if await list_versions(pool) == self._versions:
                return False
            began = time.perf_counter()
            changed = None if self._versions is None else await changes_since(pool, self._versions)
            changes = 0 if changed is None else changed.entry_ids
            # Indexing takes seconds for a large list: keep the event loop answering meanwhile.
            if changed is not None and changes <= len(self._index) * REBUILD_SHARE:
                updated, moves = await asyncio.to_thread(
                    self._updated, changed.current, changed.removed
                )
                self._take(updated, moves, changed.versions)
                how = "updated in place"
            else:
                versions, entries = await current_entries(pool)
                built = await asyncio.to_thread(RestrictedPartyIndex.build, entries, self.match)
                self._take(built, ListMoves(everything=True), versions)
                how = "rebuilt"
            await asyncio.to_thread(settle_after_indexing)
            seconds = round(time.perf_counter() - began, 3)
            self.refreshed = IndexRefresh(how, changes, len(self._index), seconds)
        log.info(f"restricted-party index {how}", lists=self.list_version, **asdict(self.refreshed))
        return True

    async def keep_current(self, pool: asyncpg.Pool, every: float = LIST_POLL_SECONDS) -> None:
        """Poll the list versions until cancelled (other processes may load or re-screen)."""
        while True:
            await asyncio.sleep(every)
            try:
                await self.refresh(pool)
            except (OSError, asyncpg.PostgresError, asyncpg.InterfaceError) as error:
                # A closed connection (PostgreSQL restarting) is an InterfaceError.
                log.warning("list versions not read; trying again", error=str(error))


def load_screener(policy: ScreeningPolicy | None = None) -> CurrentLists:
    """The screener a process starts with: the shipped seed until PostgreSQL's lists are read."""
    match = (policy or ScreeningPolicy.load()).match_policy()
    index = RestrictedPartyIndex.build(load_list(SEED_LIST), match)
    settle_after_indexing()
    return CurrentLists(index, None, match)
