"""What a re-screen's new result tells the case: nothing new, or why it matters, in words
(pure: the entries held before, the update's changes)."""

from __future__ import annotations

from collections.abc import Mapping

from schemas.application import SubmitApplication
from schemas.screening import ScreeningCompleted
from services.screening.domain import Knowledge, ScreeningPolicy
from services.screening.list_diff import ListChange
from services.screening.rules import parties
from services.screening.screened_subjects import uncleared_hits


def nothing_new(
    before: frozenset[str],
    application: SubmitApplication,
    knowledge: Knowledge,
    policy: ScreeningPolicy,
    change_of: Mapping[str, ListChange],
) -> bool:
    """True when `what_changed` would find nothing in the application's new result: it reports
    the entries it held before, none of them one the update added or changed."""
    now = parties.reported_entries(application, policy, knowledge.screener, knowledge.clearances)
    changed = (change_of.get(entry_id) for entry_id in now)
    return now == before and not any(c is not None and c.entry is not None for c in changed)


def what_changed(
    before: frozenset[str],
    result: ScreeningCompleted,
    policy: ScreeningPolicy,
    change_of: Mapping[str, ListChange],
) -> list[str]:
    """Why a new result matters, in words: hits on added or changed entries, hits on others
    new to it (the update moved their score), hits gone (`change_of`: the update's changes by
    entry id)."""
    now = uncleared_hits(result, policy)
    reasons = []
    for finding in result.findings:
        if finding.reference not in now:
            continue
        change = change_of.get(finding.reference)
        if change is not None and change.entry is not None:
            reasons.append(
                f"{finding.evidence} matches {change.change} entry '{change.entry.name}'"
            )
        elif change is None and finding.reference not in before:
            reasons.append(f"{finding.evidence} now matches entry '{finding.reference}'")
    for entry_id in sorted(before - now):
        change = change_of.get(entry_id)
        if change is None:
            reasons.append(f"no longer matches entry '{entry_id}'")
        else:
            name = change.entry.name if change.entry is not None else entry_id
            reasons.append(f"no longer matches {change.change} entry '{name}'")
    return list(dict.fromkeys(reasons))
