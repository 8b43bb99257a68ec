"""The appeal's tasks, state and rules: who may rule and countersign, and what a ruling holds.

Pure: no Temporal calls, so the rules are tested without a server and replay as they ran."""

from __future__ import annotations

from datetime import datetime, timedelta
from enum import StrEnum

from pydantic import BaseModel, Field

from schemas.appeals import AppealDecided, AppealFiled, AppealResult
from schemas.cases import CaseDecided, DecisionOutcome
from workflows.tasks import SignedTask


class AppealPolicy(BaseModel):
    """How soon an appeal should be ruled on and countersigned, and the rule it comes from."""

    rule_within: timedelta = timedelta(days=30)
    source: str = "caseflow default"


class AppealInput(BaseModel):
    """What starts an appeal: the filing as intake accepted it."""

    filed: AppealFiled
    correlation_id: str
    policy: AppealPolicy = Field(default_factory=AppealPolicy)


class AppealRuling(SignedTask):
    """An officer not involved in the decision rules: the decision stands or is set aside."""

    result: AppealResult
    rationale: str = Field(description="Why the decision stands or is set aside.")
    conditions: list[str] = Field(
        default_factory=list, description="Licence conditions of an overturned decision."
    )
    assessment_conclusion: str = Field(
        default="",
        description="For an overturned decision: the human-rights conclusion of the approval.",
    )


class AppealCountersignature(SignedTask):
    """A senior officer, other than the ruling officer, agrees (or sends the ruling back)."""

    agree: bool = True
    note: str = ""


class AppealStatus(StrEnum):
    """Where an appeal stands."""

    AWAITING_RULING = "awaiting_ruling"
    AWAITING_COUNTERSIGNATURE = "awaiting_countersignature"
    UPHELD = "upheld"
    OVERTURNED = "overturned"


FINAL = (AppealStatus.UPHELD, AppealStatus.OVERTURNED)


class AppealState(BaseModel):
    """The appeal as it stands: the filing, the ruling awaiting countersignature, the outcome."""

    filed: AppealFiled
    correlation_id: str
    policy: AppealPolicy
    status: AppealStatus = AppealStatus.AWAITING_RULING
    ruling: AppealRuling | None = None
    countersigned_by: str | None = None
    decided_at: datetime | None = None
    events_queued: int = 0
    history: list[str] = Field(default_factory=list)

    @property
    def involved(self) -> set[str]:
        """The officers who took the decision appealed: none of them may rule or countersign."""
        filed = self.filed
        return {who for who in (filed.appealed_decided_by, filed.appealed_countersigned_by) if who}

    @property
    def due_at(self) -> datetime:
        """When the ruling and its countersignature are due (a target, not a legal limit)."""
        return self.filed.filed_at + self.policy.rule_within


class AppealView(BaseModel):
    """The appeal as the desk, the CLI and operators read it."""

    appeal_id: str
    case_id: str
    control_number: str
    submitting_agency: str
    agency_reference: str
    appealed_outcome: DecisionOutcome
    appealed_decided_by: str
    appealed_countersigned_by: str | None
    grounds: str
    filed_at: datetime
    due_at: datetime
    status: AppealStatus
    ruling: AppealRuling | None
    countersigned_by: str | None
    decided_at: datetime | None
    history: list[str]


def view_of(state: AppealState) -> AppealView:
    """The appeal's view."""
    filed = state.filed
    return AppealView(
        appeal_id=filed.appeal_id,
        case_id=filed.case_id,
        control_number=filed.control_number,
        submitting_agency=filed.submitting_agency,
        agency_reference=filed.agency_reference,
        appealed_outcome=filed.appealed_outcome,
        appealed_decided_by=filed.appealed_decided_by,
        appealed_countersigned_by=filed.appealed_countersigned_by,
        grounds=filed.grounds,
        filed_at=filed.filed_at,
        due_at=state.due_at,
        status=state.status,
        ruling=state.ruling,
        countersigned_by=state.countersigned_by,
        decided_at=state.decided_at,
        history=list(state.history),
    )


def ruling_problems(state: AppealState, ruling: AppealRuling) -> list[str]:
    """Every reason the ruling cannot be accepted now."""
    problems = []
    if state.status is not AppealStatus.AWAITING_RULING:
        problems.append(
            f"the appeal is {state.status.value.replace('_', ' ')}, not awaiting a ruling"
        )
    if ruling.reviewer.id in state.involved:
        problems.append(
            f"{ruling.reviewer.id} took part in the decision appealed: an officer not involved "
            "in it rules on the appeal"
        )
    if not ruling.rationale.strip():
        problems.append("rationale: say why the decision stands or is set aside")
    if ruling.result is AppealResult.OVERTURNED and not ruling.assessment_conclusion.strip():
        problems.append(
            "assessment_conclusion: an overturned decision approves the licence and records its "
            "human-rights conclusion"
        )
    if ruling.result is AppealResult.UPHELD and ruling.conditions:
        problems.append("conditions: only an overturned decision carries licence conditions")
    return problems


def countersign_problems(state: AppealState, signature: AppealCountersignature) -> list[str]:
    """Every reason the countersignature cannot be accepted now (four eyes)."""
    problems = []
    if state.status is not AppealStatus.AWAITING_COUNTERSIGNATURE or state.ruling is None:
        problems.append(
            f"the appeal is {state.status.value.replace('_', ' ')}, not awaiting a countersignature"
        )
    elif signature.reviewer.id == state.ruling.reviewer.id:
        problems.append(
            f"{signature.reviewer.id} ruled on the appeal: a second senior officer countersigns"
        )
    if signature.reviewer.id in state.involved:
        problems.append(
            f"{signature.reviewer.id} took part in the decision appealed and cannot countersign "
            "the ruling on its appeal"
        )
    if not signature.agree and not signature.note.strip():
        problems.append("note: say why the ruling is sent back")
    return problems


def appeal_decided(state: AppealState) -> AppealDecided:
    """The countersigned ruling, as the register and the agency are told it."""
    ruling, filed = state.ruling, state.filed
    assert ruling is not None
    assert state.countersigned_by
    assert state.decided_at
    return AppealDecided(
        **about(filed),
        result=ruling.result,
        appealed_outcome=filed.appealed_outcome,
        decided_by=ruling.reviewer.id,
        countersigned_by=state.countersigned_by,
        decided_at=state.decided_at,
        rationale=ruling.rationale,
        conditions=ruling.conditions,
    )


def approval_on_appeal(state: AppealState) -> CaseDecided:
    """An overturned decision's new, approving decision of the case, naming the appeal."""
    ruling, filed = state.ruling, state.filed
    assert ruling is not None
    assert state.countersigned_by
    assert state.decided_at
    outcome = (
        DecisionOutcome.APPROVED_WITH_CONDITIONS if ruling.conditions else DecisionOutcome.APPROVED
    )
    return CaseDecided(
        case_id=filed.case_id,
        control_number=filed.control_number,
        submitting_agency=filed.submitting_agency,
        agency_reference=filed.agency_reference,
        outcome=outcome,
        decided_at=state.decided_at,
        decided_by=ruling.reviewer.id,
        countersigned_by=state.countersigned_by,
        rationale=f"on appeal {filed.appeal_id}: {ruling.rationale}",
        conditions=ruling.conditions,
        human_rights_assessment=ruling.assessment_conclusion,
        appeal_id=filed.appeal_id,
    )


def about(filed: AppealFiled) -> dict[str, str]:
    """The fields by which the agency and the register recognise the appeal."""
    return {
        "case_id": filed.case_id,
        "control_number": filed.control_number,
        "submitting_agency": filed.submitting_agency,
        "agency_reference": filed.agency_reference,
        "appeal_id": filed.appeal_id,
    }
