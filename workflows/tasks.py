"""Reviewer tasks: what a reviewer sends to a case, one model per Temporal Update."""

from __future__ import annotations

from enum import StrEnum

from pydantic import BaseModel, Field

from schemas.cases import CaseStatus, DecisionOutcome, DenialGround, HumanRightsAssessment


class ReviewerRole(StrEnum):
    """What a reviewer may do: officers decide, senior officers also countersign, chair the first
    escalation committee and record appeals; a committee chair decides higher escalation levels."""

    LICENSING_OFFICER = "licensing_officer"
    SENIOR_OFFICER = "senior_officer"
    COMMITTEE_CHAIR = "committee_chair"


class Reviewer(BaseModel):
    """Who acts: a reviewer id (never a name; it is shown to operators) and a role."""

    id: str = Field(description="Reviewer id, e.g. `officer-17`.")
    role: ReviewerRole = ReviewerRole.LICENSING_OFFICER


def _unnamed(reviewer: Reviewer) -> bool:
    return not reviewer.id


class SignedTask(BaseModel):
    """A task sent by a signed-in actor: the workflow takes who acts from the verified token,
    never from the payload. Histories recorded before tokens name the reviewer instead, and
    replay so; a new task without a valid token is refused."""

    reviewer: Reviewer = Field(
        default_factory=lambda: Reviewer(id=""),
        exclude_if=_unnamed,
        description="Who acted, filled in from the verified token (sent only by histories "
        "recorded before tokens).",
    )
    token: str | None = Field(
        default=None,
        exclude_if=lambda token: token is None,
        description="The actor's signed bearer token (from the desk's sign-in or "
        "`caseflow login`); verified when the task is accepted, never recorded.",
    )


class ReviewerTask(SignedTask):
    """Claim or release a case: only the reviewer and a note."""

    note: str = ""


class ReviewDecision(SignedTask):
    """The claimant's decision; a denial or a risky approval then awaits a countersignature."""

    outcome: DecisionOutcome
    rationale: str
    conditions: list[str] = Field(default_factory=list)
    grounds: list[DenialGround] = Field(
        default_factory=list, description="Grounds of a denial; human-rights ones marked."
    )
    assessment: HumanRightsAssessment | None = Field(
        default=None,
        description="The human-rights assessment; every decision needs one (workflows/"
        "assessment.py says what a complete one holds).",
    )
    human_rights_assessment: str = Field(
        default="",
        description="A one-line summary, as decisions recorded it before structured "
        "assessments (kept so that their histories read); the conclusion says it now.",
    )


class Countersignature(SignedTask):
    """A second, senior officer agrees with a sign-off (or sends it back with a note)."""

    agree: bool = True
    note: str = ""


class InformationRequest(SignedTask):
    """The claimant asks the agency for information: the case goes on hold."""

    questions: list[str] = Field(default_factory=list)


class ConsultationReferral(SignedTask):
    """The claimant refers the case to stakeholders (empty: the routing policy proposes them)."""

    stakeholders: list[str] = Field(default_factory=list, description="Stakeholder ids.")
    note: str = ""


class EscalationResolution(SignedTask):
    """The escalation committee's chair (a senior officer) settles a dissent."""

    recommendation: str = Field(description="What the committee recommends the officer decide.")
    rationale: str


class PartnerWaiverRequest(SignedTask):
    """A senior officer records why partner states that denied an essentially identical
    transaction are not consulted before approval (EU 2021/821 Art. 16)."""

    states: list[str] = Field(description="ISO 3166 codes of the partner states.")
    reason: str = Field(description="Why they cannot be consulted, for the record.")


class EscalationAppeal(SignedTask):
    """A dissenting agency appeals a committee's decision to the next level; a senior officer
    records the appeal on its behalf."""

    on_behalf_of: str = Field(description="Stakeholder id of the agency that appeals.")
    grounds: str = Field(description="Why the agency disagrees with the committee's decision.")


class ViewRequest(BaseModel):
    """Who is looking: the case view lists the actions open to this role (and reviewer)."""

    role: ReviewerRole | None = None
    reviewer_id: str = ""


class ActionRecorded(BaseModel):
    """The answer to a reviewer task: where the case stands now."""

    case_id: str
    control_number: str
    status: CaseStatus
    note: str
    outcome: DecisionOutcome | None = None


# Every task a reviewer sends to a case.
ReviewerTasks = (
    ReviewerTask
    | ReviewDecision
    | Countersignature
    | InformationRequest
    | ConsultationReferral
    | EscalationResolution
    | EscalationAppeal
    | PartnerWaiverRequest
)
