"""How long a reviewer task's texts and lists may be: each one over its limit named."""

from __future__ import annotations

from pydantic import BaseModel

from caseflow.limits import REVIEWER_LIST, REVIEWER_TEXT

UNCOUNTED = frozenset({"token"})  # checked as a token, not as text the reviewer wrote


def oversized(task: BaseModel, within: str = "") -> list[str]:
    """Every text and list of the task (nested ones too) beyond its limit, each named."""
    problems: list[str] = []
    for name, value in task:
        if name not in UNCOUNTED:
            problems += _beyond(value, f"{within}{name}")
    return problems


def _beyond(value: object, where: str) -> list[str]:
    if isinstance(value, str):
        return _named(REVIEWER_TEXT.exceeded_by(where, len(value)))
    if isinstance(value, list):
        problems = _named(REVIEWER_LIST.exceeded_by(where, len(value)))
        for index, item in enumerate(value[: REVIEWER_LIST.most]):
            problems += _beyond(item, f"{where}[{index}]")
        return problems
    if isinstance(value, BaseModel):
        return oversized(value, f"{where}.")
    return []


def _named(problem: str | None) -> list[str]:
    return [problem] if problem else []
