"""Intake's thresholds and agency registry, as data with documented defaults."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

from caseflow.limits import SUBMISSION_MESSAGE
from schemas.appeals import AppealDecision
from schemas.application import AmendApplication, SubmitApplication, WithdrawApplication
from schemas.intake import AGENCY_HEADER
from schemas.licences import ReportShipment

__all__ = ["AGENCY_HEADER", "IntakePolicy"]


@dataclass(frozen=True)
class IntakePolicy:
    """Registration thresholds and the agency registry, loaded from policy data."""

    known_agencies: frozenset[str]
    max_message_bytes: int = SUBMISSION_MESSAGE.max_bytes
    min_end_use_words: int = 8
    min_due_diligence_words: int = 10
    total_value_tolerance: float = 0.01
    control_number_prefix: str = "Z"
    appeal_window: timedelta = timedelta(days=45)
    appeal_window_source: str = "15 CFR 756.2"
    supported_types: tuple[str, ...] = field(
        default=(
            SubmitApplication.type_name(),
            AmendApplication.type_name(),
            WithdrawApplication.type_name(),
            ReportShipment.type_name(),
            AppealDecision.type_name(),
        )
    )
