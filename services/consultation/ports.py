"""What consultation's use cases need of storage: one transaction over referrals and outbox."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from schemas.consultation import ConsultationConcluded, ConsultationOpened, ReferralOpened
from schemas.envelope import Publishable
from schemas.screening import PartnerNotice
from schemas.sharing import ApprovalDespiteDenial
from schemas.topics import Topic
from services.consultation.domain import Referral
from services.consultation.policy import StakeholderEntry
from services.consultation.routing import Routing


@dataclass(frozen=True)
class ConsultationRecord:
    """A consultation as recorded: whose case, in which chain of events, and whether concluded."""

    request_id: str
    case_id: str
    correlation_id: str
    opened: ConsultationOpened | None = None
    concluded: ConsultationConcluded | None = None
    cancelled_at: datetime | None = None


class ConsultationUnitOfWork(Protocol):
    """One transaction over consultation's records and outbox."""

    async def first_delivery(self, message_id: uuid.UUID) -> bool: ...
    async def publish(self, topic: Topic, envelope: Publishable) -> None: ...
    async def stakeholders(self) -> list[StakeholderEntry]: ...
    async def disabled_stakeholders(self) -> dict[str, datetime]: ...
    async def find_consultation(self, request_id: str) -> ConsultationRecord | None: ...
    async def add_consultation(
        self,
        consultation: ConsultationRecord,
        routing: Routing,
        policy_version: str,
        referrals: Sequence[ReferralOpened],
    ) -> None: ...
    async def lock_referral(
        self, referral_id: str
    ) -> tuple[Referral, ConsultationRecord] | None: ...
    async def lock_referrals(self, request_id: str) -> list[Referral]: ...
    async def save_referral(self, referral: Referral, via: str) -> None: ...
    async def conclude(self, outcome: ConsultationConcluded) -> None: ...
    async def cancel(self, request_id: str, reason: str, at: datetime) -> None: ...
    async def add_notice(
        self, notice: PartnerNotice | ApprovalDespiteDenial, case_id: str, at: datetime
    ) -> bool: ...


class ConsultationStore(Protocol):
    """Where consultation's units of work come from."""

    def unit_of_work(self) -> AbstractAsyncContextManager[ConsultationUnitOfWork]: ...
