"""Use case: a case decided or withdrawn is no longer re-screened, unless it was approved: its
licence's parties are, until the licence is revoked or expires. An approval after a denial opens
the case again, screened for the partner notices kept while it was closed."""

from __future__ import annotations

import structlog

from caseflow.messaging import HandlerTable
from schemas.cases import CaseDecided, CaseWithdrawn
from schemas.envelope import Envelope
from schemas.licences import APPROVING, LicenceStatus, LicenceStatusChanged
from services.screening.domain import Knowledge, ScreeningPolicy
from services.screening.handlers import ScreeningStore
from services.screening.notice_rescreening import OpenCase, rescreen_reopened

log = structlog.get_logger(__name__)

# A licence ends here: its case is no longer re-screened for it.
LICENCE_ENDED = (LicenceStatus.REVOKED, LicenceStatus.EXPIRED)
Closing = Envelope[CaseDecided] | Envelope[CaseWithdrawn] | Envelope[LicenceStatusChanged]


async def close_case(
    event: Closing, store: ScreeningStore, policy: ScreeningPolicy, standing: Knowledge
) -> bool:
    """Stop re-screening a decided or withdrawn case, or open again an approved one (a later
    approval, after an appeal); False for a repeated delivery."""
    data = event.data
    if isinstance(data, LicenceStatusChanged) and data.status not in LICENCE_ENDED:
        return False
    async with store.unit_of_work() as uow:
        if not await uow.first_delivery(event.id):
            return False
        if not isinstance(data, CaseDecided) or data.outcome.value not in APPROVING:
            await uow.close_case(data.case_id, event.type)
            return True
        application = await uow.reopen_case(data.case_id)
        if application is not None:  # it had been closed: notices may have come meanwhile
            case = OpenCase(data.case_id, application)
            notices = await rescreen_reopened(uow, case, policy, standing, event.correlation_id)
            log.info("case opened again", case_id=data.case_id, rescreened_for=notices)
        return True


def closing_table(
    store: ScreeningStore, policy: ScreeningPolicy, standing: Knowledge
) -> HandlerTable[bool]:
    """The case events that end re-screening; the cases topic carries others, skipped."""

    async def closing(event: Closing) -> bool:
        return await close_case(event, store, policy, standing)

    return (
        HandlerTable[bool]("a case closing")
        .on(CaseDecided, closing)
        .on(CaseWithdrawn, closing)
        .on(LicenceStatusChanged, closing)
    )
