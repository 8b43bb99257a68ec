"""Use case: after a list update, screen again the subjects whose result the update changes.

The work grows with what the update changed, not with the list or the open caseload: the
changed entries' match keys find the subjects whose parties could match them, and the entries
an update changed or removed find the subjects that matched them; only those are screened
again against the updated lists, each as a full screen would but on the entries its result
may now hold or lose (rescreen_scope.py). So are the subjects whose hit on an entry the update
left as it was a full screen no longer finds. A result is published where it differs in what
matters: a hit on an added or changed entry, or a hit gone.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
import uuid
from collections.abc import AsyncIterator, Iterator, Sequence
from dataclasses import dataclass, field, replace
from typing import Protocol

from schemas.envelope import Envelope, Publishable, utcnow
from schemas.screening import ListUpdated, ScreeningCompleted
from schemas.topics import Topic
from services.screening.domain import Knowledge, Screening, ScreeningPolicy, screening_result
from services.screening.handlers import KnowledgeSource, knowledge_for_each, result_published
from services.screening.list_diff import ListChange
from services.screening.list_moves import ListMoves
from services.screening.ports import Store, Transaction
from services.screening.rescreen_news import nothing_new, what_changed
from services.screening.rescreen_scope import LikelyToChange
from services.screening.rescreen_screens import (
    FullScreens,
    PairScorer,
    Scoped,
    held_entries,
    screened_among,
)
from services.screening.rules import parties
from services.screening.screen_workers import Named, ScreenWorkers
from services.screening.screened_subjects import (
    EarlierCases,
    ScreenedSubject,
    register_open_cases,
    uncleared_hits,
)


class RescreeningUnitOfWork(Transaction, KnowledgeSource, EarlierCases, Protocol):
    """One transaction over the list changes, the subjects, the results and the outbox."""

    async def handled(self, message_id: uuid.UUID) -> bool: ...
    async def hold_subjects(self) -> None: ...
    async def list_changes(self, name: str, version: int) -> list[ListChange]: ...
    async def results_found(self, request_ids: Sequence[str]) -> set[str]: ...
    async def add_results(self, results: Sequence[ScreeningCompleted]) -> None: ...
    async def publish_many(self, events: Sequence[tuple[Topic, Publishable]]) -> None: ...
    async def rescreened_through(self, list_version: str) -> None: ...


RescreeningStore = Store[RescreeningUnitOfWork]
YIELD_EVERY = 20  # subjects handled between two turns given to the event loop
# Subjects screened again and published together: their cases take the new result while the
# next chunk is found (a few statements a chunk, a dozen chunks for a thousand new results).
CHUNK = 100
IN_PROCESS = ScreenWorkers(processes=1)


@dataclass(frozen=True)
class Rescreened:
    """What a list update did: subjects looked at, screened again, and the cases given a new
    result; seconds spent finding and scoring the candidates, and screening them again; the
    parties screened on every entry."""

    candidates: int = 0
    cases: list[str] = field(default_factory=list)
    screened: int = 0
    finding_seconds: float = 0.0
    screening_seconds: float = 0.0
    full_screens: int = 0


async def rescreen_affected(
    update: Envelope[ListUpdated],
    store: RescreeningStore,
    policy: ScreeningPolicy,
    standing: Knowledge,
    workers: ScreenWorkers = IN_PROCESS,
) -> Rescreened:
    """Publish a new result for each subject the update changes; the cases re-screened.

    The subjects are found and screened again a chunk at a time, each chunk's results kept and
    published in a transaction of its own, so that the first cases take their new result while
    the rest are looked at; the parties of the subjects screened in full are screened ahead on
    `workers`. The update counts as handled once every chunk is; delivered again before then,
    it is handled again, a result already kept not screened twice.
    `standing.screener` must index the update's version: results record the lists they used.
    """
    listed = update.data
    scorer = standing.screener if isinstance(standing.screener, PairScorer) else None
    through, moves = scorer.moves() if scorer is not None else (0, None)
    search, finding = None, Stopwatch()
    held: dict[Named, frozenset[str]] = {}
    async with store.unit_of_work() as uow:
        if await uow.handled(update.id):
            return Rescreened()
        changes = await uow.list_changes(listed.list_name, listed.number)
        if changes:
            with finding:
                search, held = await _found(uow, changes, policy, standing, scorer, moves)
    rescreened = Rescreened()
    if search is not None:
        with _full_screens(search, workers, moves, held) as screens:
            rescreened = await _by_chunk(search, store, update, policy, standing, finding, screens)
    async with store.unit_of_work() as uow:
        await uow.first_delivery(update.id)
        if search is not None and moves is not None:
            await uow.rescreened_through(moves.version)  # a process started on them knows
    if scorer is not None and search is not None:
        scorer.followed(through)
        if screens is not None:
            scorer.remember(*screens.retrieved())
    return rescreened


async def _found(
    uow: RescreeningUnitOfWork,
    changes: Sequence[ListChange],
    policy: ScreeningPolicy,
    standing: Knowledge,
    scorer: PairScorer | None,
    moves: ListMoves | None,
) -> tuple[LikelyToChange, dict[Named, frozenset[str]]]:
    """The subjects the update may change, read while no other writes one, and the entries each
    party to screen in full may have hit before (where what moved since tells)."""
    # A case screened on the lists before this update, and kept while the subjects are read, is
    # read (kept first) or screened again (kept after: `screen_case`).
    await uow.hold_subjects()
    registered = await register_open_cases(uow, policy)
    # A case opened again (approved on appeal) holds the hits of the lists it was last screened
    # on: on others, an entry listed since could match it, changed by this update or not.
    behind = [subject for subject, on in registered if on != standing.screener.list_version]
    search = await LikelyToChange.read(uow, changes, scorer, policy.match_policy(), moves, behind)
    if moves is None or not moves.came_through:
        return search, {}  # every party in full
    ids = {subject.id for subject in behind}  # its hits are of other lists than `moves` left
    return search, await _held(uow, [s for s in search.moved if s.subject.id not in ids])


@contextlib.contextmanager
def _full_screens(
    search: LikelyToChange,
    workers: ScreenWorkers,
    moves: ListMoves | None,
    held: dict[Named, frozenset[str]],
) -> Iterator[FullScreens | None]:
    """The parties' full screens for this re-screen (none without a scorer of the current
    lists), each on what moved since it was screened where that tells (`moves`, `held`):
    those of the subjects screened in full made ahead on the workers, if worth it."""
    if search.scorer is None:
        yield None
        return
    named = [named for scoped in search.moved for named in scoped.full]
    retrieved = {} if moves is None else search.scorer.retrieved_since(moves)
    if not workers.worth_it(len(set(named))):
        yield FullScreens(search.scorer, None, moves, held, retrieved)
        return
    with workers.forked(search.scorer, moves) as pool:
        screens = FullScreens(search.scorer, pool, moves, held, retrieved)
        screens.ahead(named)
        yield screens


async def _held(uow: RescreeningUnitOfWork, moved: Sequence[Scoped]) -> dict[Named, frozenset[str]]:
    """The entries each party screened in full may have hit before (`held_entries`)."""
    applications = [scoped.subject.application for scoped in moved]
    keys = {key for application in applications for key in parties.party_keys(application)}
    return held_entries(moved, await uow.clearances_for(sorted(keys)) if keys else [])


async def _by_chunk(
    search: LikelyToChange,
    store: RescreeningStore,
    update: Envelope[ListUpdated],
    policy: ScreeningPolicy,
    standing: Knowledge,
    finding: Stopwatch,
    screens: FullScreens | None,
) -> Rescreened:
    """Screen again each chunk of subjects as it is found, in a transaction of its own
    (`finding` has timed the candidates' reading: it times the finding of each chunk too)."""
    cases: list[str] = []
    screened, screening = 0, Stopwatch()
    chunks = aiter(search.chunks(CHUNK))
    while likely := await _next_timed(chunks, finding):
        with screening:
            async with store.unit_of_work() as uow:
                kept = await _rescreen(uow, likely, update, search, policy, standing, screens)
        cases += [subject.case_id for subject in kept]
        screened += len(likely)
    full = 0 if screens is None else screens.made
    return Rescreened(search.looked_at, cases, screened, finding.seconds, screening.seconds, full)


async def _next_timed(chunks: AsyncIterator[list[Scoped]], stopwatch: Stopwatch) -> list[Scoped]:
    """The next chunk found (none left: empty), its finding timed."""
    with stopwatch:
        return await anext(chunks, [])


class Stopwatch:
    """Seconds spent in the blocks it times, added up."""

    def __init__(self) -> None:
        self.seconds = 0.0
        self._began = 0.0

    def __enter__(self) -> None:
        self._began = time.perf_counter()

    def __exit__(self, *_: object) -> None:
        self.seconds += time.perf_counter() - self._began


async def _rescreen(
    uow: RescreeningUnitOfWork,
    likely: Sequence[Scoped],
    update: Envelope[ListUpdated],
    search: LikelyToChange,
    policy: ScreeningPolicy,
    standing: Knowledge,
    screens: FullScreens | None,
) -> list[ScreenedSubject]:
    """Screen the subjects again (each on the entries it may now match or no longer, given the
    search's scorer of the current lists); publish and keep the results the update changed (a few
    statements for all of them, not a round trip per subject); the subjects re-screened."""
    # The workflow takes a re-screen whose id names the list versions the result records.
    version = standing.screener.list_version
    requests = {s.subject.reference: f"{s.subject.reference}/rescreen/{version}" for s in likely}
    answered = await uow.results_found(list(requests.values()))
    likely = [s for s in likely if requests[s.subject.reference] not in answered]
    applications = [s.subject.application for s in likely]
    known = await knowledge_for_each(uow, applications, standing)
    if search.scorer is not None and screens is not None:
        await screens.ready(named for s in likely for named in s.full)
        known = screened_among(search.scorer, likely, known, screens)
    listed, results, kept = update.data, [], []
    for number, (scoped, knowledge) in enumerate(zip(likely, known, strict=True)):
        if number % YIELD_EVERY == 0:
            await asyncio.sleep(0)
        subject = scoped.subject
        # A hit a reviewer has since cleared is no news either way.
        cleared = {clearance.entry_id for clearance in knowledge.clearances}
        before = subject.hits - cleared
        if nothing_new(before, subject.application, knowledge, policy, search.change_of):
            continue  # most subjects looked at keep their hits: no result is assembled
        screening = Screening(requests[subject.reference], subject.case_id, subject.application)
        result = screening_result(screening, policy, knowledge, utcnow())
        reasons = what_changed(before, result, policy, search.change_of)
        if not reasons:
            continue  # a near name, or a match a reviewer cleared: nothing new to tell
        reason = f"list_update: {listed.list_name} {listed.number}: {'; '.join(reasons)}"
        results.append(result.model_copy(update={"reason": reason}))
        kept.append((replace(subject, hits=uncleared_hits(results[-1], policy)), subject.hits))
    await uow.add_results(results)
    await uow.publish_many(
        [result_published(result, update.correlation_id, result.request_id) for result in results]
    )
    await uow.change_hits(kept)
    return [subject for subject, _ in kept]
