"""What the requests topic carries and the use case for each: a screening request is screened
(timed and counted); a list update brings the index up to date and re-screens open cases."""

from __future__ import annotations

import time

import structlog

from caseflow.messaging import HandlerTable
from caseflow.uow import PoolOwner
from schemas.envelope import Envelope
from schemas.screening import ListUpdated, ScreeningRequested
from services.screening.current_lists import CurrentLists
from services.screening.domain import Knowledge, ScreeningPolicy
from services.screening.handlers import ScreenedOnOutdatedKnowledge, ScreeningStore, screen_case
from services.screening.metrics import RESCREENED, SCREENED_AGAIN, record_screening
from services.screening.rescreening import IN_PROCESS, RescreeningStore, rescreen_affected
from services.screening.screen_workers import ScreenWorkers, workers_cpu_seconds

log = structlog.get_logger(__name__)


def request_table(
    store: ScreeningStore,
    rescreening: RescreeningStore,
    policy: ScreeningPolicy,
    standing: Knowledge,
    lists: CurrentLists,
    owner: PoolOwner,
    workers: ScreenWorkers = IN_PROCESS,
) -> HandlerTable[None]:
    """Screening requests and list updates, each to its use case (a re-screen's full screens
    on `workers`)."""

    async def screen(request: Envelope[ScreeningRequested]) -> None:
        began = time.perf_counter()
        # A case is screened on the versions PostgreSQL holds: a version loaded since the lists
        # were last polled is indexed first, and one loaded (or a partner notice kept) while the
        # case was screened, whose re-screen may have read the open cases already, has it
        # screened again.
        while True:
            await lists.refresh(owner.pool)
            try:
                screened = await screen_case(request, store, policy, standing)
                break
            except ScreenedOnOutdatedKnowledge as outdated:
                SCREENED_AGAIN.inc()
                log.info("screened again", case_id=request.data.case_id, why=str(outdated))
        parties = len(request.data.application.parties())
        record_screening(screened, parties, time.perf_counter() - began)
        log.info(
            "screening request handled", case_id=request.data.case_id, outcome=screened.outcome
        )

    async def take_list_update(update: Envelope[ListUpdated]) -> None:
        began, cpu, workers_cpu = time.perf_counter(), time.process_time(), workers_cpu_seconds()
        await lists.refresh(owner.pool)
        indexed = time.perf_counter() - began
        rescreened = await rescreen_affected(update, rescreening, policy, standing, workers)
        RESCREENED.inc(len(rescreened.cases))
        log.info(
            "list update",
            list=update.data.list_version,
            candidates=rescreened.candidates,
            screened=rescreened.screened,
            full_screens=rescreened.full_screens,
            rescreened=len(rescreened.cases),
            index_s=round(indexed, 3),
            finding_s=round(rescreened.finding_seconds, 3),
            screening_s=round(rescreened.screening_seconds, 3),
            cpu_s=round(time.process_time() - cpu, 3),
            workers_cpu_s=round(workers_cpu_seconds() - workers_cpu, 3),
        )

    return (
        HandlerTable[None]("a screening request")
        .on(ScreeningRequested, screen)
        .on(ListUpdated, take_list_update)
    )
