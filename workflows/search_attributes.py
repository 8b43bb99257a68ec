"""Custom search attributes that make cases searchable in the Temporal UI (no personal data)."""

from __future__ import annotations

from temporalio.common import SearchAttributeKey

CASE_STATUS = SearchAttributeKey.for_keyword("CaseStatus")
CONTROL_NUMBER = SearchAttributeKey.for_keyword("ControlNumber")
RISK_LEVEL = SearchAttributeKey.for_keyword("RiskLevel")
DESTINATION_COUNTRY = SearchAttributeKey.for_keyword("DestinationCountry")
SUBMITTING_AGENCY = SearchAttributeKey.for_keyword("SubmittingAgency")
ASSIGNED_REVIEWER = SearchAttributeKey.for_keyword("AssignedReviewer")
CONTROL_CODES = SearchAttributeKey.for_keyword_list("ControlCodes")
DEADLINE_AT = SearchAttributeKey.for_datetime("DeadlineAt")
OVERDUE = SearchAttributeKey.for_bool("Overdue")

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
