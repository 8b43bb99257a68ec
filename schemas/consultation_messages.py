"""The consultation service's messages as they travel: the commands it takes and the facts it
publishes on caseflow.consultation.responses. Its AsyncAPI document describes its messages by
these, and the contract registry lists their contracts among all others."""

from __future__ import annotations

from schemas.consultation import (
    ConsultationCancelled,
    ConsultationConcluded,
    ConsultationDeadlinePassed,
    ConsultationOpened,
    ConsultationReminderDue,
    ConsultationRequested,
    ReferralAnswered,
    ReferralCancelled,
    ReferralExtended,
    ReferralExtensionGranted,
    ReferralOpened,
    ReferralReminded,
    ReferralResponseRecorded,
    ReferralResponseRefused,
    ShareNotice,
)
from schemas.envelope import Envelope
from schemas.sharing import ShareApprovalDespiteDenial
from schemas.stakeholders import (
    StakeholderConflictDeclared,
    StakeholderConflictWithdrawn,
    StakeholderDisabled,
    StakeholderEnabled,
    StakeholderRegistered,
    StakeholderUpdated,
)

ConsultationCommands = (
    Envelope[ConsultationRequested]
    | Envelope[ConsultationDeadlinePassed]
    | Envelope[ReferralExtensionGranted]
    | Envelope[ReferralAnswered]
    | Envelope[ConsultationReminderDue]
    | Envelope[ConsultationCancelled]
    | Envelope[ShareNotice]
    | Envelope[ShareApprovalDespiteDenial]
)
ConsultationFacts = (
    Envelope[ConsultationOpened]
    | Envelope[ReferralOpened]
    | Envelope[ReferralExtended]
    | Envelope[ReferralResponseRecorded]
    | Envelope[ReferralResponseRefused]
    | Envelope[ReferralReminded]
    | Envelope[ReferralCancelled]
    | Envelope[ConsultationConcluded]
    | Envelope[StakeholderRegistered]
    | Envelope[StakeholderUpdated]
    | Envelope[StakeholderConflictDeclared]
    | Envelope[StakeholderDisabled]
    | Envelope[StakeholderEnabled]
    | Envelope[StakeholderConflictWithdrawn]
)
