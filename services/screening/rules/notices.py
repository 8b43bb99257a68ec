"""Partner-notice rules: a partner state denied, or warned of, an essentially identical deal."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from schemas.application import SubmitApplication
from schemas.screening import Finding, FindingCategory, PartnerConsultation, PartnerNotice
from schemas.sharing import ApprovalDespiteDenial
from services.screening.matching import RestrictedPartyEntry, RestrictedPartyIndex
from services.screening.policy import ScreeningPolicy
from services.screening.rules.items import technology_categories


@dataclass(frozen=True)
class NoticeFindings:
    """Findings from partner notices, and the states to consult because of them."""

    findings: list[Finding] = field(default_factory=list)
    consultations: list[PartnerConsultation] = field(default_factory=list)

    @property
    def route(self) -> list[str]:
        """The states to consult, as the recommended route names them."""
        return [
            f"{c.state} ({c.kind.value} notice {c.notice_id}"
            + (f", {c.contact})" if c.contact else ")")
            for c in self.consultations
        ]


def partner_notice_findings(
    application: SubmitApplication,
    policy: ScreeningPolicy,
    notices: Sequence[PartnerNotice],
    approvals: Sequence[ApprovalDespiteDenial] = (),
) -> NoticeFindings:
    """Same end user or consignee, same technology category, same destination: a finding; the
    reviewer also reads which states approved despite that denial, and why."""
    categories = technology_categories(application, policy)
    found = NoticeFindings()
    for notice in notices:
        if notice.destination_country != application.destination_country:
            continue
        shared = sorted(categories & {category.value for category in notice.technology_categories})
        same_party = _same_parties(application, notice)
        if not shared or not same_party:
            continue
        rule = policy.partner_notices[notice.kind]
        # A state's own notices travel on the same topic: no need to consult oneself.
        own = notice.issuing_state == submitting_state(application)
        found.findings.append(
            Finding(
                category=FindingCategory.PARTNER_NOTICE,
                severity=rule.severity,
                evidence=f"{notice.kind.value} notice {notice.notice_id} from "
                f"{notice.issuing_state} ({notice.issued_on.isoformat()}): "
                f"{'; '.join(same_party)}; same technology ({', '.join(shared)}); "
                f"same destination {notice.destination_country}",
                explanation=f"{rule.own_state_explanation if own else rule.explanation}. "
                f"Grounds given: {notice.reason} "
                f"({policy.cite(rule.source)})" + approved_despite(notice, approvals),
                reference=f"partner_notice:{notice.notice_id}",
            )
        )
        if own:
            continue
        found.consultations.append(
            PartnerConsultation(
                state=notice.issuing_state,
                kind=notice.kind,
                notice_id=notice.notice_id,
                contact=notice.contact,
            )
        )
    return found


def approved_despite(notice: PartnerNotice, approvals: Sequence[ApprovalDespiteDenial]) -> str:
    """What other states said when they approved an export despite this denial; empty if none."""
    said = [
        f" {approval.issuing_state} approved an essentially identical transaction despite this "
        f"denial ({approval.issued_on.isoformat()}, notice {approval.notice_id}): "
        f"{approval.explanation}"
        for approval in approvals
        if any(
            (denial.state, denial.notice_id) == (notice.issuing_state, notice.notice_id)
            for denial in approval.overridden
        )
    ]
    return "".join(said)


def submitting_state(application: SubmitApplication) -> str:
    """The state of the submitting agency, by the registry's `<country>-<agency>` codes."""
    return application.submitting_agency.split("-", 1)[0]


def _same_parties(application: SubmitApplication, notice: PartnerNotice) -> list[str]:
    """The application's end users and consignees that match a party the notice names."""
    named = RestrictedPartyIndex.build(
        RestrictedPartyEntry(
            source=f"{notice.issuing_state} {notice.kind.value} notice {notice.notice_id}",
            entry_id=f"{notice.notice_id}/{position}",
            name=party.name,
            countries=(party.country,) if party.country else (),
        )
        for position, party in enumerate(notice.parties)
    )
    return [
        f"{role.replace('_', ' ')} '{party.name}' is the notice's '{hit.entry_name}'"
        for role, party in application.parties()
        if role not in ("applicant", "purchaser")
        for hit in named.screen(party.name, party.address.country)[:1]
    ]
