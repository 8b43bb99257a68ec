"""The applicant's appeal of a denial or a return without action (15 CFR Part 756)."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from pydantic import Field

from schemas.cases import DecisionOutcome
from schemas.envelope import Contract
from schemas.types import Text

# The outcomes an applicant may appeal.
APPEALABLE = (DecisionOutcome.DENIED, DecisionOutcome.RETURNED_WITHOUT_ACTION)


class AppealDecision(Contract):
    """Command: an agency appeals the denial or return without action of one of its cases."""

    event_type = "AppealDecision"

    submitting_agency: str = Field(min_length=2, max_length=40)
    agency_reference: str = Field(
        min_length=1, max_length=80, description="The reference of the decided case appealed."
    )
    grounds: Text = Field(min_length=1, description="Why the applicant holds the decision wrong.")


class AppealResult(StrEnum):
    """How an appeal ends: the decision stands, or it is set aside."""

    UPHELD = "upheld"
    OVERTURNED = "overturned"


class _AboutAppeal(Contract):
    """The fields by which an agency and the register recognise the appeal and its case."""

    case_id: str
    control_number: str
    submitting_agency: str
    agency_reference: str
    appeal_id: str = Field(description="caseflow's appeal id (one appeal per decision).")


class AppealFiled(_AboutAppeal):
    """Event: intake accepted an agency's appeal, filed in time against an appealable decision."""

    event_type = "AppealFiled"

    appealed_outcome: DecisionOutcome = Field(description="`denied` or `returned_without_action`.")
    appealed_decided_at: datetime
    appealed_decided_by: str = Field(description="The officer who decided the case.")
    appealed_countersigned_by: str | None = Field(
        default=None, description="The senior officer who countersigned the decision, if any."
    )
    grounds: str
    filed_at: datetime
    window_until: datetime = Field(description="The last moment the appeal could be filed.")
    window_source: str = Field(description="The rule the appeal window comes from.")


class AppealRuled(_AboutAppeal):
    """Event: an officer not involved in the decision ruled on the appeal; a senior officer
    countersigns it before it takes effect."""

    event_type = "AppealRuled"

    result: AppealResult
    ruled_by: str
    ruled_at: datetime
    rationale: str


class AppealSentBack(_AboutAppeal):
    """Event: the senior officer did not countersign the ruling; the appeal awaits a new one."""

    event_type = "AppealSentBack"

    sent_back_by: str
    sent_back_at: datetime
    note: str


class AppealDecided(_AboutAppeal):
    """Event: the appeal was decided and countersigned; an overturned denial is followed by an
    approving `CaseDecided` naming the appeal."""

    event_type = "AppealDecided"

    result: AppealResult
    appealed_outcome: DecisionOutcome
    decided_by: str
    countersigned_by: str
    decided_at: datetime
    rationale: str
    conditions: list[str] = Field(default_factory=list)
