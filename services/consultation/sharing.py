"""Information sharing: this state's denial and risk notices, told to partner states."""

from __future__ import annotations

from datetime import datetime

from schemas.consultation import ShareNotice
from schemas.envelope import Envelope, derived_id
from schemas.topics import SHARING_NOTICES
from services.consultation.config import SOURCE
from services.consultation.disclosure import partner_notice
from services.consultation.handlers import Handled
from services.consultation.ports import ConsultationStore


async def share_notice(
    message: Envelope[ShareNotice], store: ConsultationStore, now: datetime
) -> Handled:
    """Record the notice and publish it to partner states once per notice id."""
    async with store.unit_of_work() as uow:
        if not await uow.first_delivery(message.id):
            return Handled.ALREADY_PROCESSED
        notice = partner_notice(message.data, now)
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
