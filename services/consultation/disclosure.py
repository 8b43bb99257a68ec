"""Data minimisation: the case as one audience may see it, and what a partner notice names."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import datetime

from schemas.consultation import (
    CaseItem,
    CaseParty,
    ConsultationRequested,
    ReferralCase,
    ReferralOpened,
    ShareNotice,
    StakeholderKind,
)
from schemas.envelope import derived_id
from schemas.screening import Finding, NoticeParty, PartnerNotice
from schemas.sharing import ApprovalDespiteDenial, ShareApprovalDespiteDenial
from services.consultation.domain import Referral
from services.consultation.policy import Disclosure
from services.consultation.routing import Referee

INDIVIDUAL_WITHHELD = "[individual: name withheld]"
COMMERCIAL_VALUES = "commercial values (quantities, prices, totals)"
PERSONAL_DATA = "personal data of individuals (names, also in free text)"
# Who must be named for a partner to recognise an essentially identical transaction.
NOTICE_ROLES = frozenset({"end_user", "ultimate_consignee", "intermediate_consignee"})


def referral_case(request: ConsultationRequested, disclosure: Disclosure) -> ReferralCase:
    """The case without commercial values or personal data, unless the audience may see them."""
    redact = _Redactor([p.name for p in request.case_summary.parties if p.individual])
    personal = disclosure.personal_data
    summary = request.case_summary
    withheld = [] if disclosure.commercial_values else [COMMERCIAL_VALUES]
    withheld += [] if personal else [PERSONAL_DATA]
    return ReferralCase(
        control_number=request.control_number,
        destination_country=request.destination_country,
        risk_level=request.risk_level,
        technology_categories=request.technology_categories,
        control_codes=request.control_codes,
        findings=request.findings if personal else [_redacted(f, redact) for f in request.findings],
        parties=summary.parties if personal else [_anonymous(p) for p in summary.parties],
        end_use_statement=summary.end_use_statement
        if personal
        else redact(summary.end_use_statement),
        items=summary.items
        if disclosure.commercial_values
        else [_without_values(item) for item in summary.items],
        withheld=withheld,
    )


def partner_notice(command: ShareNotice, on: datetime) -> PartnerNotice | None:
    """The minimum a partner needs to recognise an essentially identical transaction: end users
    and consignees, destination, control codes and technology; no values, no applicant.

    None when the command names no end user or consignee: nothing could be recognised."""
    parties = notice_parties(command.parties)
    if not parties:
        return None
    return PartnerNotice(
        notice_id=command.notice_id,
        kind=command.kind,
        issuing_state=command.issuing_state,
        issued_on=on.date(),
        parties=parties,
        technology_categories=command.technology_categories,
        control_codes=command.control_codes,
        destination_country=command.destination_country,
        reason=command.reason,
        contact=command.contact,
    )


def approval_notice(
    command: ShareApprovalDespiteDenial, on: datetime
) -> ApprovalDespiteDenial | None:
    """What partner states are told of an approval despite a denial: the denials overridden, the
    transaction as a denial notice names it, the decision and why; names of individuals withheld,
    also in the explanation. None when no end user or consignee could be named."""
    parties = notice_parties([_anonymous(party) for party in command.parties])
    if not parties:
        return None
    redact = _Redactor([party.name for party in command.parties if party.individual])
    return ApprovalDespiteDenial(
        notice_id=command.notice_id,
        issuing_state=command.issuing_state,
        issued_on=on.date(),
        overridden=command.overridden,
        decision=command.decision,
        explanation=redact(command.explanation),
        parties=parties,
        technology_categories=command.technology_categories,
        control_codes=command.control_codes,
        destination_country=command.destination_country,
    )


def referral_opened(
    asked: ConsultationRequested,
    referee: Referee,
    disclosure: Mapping[StakeholderKind, Disclosure],
    now: datetime,
    due_at: datetime,
) -> ReferralOpened:
    """The referral to one stakeholder, with what its kind may see of the case."""
    stakeholder = referee.stakeholder
    return ReferralOpened(
        referral_id=str(derived_id("referral", asked.request_id, stakeholder.id)),
        request_id=asked.request_id,
        case_id=asked.case_id,
        stakeholder_id=stakeholder.id,
        stakeholder_name=stakeholder.name,
        stakeholder_kind=stakeholder.kind,
        channel=stakeholder.channel,
        opened_at=now,
        due_at=due_at,
        required=referee.required,
        case=referral_case(asked, disclosure[stakeholder.kind]),
    )


def referral_from(opened: ReferralOpened) -> Referral:
    """The referral record an opened referral starts as."""
    return Referral(
        referral_id=opened.referral_id,
        request_id=opened.request_id,
        case_id=opened.case_id,
        stakeholder_id=opened.stakeholder_id,
        stakeholder_name=opened.stakeholder_name,
        stakeholder_kind=opened.stakeholder_kind,
        opened_at=opened.opened_at,
        due_at=opened.due_at,
        channel=opened.channel,
    )


def notice_parties(parties: list[CaseParty]) -> list[NoticeParty]:
    """End users and consignees only: enough to recognise the transaction, nothing commercial."""
    return [
        NoticeParty(role=party.role, name=party.name, country=party.country)
        for party in parties
        if party.role in NOTICE_ROLES
    ]


def _anonymous(party: CaseParty) -> CaseParty:
    if not party.individual:
        return party
    return party.model_copy(update={"name": INDIVIDUAL_WITHHELD})


def _without_values(item: CaseItem) -> CaseItem:
    return item.model_copy(
        update={"quantity": None, "unit_value": None, "total_value": None, "currency": None}
    )


def _redacted(finding: Finding, redact: _Redactor) -> Finding:
    return finding.model_copy(
        update={"evidence": redact(finding.evidence), "explanation": redact(finding.explanation)}
    )


class _Redactor:
    """Replaces the names of individuals in free text, whatever their case or spacing."""

    def __init__(self, names: list[str]) -> None:
        patterns = [r"\s+".join(map(re.escape, name.split())) for name in names if name.strip()]
        self._pattern = re.compile("|".join(patterns), re.IGNORECASE) if patterns else None

    def __call__(self, text: str) -> str:
        if self._pattern is None:
            return text
        return self._pattern.sub(INDIVIDUAL_WITHHELD, text)
