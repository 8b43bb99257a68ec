"""Classes of refusal reasons, for operators counting why submissions are refused."""

from __future__ import annotations

from collections.abc import Iterable

# Deficiency codes by class; a code not listed is a schema error (pydantic's own kinds).
REASON_CLASSES: dict[str, frozenset[str]] = {
    "unreadable": frozenset({"too_large", "not_utf8", "not_json", "too_deep", "not_an_object"}),
    "envelope": frozenset({"unknown_type", "unsupported_version"}),
    "sender": frozenset({"sender_unknown", "not_your_case"}),
    "registration_rule": frozenset(
        {
            "unknown_agency",
            "end_use_not_specific",
            "due_diligence_not_performed",
            "end_user_not_assessed",
            "due_diligence_too_thin",
            "total_value_mismatch",
        }
    ),
    "reference": frozenset(
        {
            "reference_conflict",
            "reference_mismatch",
            "unknown_reference",
            "case_closed",
            "nothing_changed",
        }
    ),
}
SCHEMA = "schema"
# The class a refusal is counted under is that of its most basic deficiency, in this order.
ORDER = ("unreadable", "envelope", "sender", SCHEMA, "registration_rule", "reference")


def reason_class(code: str) -> str:
    """The class of one deficiency code."""
    return next((name for name, codes in REASON_CLASSES.items() if code in codes), SCHEMA)


def refusal_class(codes: Iterable[str]) -> str:
    """The class a refusal with these deficiency codes counts under."""
    found = {reason_class(code) for code in codes}
    return next((name for name in ORDER if name in found), SCHEMA)
