"""Information sharing: this state's denial and risk notices, and its approvals despite a
partner's denial (EU 2021/821 Art. 16), told to partner states."""

from __future__ import annotations

from datetime import datetime

from schemas.consultation import ShareNotice
from schemas.envelope import Envelope, derived_id
from schemas.screening import PartnerNotice
from schemas.sharing import ApprovalDespiteDenial, ShareApprovalDespiteDenial
from schemas.topics import SHARING_NOTICES
from services.consultation.config import SOURCE
from services.consultation.disclosure import approval_notice, partner_notice
from services.consultation.effects import Handled
from services.consultation.ports import ConsultationStore


async def share_notice(
    message: Envelope[ShareNotice], store: ConsultationStore, now: datetime
) -> Handled:
    """Record the notice and publish it to partner states once per notice id."""
    return await _share_once(message, partner_notice(message.data, now), store, now)


async def share_approval(
    message: Envelope[ShareApprovalDespiteDenial], store: ConsultationStore, now: datetime
) -> Handled:
    """Tell partner states, once per case, that an approval went against a partner's denial."""
    return await _share_once(message, approval_notice(message.data, now), store, now)


async def _share_once(
    message: Envelope[ShareNotice] | Envelope[ShareApprovalDespiteDenial],
    notice: PartnerNotice | ApprovalDespiteDenial | None,
    store: ConsultationStore,
    now: datetime,
) -> Handled:
    """Record the notice and publish it through the outbox, once per command and notice id."""
    async with store.unit_of_work() as uow:
        if not await uow.first_delivery(message.id):
            return Handled.ALREADY_PROCESSED
        if notice is None:
            return Handled.REFUSED
        if not await uow.add_notice(notice, message.data.case_id, now):
            return Handled.ALREADY_PROCESSED
        envelope = Envelope.wrap(
            notice,
            source=SOURCE,
            subject=message.data.case_id,
            correlation_id=message.correlation_id,
            event_id=derived_id("notice", notice.notice_id),
        )
        await uow.publish(SHARING_NOTICES, envelope)
        return Handled.DONE
