"""A generated year of decided cases, as the services publish their events: for the annual
report's test and benchmark. Each case comes with the facts it was made from, so a test counts
what the report must say without reading the register."""

from __future__ import annotations

import random
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from entrypoints.samples import sample_applications
from schemas.appeals import AppealDecided, AppealFiled, AppealResult
from schemas.application import SubmitApplication, TechnologyCategory
from schemas.cases import (
    CaseDeadlineBreached,
    CaseDecided,
    CaseReceived,
    DecisionOutcome,
    DenialGround,
)
from schemas.consultation import (
    ConsultationConcluded,
    Position,
    StakeholderKind,
    StakeholderPosition,
)
from schemas.envelope import Contract, Envelope
from schemas.screening import NoticeKind, NoticeParty, PartnerNotice
from schemas.topics import CASES, CONSULTATION_RESPONSES, SHARING_NOTICES

AGENCIES = ("DE-BAFA", "NL-CDIU", "US-BIS", "FR-SBDU", "GB-ECJU")
DESTINATIONS = ("JP", "AE", "IN", "BR", "TR", "SG", "MX", "EG", "VN", "SA", "KR", "ZA", "ID", "PK")
CONTROL_CODES = ("5A001.j", "4A005", "4D004", "3A981", "6A002", "0A979", "9A980", "5D001.e",
                 "EAR99", "1C350", "2B001", "7A003", "8A001")  # fmt: skip
TECHNOLOGIES = tuple(TechnologyCategory)
OUTCOMES = (
    (DecisionOutcome.APPROVED, 50),
    (DecisionOutcome.APPROVED_WITH_CONDITIONS, 20),
    (DecisionOutcome.DENIED, 18),
    (DecisionOutcome.RETURNED_WITHOUT_ACTION, 7),
    (DecisionOutcome.WITHDRAWN, 5),
)
HUMAN_RIGHTS_GROUNDS = (
    "Risk of use in the surveillance of journalists and human-rights defenders",
    "End user linked to arbitrary detention",
    "Risk of use in internal repression",
    "Documented misuse of intrusion software by the end user",
)
OTHER_GROUNDS = ("Diversion risk to a prohibited end use", "Incomplete end-use statement")
KINDS = tuple(StakeholderKind)
POSITIONS = (Position.NO_OBJECTION, Position.APPROVE_WITH_CONDITIONS, Position.RECOMMEND_DENIAL)
SHARED_SOURCE, RECEIVED_SOURCE = "caseflow/consultation", "partner/FR"
Published = tuple[str, Envelope[Contract]]


@dataclass
class CaseFacts:
    """What one generated case is: the test's own account of it."""

    case_id: str
    agency: str
    destination: str
    control_codes: list[str]
    technologies: list[str]
    registered_at: datetime
    decided_at: datetime
    outcome: str
    human_rights_grounds: list[str] = field(default_factory=list)
    positions: list[tuple[str, str, bool]] = field(default_factory=list)  # kind, position, silent
    dissent: bool = False
    consulted_at: datetime | None = None
    breached: bool = False
    appeal: str | None = None  # upheld / overturned
    appeal_filed_at: datetime | None = None
    appeal_decided_at: datetime | None = None


@dataclass
class NoticeFacts:
    """A notice between states: shared or received, of which kind, when."""

    direction: str
    kind: str
    at: datetime


def generate_year(
    year: int, cases: int, seed: int = 2026, first: int = 0
) -> Iterator[tuple[CaseFacts | NoticeFacts, list[Published]]]:
    """`cases` decided cases, most of them registered and decided in `year` (some registered the
    year before, some decided the year after), with their events; a notice every 50 cases."""
    rng = random.Random(seed + first)  # noqa: S311 (test data, not secrets)
    template = sample_applications()[0]
    for n in range(first, first + cases):
        yield _case(rng, template, year, n)
        if n % 50 == 0:
            yield _notice(rng, year, n)


def _case(
    rng: random.Random, template: SubmitApplication, year: int, n: int
) -> tuple[CaseFacts, list[Published]]:
    case_id = str(uuid.UUID(int=(year << 64) + n + 1, version=4))
    control = f"Y{n % 1_000_000:06d}"
    start = datetime(year, 1, 1, tzinfo=UTC) + timedelta(days=rng.uniform(-30, 360))
    days = rng.uniform(0.5, 120)
    codes = rng.sample(CONTROL_CODES, rng.choice((1, 1, 2)))
    techs = rng.sample(TECHNOLOGIES, rng.choice((0, 1, 1, 2)))
    items = [
        template.items[0].model_copy(
            update={"control_code": code, "technology_categories": techs if i == 0 else []}
        )
        for i, code in enumerate(codes)
    ]
    facts = CaseFacts(
        case_id=case_id,
        agency=rng.choice(AGENCIES),
        destination=rng.choice(DESTINATIONS),
        control_codes=codes,
        technologies=[tech.value for tech in techs],
        registered_at=start,
        decided_at=start + timedelta(days=days),
        outcome=rng.choices([o.value for o, _ in OUTCOMES], [w for _, w in OUTCOMES])[0],
    )
    application = template.model_copy(
        update={
            "submitting_agency": facts.agency,
            "agency_reference": f"YEAR-{n:07d}",
            "destination_country": facts.destination,
            "items": items,
        }
    )
    about = {
        "case_id": case_id,
        "control_number": control,
        "submitting_agency": facts.agency,
        "agency_reference": application.agency_reference,
    }
    received = CaseReceived(
        case_id=case_id, control_number=control, registered_at=start, application=application
    )
    events = [_wrap(CASES.name, received, start)]
    if rng.random() < 0.3:
        events.append(_consulted(rng, facts, start + timedelta(days=days / 2)))
    if days > 90:
        facts.breached = True
        breach_at = start + timedelta(days=90)
        breached = CaseDeadlineBreached(**about, deadline_at=breach_at, raised_at=breach_at)
        events.append(_wrap(CASES.name, breached, breach_at))
    grounds = _grounds(rng, facts) if facts.outcome == DecisionOutcome.DENIED else []
    events.append(_decided(about, facts.outcome, facts.decided_at, grounds))
    if facts.outcome in ("denied", "returned_without_action") and rng.random() < 0.2:
        events += _appealed(rng, facts, about)
    return facts, events


def _grounds(rng: random.Random, facts: CaseFacts) -> list[DenialGround]:
    chosen = rng.sample(HUMAN_RIGHTS_GROUNDS, rng.choice((0, 1, 1, 2)))
    facts.human_rights_grounds = chosen
    return [DenialGround(text=text, human_rights=True) for text in chosen] + [
        DenialGround(text=rng.choice(OTHER_GROUNDS))
    ]


def _decided(
    about: dict[str, str],
    outcome: str,
    at: datetime,
    grounds: list[DenialGround],
    appeal_id: str | None = None,
) -> Published:
    decided = CaseDecided(
        **about,
        outcome=DecisionOutcome(outcome),
        decided_at=at,
        decided_by="officer-1",
        countersigned_by="senior-1",
        rationale="generated",
        grounds=grounds,
        human_rights_assessment="generated",
        appeal_id=appeal_id,
    )
    return _wrap(CASES.name, decided, at)


def _consulted(rng: random.Random, facts: CaseFacts, at: datetime) -> Published:
    positions = []
    for i in range(rng.choice((1, 2, 3))):
        silent = rng.random() < 0.2
        position = Position.NO_OBJECTION if silent else rng.choice(POSITIONS)
        kind = rng.choice(KINDS)
        facts.positions.append((kind.value, position.value, silent))
        positions.append(
            StakeholderPosition(
                referral_id=f"{facts.case_id}/r{i}",
                stakeholder_id=f"s{i}",
                stakeholder_name=f"Stakeholder {i}",
                stakeholder_kind=kind,
                position=position,
                deemed_no_objection=silent,
                answered_at=None if silent else at,
            )
        )
    said = {p.position for p in positions}
    facts.dissent = Position.RECOMMEND_DENIAL in said and len(said) > 1
    facts.consulted_at = at
    concluded = ConsultationConcluded(
        case_id=facts.case_id,
        request_id=f"{facts.case_id}/consultation/1",
        positions=positions,
        deemed_no_objection=[p.stakeholder_id for p in positions if p.deemed_no_objection],
        dissent=facts.dissent,
        dissent_summary="generated",
        concluded_at=at,
    )
    return _wrap(CONSULTATION_RESPONSES.name, concluded, at)


def _appealed(rng: random.Random, facts: CaseFacts, about: dict[str, str]) -> list[Published]:
    appeal_id = str(uuid.uuid5(uuid.NAMESPACE_URL, f"appeal/{facts.case_id}"))
    filed_at = facts.decided_at + timedelta(days=rng.uniform(1, 40))
    decided_at = filed_at + timedelta(days=rng.uniform(1, 30))
    result = rng.choice((AppealResult.UPHELD, AppealResult.OVERTURNED))
    facts.appeal, facts.appeal_filed_at = result.value, filed_at
    facts.appeal_decided_at = decided_at
    filed = AppealFiled(
        **about,
        appeal_id=appeal_id,
        appealed_outcome=DecisionOutcome(facts.outcome),
        appealed_decided_at=facts.decided_at,
        appealed_decided_by="officer-1",
        appealed_countersigned_by="senior-1",
        grounds="generated",
        filed_at=filed_at,
        window_until=facts.decided_at + timedelta(days=45),
        window_source="15 CFR 756.2",
    )
    decided = AppealDecided(
        **about,
        appeal_id=appeal_id,
        result=result,
        appealed_outcome=DecisionOutcome(facts.outcome),
        decided_by="officer-2",
        countersigned_by="senior-2",
        decided_at=decided_at,
        rationale="generated",
    )
    events = [_wrap(CASES.name, filed, filed_at), _wrap(CASES.name, decided, decided_at)]
    if result is AppealResult.OVERTURNED:
        facts.outcome, facts.decided_at, facts.human_rights_grounds = "approved", decided_at, []
        events.append(_decided(about, "approved", decided_at, [], appeal_id))
    return events


def _notice(rng: random.Random, year: int, n: int) -> tuple[NoticeFacts, list[Published]]:
    at = datetime(year, 1, 1, tzinfo=UTC) + timedelta(days=rng.uniform(0, 364))
    shared = rng.random() < 0.5
    kind = rng.choice(tuple(NoticeKind))
    notice = PartnerNotice(
        notice_id=f"N-{year}-{n}",
        kind=kind,
        issuing_state="DE" if shared else "FR",
        issued_on=at.date(),
        parties=[NoticeParty(role="end_user", name="Generated End User", country="AE")],
        technology_categories=[TechnologyCategory.SPYWARE],
        destination_country="AE",
        reason="generated",
    )
    envelope = Envelope[Contract].wrap(
        notice,
        source=SHARED_SOURCE if shared else RECEIVED_SOURCE,
        subject=notice.notice_id,
        correlation_id=notice.notice_id,
    )
    facts = NoticeFacts("shared" if shared else "received", kind.value, at)
    return facts, [(SHARING_NOTICES.name, envelope.model_copy(update={"time": at}))]


def _wrap(topic: str, data: Contract, at: datetime) -> Published:
    envelope = Envelope[Contract].wrap(
        data,
        source="caseflow/sample",
        subject=str(getattr(data, "case_id", "")),
        correlation_id="year",
    )
    return topic, envelope.model_copy(update={"time": at})
