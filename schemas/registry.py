"""Every contract by its envelope type, for decoding and for the JSON Schema export."""

from __future__ import annotations

from schemas.agency import DecisionIssued
from schemas.appeals import (
    AppealDecided,
    AppealDecision,
    AppealFiled,
    AppealRuled,
    AppealSentBack,
)
from schemas.application import AmendApplication, SubmitApplication, WithdrawApplication
from schemas.cases import (
    CaseAmended,
    CaseDeadlineApproaching,
    CaseDeadlineBreached,
    CaseDecided,
    CaseEscalationAppealed,
    CaseEscalationApproaching,
    CaseEscalationDecided,
    CaseEscalationOverdue,
    CaseReceived,
    CaseReferralTargetApproaching,
    CaseReferralTargetMissed,
    CaseStatusChanged,
    CaseWithdrawn,
)
from schemas.consultation_messages import ConsultationCommands, ConsultationFacts
from schemas.envelope import Contract, contracts_of
from schemas.intake import SubmissionRejected
from schemas.licences import LICENCE_EVENTS, ReportShipment
from schemas.review import ReviewerActed
from schemas.screening import (
    HitCleared,
    ListUpdated,
    PartnerNotice,
    ScreeningCompleted,
    ScreeningRequested,
)
from schemas.sharing import ApprovalDespiteDenial

CONTRACTS: tuple[type[Contract], ...] = (
    SubmitApplication,
    AmendApplication,
    WithdrawApplication,
    SubmissionRejected,
    CaseReceived,
    CaseAmended,
    CaseWithdrawn,
    CaseStatusChanged,
    ScreeningRequested,
    ScreeningCompleted,
    HitCleared,
    CaseDecided,
    DecisionIssued,
    CaseDeadlineApproaching,
    CaseDeadlineBreached,
    CaseEscalationOverdue,
    CaseEscalationApproaching,
    CaseEscalationDecided,
    CaseEscalationAppealed,
    CaseReferralTargetApproaching,
    CaseReferralTargetMissed,
    ListUpdated,
    PartnerNotice,
    *contracts_of(ConsultationCommands),
    *contracts_of(ConsultationFacts),
    ApprovalDespiteDenial,
    ReviewerActed,
    ReportShipment,
    *LICENCE_EVENTS,
    AppealDecision,
    AppealFiled,
    AppealRuled,
    AppealSentBack,
    AppealDecided,
)

BY_TYPE: dict[str, type[Contract]] = {contract.type_name(): contract for contract in CONTRACTS}
