"""Registration rules beyond the schema: the agency registry, end use, due diligence, totals.

Each rule reads the raw application object tolerantly, so its findings are listed together with
the schema's; `base` is the JSON path of the application inside the message.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping

from schemas.intake import Deficiency
from services.intake.policy import IntakePolicy

JsonObject = Mapping[str, object]

PLACEHOLDER_END_USES = frozenset({"n/a", "na", "none", "tbd", "unknown", "civil use", "various"})


def _words(text: str) -> int:
    return len([word for word in text.split() if any(char.isalnum() for char in word)])


def known_agency(data: JsonObject, policy: IntakePolicy, base: str) -> Iterator[Deficiency]:
    """The submitting agency must be in the agency registry."""
    agency = data.get("submitting_agency")
    if isinstance(agency, str) and agency not in policy.known_agencies:
        yield Deficiency(
            code="unknown_agency",
            path=f"{base}.submitting_agency",
            message=f"agency '{agency}' is not in the agency registry",
        )


def substantive_end_use(data: JsonObject, policy: IntakePolicy, base: str) -> Iterator[Deficiency]:
    """The end-use statement must say specifically what the items will be used for."""
    statement = data.get("end_use_statement")
    if not isinstance(statement, str):
        return
    if statement.strip().lower() in PLACEHOLDER_END_USES or _words(statement) < (
        policy.min_end_use_words
    ):
        yield Deficiency(
            code="end_use_not_specific",
            path=f"{base}.end_use_statement",
            message=f"the end-use statement must describe the specific end use in at least "
            f"{policy.min_end_use_words} words",
        )


def due_diligence_complete(
    data: JsonObject, policy: IntakePolicy, base: str
) -> Iterator[Deficiency]:
    """The attestation must record human-rights due diligence actually done and assessed."""
    attestation = data.get("due_diligence")
    if not isinstance(attestation, Mapping):
        return
    path = f"{base}.due_diligence"
    if attestation.get("performed") is False:
        yield Deficiency(
            code="due_diligence_not_performed",
            path=f"{path}.performed",
            message="human-rights due diligence must be performed before applying",
        )
    if attestation.get("end_user_assessed") is False:
        yield Deficiency(
            code="end_user_not_assessed",
            path=f"{path}.end_user_assessed",
            message="the due diligence must assess the end user",
        )
    summary = attestation.get("summary")
    if isinstance(summary, str) and _words(summary) < policy.min_due_diligence_words:
        yield Deficiency(
            code="due_diligence_too_thin",
            path=f"{path}.summary",
            message=f"the due-diligence summary must say what was assessed and "
            f"found, in at least {policy.min_due_diligence_words} words",
        )


def consistent_totals(data: JsonObject, policy: IntakePolicy, base: str) -> Iterator[Deficiency]:
    """Each item's total value must equal quantity times unit value."""
    items = data.get("items")
    if not isinstance(items, list):
        return
    for index, item in enumerate(items):
        if not isinstance(item, Mapping):
            continue
        try:
            quantity, unit, total = (
                float(str(item[key])) for key in ("quantity", "unit_value", "total_value")
            )
        except (KeyError, ValueError):
            continue
        if abs(quantity * unit - total) > policy.total_value_tolerance * max(total, 1.0):
            yield Deficiency(
                code="total_value_mismatch",
                path=f"{base}.items[{index}].total_value",
                message=f"total value {total:g} is not quantity {quantity:g}"
                f" times unit value {unit:g}",
            )


RULES: tuple[Callable[[JsonObject, IntakePolicy, str], Iterator[Deficiency]], ...] = (
    known_agency,
    substantive_end_use,
    due_diligence_complete,
    consistent_totals,
)
