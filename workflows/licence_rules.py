"""Licence rules, pure: the licence an approval grants, and whether a shipment fits what is left."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from decimal import Decimal

from schemas.application import SubmitApplication
from schemas.licences import (
    LicenceCondition,
    LicenceStatus,
    LicensedItem,
    ReportShipment,
    ShipmentLine,
)
from workflows.licence_policy import LicencePolicy


def valid_until(valid_from: datetime, years: int) -> datetime:
    """The end of validity `years` calendar years on (29 February ends on 28 February)."""
    try:
        return valid_from.replace(year=valid_from.year + years)
    except ValueError:
        return valid_from.replace(year=valid_from.year + years, day=28)


def licensed_items(application: SubmitApplication) -> list[LicensedItem]:
    """The application's items as ceilings, one per control code and currency (lines pooled)."""
    pooled: dict[tuple[str, str], LicensedItem] = {}
    for item in application.items:
        key = (item.control_code, item.currency)
        seen = pooled.get(key)
        if seen is None:
            pooled[key] = LicensedItem(
                control_code=item.control_code,
                description=item.description,
                quantity=item.quantity,
                unit=item.unit,
                value=item.total_value,
                currency=item.currency,
            )
        else:
            pooled[key] = seen.model_copy(
                update={
                    "quantity": seen.quantity + item.quantity,
                    "value": seen.value + item.total_value,
                }
            )
    return list(pooled.values())


def conditions_of(
    texts: Iterable[str], issued_at: datetime, policy: LicencePolicy
) -> list[LicenceCondition]:
    """The decision's conditions; a kind the policy tracks gets its due date."""
    conditions = []
    for text in texts:
        lowered = text.lower()
        kind = next(
            (
                known
                for known in policy.condition_kinds
                if any(phrase in lowered for phrase in known.phrases)
            ),
            None,
        )
        conditions.append(
            LicenceCondition(
                text=text,
                kind=kind.kind if kind else "other",
                due_at=issued_at + kind.due_after if kind else None,
            )
        )
    return conditions


def shipment_problems(
    shipment: ReportShipment,
    *,
    status: LicenceStatus,
    remaining: list[LicensedItem],
    destination_country: str,
    valid_from: datetime,
    valid_until: datetime,
) -> list[str]:
    """Every reason the shipment cannot be recorded against the licence; empty: it fits."""
    problems = []
    if status is not LicenceStatus.VALID and status is not LicenceStatus.UNDER_REVIEW:
        problems.append(f"the licence is {status.value}: no shipment may be made under it")
    if shipment.shipped_on < valid_from.date():
        problems.append(f"shipped on {shipment.shipped_on}, before the licence was issued")
    if shipment.shipped_on > valid_until.date():
        problems.append(
            f"shipped on {shipment.shipped_on}, after the licence expired ({valid_until.date()})"
        )
    if shipment.destination_country != destination_country:
        problems.append(
            f"destination {shipment.destination_country} is not the licensed destination "
            f"{destination_country}"
        )
    problems += _line_problems(shipment.lines, remaining)
    return problems


def _line_problems(lines: list[ShipmentLine], remaining: list[LicensedItem]) -> list[str]:
    """Lines naming items the licence does not cover, or over what is left of them."""
    problems = []
    asked: dict[tuple[str, str], tuple[Decimal, Decimal]] = {}
    for index, line in enumerate(lines):
        key = (line.control_code, line.currency)
        if not any((item.control_code, item.currency) == key for item in remaining):
            problems.append(
                f"lines[{index}]: {line.control_code} in {line.currency} is not an item of "
                "the licence"
            )
            continue
        quantity, value = asked.get(key, (Decimal(0), Decimal(0)))
        asked[key] = (quantity + line.quantity, value + line.value)
    for item in remaining:
        quantity, value = asked.get((item.control_code, item.currency), (Decimal(0), Decimal(0)))
        if quantity > item.quantity:
            problems.append(
                f"{item.control_code}: {_plain(quantity)} {item.unit} exceed the "
                f"{_plain(item.quantity)} left on the licence"
            )
        if value > item.value:
            problems.append(
                f"{item.control_code}: {_plain(value)} {item.currency} exceed the "
                f"{_plain(item.value)} {item.currency} left on the licence"
            )
    return problems


def after_shipment(remaining: list[LicensedItem], lines: list[ShipmentLine]) -> list[LicensedItem]:
    """What the licence still allows once a fitting shipment is recorded."""
    left = []
    for item in remaining:
        mine = [
            line
            for line in lines
            if (line.control_code, line.currency) == (item.control_code, item.currency)
        ]
        left.append(
            item.model_copy(
                update={
                    "quantity": item.quantity - sum((line.quantity for line in mine), Decimal(0)),
                    "value": item.value - sum((line.value for line in mine), Decimal(0)),
                }
            )
        )
    return left


def next_due(conditions: list[LicenceCondition], reminder_before: timedelta) -> datetime | None:
    """When the next reminder or breach of an open condition falls."""
    moments = []
    for condition in conditions:
        if condition.due_at is None or condition.fulfilled_at or condition.breached:
            continue
        reminder = condition.due_at - reminder_before
        moments.append(condition.due_at if condition.reminded_at else reminder)
    return min(moments, default=None)


def _plain(amount: Decimal) -> str:
    """An amount without trailing zeros: `12`, `12.5`."""
    return format(amount.normalize(), "f")
