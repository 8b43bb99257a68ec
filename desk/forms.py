"""The web page's action forms, read into the workflow's reviewer tasks."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel
from starlette.datastructures import FormData

from caseflow.auth import Role
from desk.access import roles_of
from schemas.cases import DecisionOutcome, DenialGround, HumanRightsAssessment
from workflows import case_client as cases
from workflows.case_client import ReviewerAction
from workflows.tasks import (
    ConsultationReferral,
    Countersignature,
    EscalationAppeal,
    EscalationResolution,
    InformationRequest,
    ReviewDecision,
    ReviewerTask,
)


@dataclass(frozen=True)
class FormAction:
    """A form's reviewer action and the task it sends."""

    action: ReviewerAction[Any]
    task: BaseModel

    @property
    def roles(self) -> tuple[Role, ...]:
        """The roles that may send it."""
        return roles_of(self.action)


def read_action(name: str, form: FormData, token: str) -> FormAction | None:
    """The task a submitted action form asks for, carrying the signed-in actor's token (the
    workflow takes who acts from it); None for an action the desk does not know."""
    try:
        return _read_action(name, form, token)
    except ValueError:  # fields no form of the desk sends (too long, wrong kind)
        return None


def _read_action(name: str, form: FormData, token: str) -> FormAction | None:
    if name in ("claim", "release"):
        action = cases.claim if name == "claim" else cases.release
        return FormAction(action, ReviewerTask(token=token, note=text(form, "note")))
    if name in DecisionOutcome.__members__.values():
        decision = ReviewDecision(
            token=token,
            outcome=DecisionOutcome(name),
            rationale=text(form, "rationale"),
            conditions=lines(form, "conditions"),
            grounds=[DenialGround(text=g, human_rights=True) for g in lines(form, "hr_grounds")]
            + [DenialGround(text=ground) for ground in lines(form, "grounds")],
            assessment=assessment(form),
        )
        return FormAction(cases.decide, decision)
    if name == "countersign":
        signature = Countersignature(
            token=token, agree=text(form, "agree") != "no", note=text(form, "note")
        )
        return FormAction(cases.countersign, signature)
    if name == "request_information":
        request = InformationRequest(token=token, questions=lines(form, "questions"))
        return FormAction(cases.request_information, request)
    if name == "refer_for_consultation":
        stakeholders = [s.strip() for s in text(form, "stakeholders").split(",") if s.strip()]
        referral = ConsultationReferral(
            token=token, stakeholders=stakeholders, note=text(form, "note")
        )
        return FormAction(cases.refer_for_consultation, referral)
    if name == "resolve_escalation":
        resolution = EscalationResolution(
            token=token,
            recommendation=text(form, "recommendation"),
            rationale=text(form, "rationale"),
        )
        return FormAction(cases.resolve_escalation, resolution)
    if name == "appeal_escalation":
        appeal = EscalationAppeal(
            token=token,
            on_behalf_of=text(form, "on_behalf_of"),
            grounds=text(form, "grounds"),
        )
        return FormAction(cases.appeal_escalation, appeal)
    return None


def assessment(form: FormData) -> HumanRightsAssessment:
    """The decision form's human-rights assessment, part by part (the workflow names any part
    left empty)."""
    return HumanRightsAssessment(
        end_user=text(form, "hr_end_user"),
        misuse_potential=text(form, "hr_misuse_potential"),
        destination=text(form, "hr_destination"),
        sources=lines(form, "hr_sources"),
        findings_answered=chosen(form, "hr_findings"),
        positions_answered=chosen(form, "hr_positions"),
        conclusion=text(form, "hr_conclusion"),
        mitigations=lines(form, "hr_mitigations"),
    )


def chosen(form: FormData, field: str) -> list[str]:
    """The values of a field's ticked checkboxes."""
    values = form.getlist(field)
    return [value.replace("\x00", "").strip() for value in values if isinstance(value, str)]


def text(form: FormData, field: str) -> str:
    """A text field, trimmed; empty when absent."""
    value = form.get(field, "")
    # NUL cannot be stored in PostgreSQL, and no person types it.
    return value.replace("\x00", "").strip() if isinstance(value, str) else ""


def lines(form: FormData, field: str) -> list[str]:
    """A textarea, one entry per non-empty line."""
    return [line.strip() for line in text(form, field).splitlines() if line.strip()]
