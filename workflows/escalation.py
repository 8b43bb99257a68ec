"""Escalation levels: which committee settles a dissent, by when, and who may appeal its decision.

Each level is a step of the case's own workflow rather than a child workflow: the reviewer
Updates, the search attributes, the case card and the event numbering all belong to the case, and
a child would have to hand every deadline and decision back to it.
"""

from __future__ import annotations

from datetime import datetime

from workflows.clock import Alarm
from workflows.model import CasePolicy, CaseState, Escalation, EscalationLevel
from workflows.tasks import EscalationAppeal, EscalationResolution, ReviewerRole, ViewRequest


def level_of(policy: CasePolicy, escalation: Escalation | None) -> EscalationLevel:
    """The level an escalation stands at (the policy's last, should it have fewer levels)."""
    levels = policy.escalation_levels
    number = escalation.level if escalation is not None else 1
    return levels[min(number, len(levels)) - 1]


def is_last_level(policy: CasePolicy, escalation: Escalation) -> bool:
    """Whether the escalation's committee is the last: its decision cannot be appealed."""
    return escalation.level >= len(policy.escalation_levels)


def appealed(
    policy: CasePolicy, decided: Escalation, appeal: EscalationAppeal, now: datetime
) -> Escalation:
    """The next level, opened by an appeal against `decided`."""
    level = decided.level + 1
    return Escalation(
        since=now,
        dissent=decided.dissent,
        level=level,
        appeal=appeal,
        due_at=now + policy.escalation_levels[level - 1].decision_time,
        earlier=[*decided.earlier, decided.model_copy(update={"earlier": []})],
    )


def due_alarm(state: CaseState, now: datetime) -> Alarm | None:
    """The committee's deadline event to raise now, if any (each once)."""
    escalation = state.escalation
    if state.decided is not None or escalation is None or escalation.resolved_by is not None:
        return None
    if escalation.due_at is None or escalation.overdue_raised:
        return None
    if now >= escalation.due_at:
        return Alarm.BREACHED
    warning = level_of(state.policy, escalation).warning
    if not escalation.warned and now >= escalation.due_at - warning:
        return Alarm.APPROACHING
    return None


def next_moment(state: CaseState) -> datetime | None:
    """When the escalation next needs the case awake: an alarm, or its appeal window closing."""
    escalation = state.escalation
    if state.decided is not None or escalation is None:
        return None
    if escalation.resolved_by is not None:
        return None if escalation.final else escalation.appeal_due_at
    if escalation.due_at is None or escalation.overdue_raised:
        return None
    if not escalation.warned:
        return escalation.due_at - level_of(state.policy, escalation).warning
    return escalation.due_at


def appeal_window_closed(escalation: Escalation | None, now: datetime) -> bool:
    """Whether a decision's appeal window closed unappealed (the decision is now final)."""
    return (
        escalation is not None
        and escalation.resolved_by is not None
        and not escalation.final
        and escalation.appeal_due_at is not None
        and now >= escalation.appeal_due_at
    )


def appellants(state: CaseState) -> list[str]:
    """Stakeholders who may appeal: of a kind the policy names, and who took a position."""
    consultation = state.consultation
    if consultation is None or consultation.concluded is None:
        return []
    kinds = state.policy.appeal_stakeholder_kinds
    return [
        position.stakeholder_id
        for position in consultation.concluded.positions
        if position.stakeholder_kind in kinds and not position.deemed_no_objection
    ]


def resolution_problems(state: CaseState, resolution: EscalationResolution) -> list[str]:
    """Reasons the committee at the case's level cannot record this decision (status aside)."""
    escalation, level = state.escalation, level_of(state.policy, state.escalation)
    problems = []
    if resolution.reviewer.role is not level.chaired_by:
        problems.append(f"only a {_words(level.chaired_by)} chairs the {level.committee}")
    if escalation is not None and escalation.resolved_by is not None:
        problems.append(
            f"the {level.committee} decided already (recommends {escalation.recommendation})"
        )
    return problems


def appeal_problems(state: CaseState, appeal: EscalationAppeal, now: datetime) -> list[str]:
    """Reasons the committee's decision cannot be appealed now, or not by this party."""
    escalation = state.escalation
    if escalation is None:
        return []
    committee = level_of(state.policy, escalation).committee
    if escalation.resolved_by is None:
        return [f"the {committee} has not decided yet: there is nothing to appeal"]
    if is_last_level(state.policy, escalation):
        return [f"the {committee} is the last level: its decision is final"]
    closes = escalation.appeal_due_at
    if escalation.final or closes is None or now >= closes:
        closed = f" at {closes:%Y-%m-%d %H:%M:%S} UTC" if closes else ""
        return [f"the appeal window closed{closed}: the {committee}'s decision is final"]
    problems = []
    if escalation.resolved_by == appeal.reviewer.id:
        problems.append("the chair who decided cannot record an appeal against the decision")
    parties = appellants(state)
    if appeal.on_behalf_of not in parties:
        problems.append(
            f"{appeal.on_behalf_of or 'nobody'} cannot appeal: only an agency that took a "
            f"position in the consultation can ({', '.join(parties) or 'none did'})"
        )
    return problems


def open_actions(state: CaseState, viewer: ViewRequest) -> list[str]:
    """What the viewer can do on an escalated case: decide as the chair, or record an appeal."""
    escalation, level = state.escalation, level_of(state.policy, state.escalation)
    if escalation is None or escalation.resolved_by is None:
        return ["resolve_escalation"] if viewer.role is level.chaired_by else []
    appealable = not escalation.final and not is_last_level(state.policy, escalation)
    recorder = viewer.role is ReviewerRole.SENIOR_OFFICER
    if appealable and recorder and viewer.reviewer_id != escalation.resolved_by:
        return ["appeal_escalation"]
    return []


def card_lines(state: CaseState) -> list[str]:
    """Each level of the escalation so far, as the case card shows it."""
    current = state.escalation
    if current is None:
        return []
    earlier = [_card_line(state.policy, lower, appealed=True) for lower in current.earlier]
    return [*earlier, _card_line(state.policy, current)]


def _card_line(policy: CasePolicy, escalation: Escalation, appealed: bool = False) -> str:
    level = level_of(policy, escalation)
    head = f"- {level.committee} (level {escalation.level} of {len(policy.escalation_levels)})"
    if escalation.appeal is not None:
        head += f", appealed by {escalation.appeal.on_behalf_of}"
    if escalation.resolved_by is None:
        due = f" — due {escalation.due_at:%Y-%m-%d %H:%M} UTC" if escalation.due_at else ""
        return head + due + (" — **OVERDUE**" if escalation.overdue_raised else "")
    head += f": {escalation.resolved_by} recommends {escalation.recommendation}"
    if appealed:
        return head + " — appealed"
    if escalation.final or escalation.appeal_due_at is None:
        return head + (" — final" if escalation.final else "")
    return head + f" — appeal until {escalation.appeal_due_at:%Y-%m-%d %H:%M} UTC"


def _words(role: ReviewerRole) -> str:
    return role.value.replace("_", " ")
