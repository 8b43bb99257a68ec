"""Whether an agency's appeal may be filed against its case: pure rules, no I/O."""

from __future__ import annotations

import hashlib
from datetime import datetime

from schemas.appeals import APPEALABLE, AppealDecision, AppealFiled
from schemas.cases import DecisionOutcome
from schemas.intake import Deficiency
from services.intake.policy import IntakePolicy
from services.intake.ports import RegisteredCase


def appeal_hash(command: AppealDecision) -> str:
    """The appeal's content: the same appeal sent twice is recognised by it."""
    return hashlib.sha256(command.model_dump_json().encode()).hexdigest()


def appeal_deficiencies(
    case: RegisteredCase, command: AppealDecision, now: datetime, policy: IntakePolicy
) -> list[Deficiency]:
    """Every reason the case's decision cannot be appealed now (none: the appeal is filed)."""
    found: list[Deficiency] = []
    appealable = {outcome.value for outcome in APPEALABLE}
    if case.appeal_hash is not None:
        found.append(
            _of_reference(
                "already_appealed",
                f"case {case.control_number} has been appealed already; one appeal per decision",
            )
        )
    if case.outcome is None or case.decided_at is None:
        found.append(
            _of_reference(
                "not_decided",
                f"case {case.control_number} is not decided: only a denial or a return without "
                "action can be appealed",
            )
        )
    elif case.outcome not in appealable:
        found.append(
            _of_reference(
                "not_appealable",
                f"case {case.control_number} was {case.outcome.replace('_', ' ')}: only a denial "
                "or a return without action can be appealed",
            )
        )
    elif now > (closed := window_until(case.decided_at, policy)):
        found.append(
            Deficiency(
                code="appeal_late",
                path="$.time",
                message=f"the appeal window closed at {closed:%Y-%m-%d %H:%M} UTC "
                f"({policy.appeal_window.days} days after the decision of "
                f"{case.decided_at:%Y-%m-%d}; {policy.appeal_window_source})",
            )
        )
    return found


def window_until(decided_at: datetime, policy: IntakePolicy) -> datetime:
    """The last moment an appeal of a decision taken at `decided_at` can be filed."""
    return decided_at + policy.appeal_window


def filed(
    case: RegisteredCase,
    command: AppealDecision,
    appeal_id: str,
    now: datetime,
    policy: IntakePolicy,
) -> AppealFiled:
    """The `AppealFiled` event of an appeal that passed every check."""
    assert case.decided_at is not None
    assert case.outcome is not None
    return AppealFiled(
        case_id=case.case_id,
        control_number=case.control_number,
        submitting_agency=command.submitting_agency,
        agency_reference=command.agency_reference,
        appeal_id=appeal_id,
        appealed_outcome=DecisionOutcome(case.outcome),
        appealed_decided_at=case.decided_at,
        appealed_decided_by=case.decided_by or "",
        appealed_countersigned_by=case.countersigned_by,
        grounds=command.grounds,
        filed_at=now,
        window_until=window_until(case.decided_at, policy),
        window_source=policy.appeal_window_source,
    )


def _of_reference(code: str, message: str) -> Deficiency:
    return Deficiency(code=code, path="$.data.agency_reference", message=message)
