"""Custom search attributes that make cases searchable in the Temporal UI (no personal data)."""

from __future__ import annotations

from datetime import datetime

from temporalio.common import SearchAttributeKey, SearchAttributeUpdate

from schemas.cases import CaseStatus
from schemas.screening import ScreeningCompleted
from workflows.tasks import Reviewer

CASE_STATUS = SearchAttributeKey.for_keyword("CaseStatus")
CONTROL_NUMBER = SearchAttributeKey.for_keyword("ControlNumber")
RISK_LEVEL = SearchAttributeKey.for_keyword("RiskLevel")
DESTINATION_COUNTRY = SearchAttributeKey.for_keyword("DestinationCountry")
SUBMITTING_AGENCY = SearchAttributeKey.for_keyword("SubmittingAgency")
ASSIGNED_REVIEWER = SearchAttributeKey.for_keyword("AssignedReviewer")
CONTROL_CODES = SearchAttributeKey.for_keyword_list("ControlCodes")
DEADLINE_AT = SearchAttributeKey.for_datetime("DeadlineAt")
OVERDUE = SearchAttributeKey.for_bool("Overdue")
# What DeadlineAt is for: decision, referral (target), committee or appeal (window).
DEADLINE_FOR = SearchAttributeKey.for_keyword("DeadlineFor")
# A licence's status (workflows/licence.py): valid, under_review, suspended, revoked, expired.
LICENCE_STATUS = SearchAttributeKey.for_keyword("LicenceStatus")

ALL_KEYS = (
    CASE_STATUS,
    CONTROL_NUMBER,
    RISK_LEVEL,
    DESTINATION_COUNTRY,
    SUBMITTING_AGENCY,
    ASSIGNED_REVIEWER,
    CONTROL_CODES,
    DEADLINE_AT,
    OVERDUE,
    DEADLINE_FOR,
    LICENCE_STATUS,
)

# Names the `temporal` command line uses for each indexed value type.
CLI_TYPE_NAMES = {
    "KEYWORD": "Keyword",
    "KEYWORD_LIST": "KeywordList",
    "DATETIME": "Datetime",
    "BOOL": "Bool",
    "INT": "Int",
    "FLOAT": "Double",
    "TEXT": "Text",
}


def cli_flags() -> list[str]:
    """`--search-attribute Name=Type` flags for `temporal server start-dev`."""
    flags: list[str] = []
    for key in ALL_KEYS:
        flags += ["--search-attribute", f"{key.name}={CLI_TYPE_NAMES[key.indexed_value_type.name]}"]
    return flags


Update = SearchAttributeUpdate[str] | SearchAttributeUpdate[bool] | SearchAttributeUpdate[datetime]
Shown = tuple[str, object, Update]


def of_case(
    status: CaseStatus,
    screening: ScreeningCompleted | None,
    claimant: Reviewer | None,
    deadline_at: datetime | None,
    overdue: bool,
    deadline_for: str | None = None,
) -> list[Shown]:
    """The values a case shows in its changing search attributes (None: unset; no
    `deadline_for`: DeadlineFor left alone, as cases did before it existed)."""
    values: list[Shown] = [
        (CASE_STATUS.name, status.value, CASE_STATUS.value_set(status.value)),
        (OVERDUE.name, overdue, OVERDUE.value_set(overdue)),
        (
            ASSIGNED_REVIEWER.name,
            claimant.id if claimant else None,
            ASSIGNED_REVIEWER.value_set(claimant.id)
            if claimant
            else ASSIGNED_REVIEWER.value_unset(),
        ),
        (
            DEADLINE_AT.name,
            deadline_at,
            DEADLINE_AT.value_set(deadline_at) if deadline_at else DEADLINE_AT.value_unset(),
        ),
    ]
    if deadline_for is not None:
        values.append((DEADLINE_FOR.name, deadline_for, DEADLINE_FOR.value_set(deadline_for)))
    if screening is not None:
        risk = screening.risk_level.value
        values.append((RISK_LEVEL.name, risk, RISK_LEVEL.value_set(risk)))
    return values
