"""What screening keeps screening while it lasts: open cases today, valid licences next.

A subject is registered with the match keys of its parties and the list entries its latest
result matched; a list update finds the subjects sharing a key with a changed entry, or that
matched an entry the update changed or removed, without reading the others.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from typing import Protocol

from schemas.application import SubmitApplication
from schemas.screening import FindingCategory, ScreeningCompleted
from services.screening.match_keys import MatchKey, hit_key, party_keys
from services.screening.policy import ScreeningPolicy
from services.screening.ports import Store

CASE = "case"
SubjectId = tuple[str, str]  # a subject's kind and id


@dataclass(frozen=True)
class ScreenedSubject:
    """Something screened again when a list changes: its kind, id, case and application."""

    kind: str  # "case"; another kind (a licence) names itself
    subject_id: str
    case_id: str
    application: SubmitApplication
    hits: frozenset[str] = frozenset()  # entry ids its latest result matched, not cleared

    @property
    def id(self) -> SubjectId:
        """Its kind and id: what tells it from every other subject."""
        return (self.kind, self.subject_id)

    @property
    def reference(self) -> str:
        """How a re-screening's request id names it: the case id, or `<kind>:<id>`."""
        return self.case_id if self.kind == CASE else f"{self.kind}:{self.subject_id}"


@dataclass(frozen=True)
class Candidate:
    """A subject found by match keys, with the keys it shares."""

    subject: ScreenedSubject
    keys: frozenset[MatchKey]


class ScreenedSubjects(Protocol):
    """The subjects screening keeps current, found by match key."""

    async def keep_subject(self, subject: ScreenedSubject, keys: Collection[MatchKey]) -> None: ...
    async def keep_subjects(
        self, subjects: Sequence[tuple[ScreenedSubject, Collection[MatchKey]]]
    ) -> None: ...
    async def drop_subject(self, kind: str, subject_id: str) -> None: ...
    async def subjects_sharing(
        self, keys: Collection[MatchKey], besides: Collection[SubjectId] = ()
    ) -> list[Candidate]: ...
    async def subjects_with_hits(
        self, besides: Collection[SubjectId] = ()
    ) -> list[ScreenedSubject]: ...
    async def every_subject(self) -> list[ScreenedSubject]: ...
    async def change_hits(
        self, changed: Sequence[tuple[ScreenedSubject, frozenset[str]]]
    ) -> None: ...


def open_case(
    case_id: str, application: SubmitApplication, hits: frozenset[str]
) -> ScreenedSubject:
    """An open case as a screened subject."""
    return ScreenedSubject(CASE, case_id, case_id, application, hits)


def subject_keys(subject: ScreenedSubject, field_lengths: Collection[int]) -> set[MatchKey]:
    """The keys a subject is found by: its parties' names and the entries it matched."""
    keys = {hit_key(entry_id) for entry_id in subject.hits}
    for _, party in subject.application.parties():
        keys |= party_keys(party.name, field_lengths)
    return keys


def uncleared_hits(result: ScreeningCompleted, policy: ScreeningPolicy) -> frozenset[str]:
    """The list entries a result matched and no reviewer cleared."""
    return frozenset(
        finding.reference
        for finding in result.findings
        if finding.category is FindingCategory.RESTRICTED_PARTY
        and finding.reference is not None
        and finding.severity is policy.restricted_party_severity
    )


async def keep_screened(
    subjects: ScreenedSubjects, subject: ScreenedSubject, policy: ScreeningPolicy
) -> None:
    """Register (or re-register) a subject with its current keys."""
    await subjects.keep_subject(subject, subject_keys(subject, policy.match_policy().field_lengths))


class EarlierCases(ScreenedSubjects, Protocol):
    """Open cases that are no screened subject, with their latest result."""

    async def unregistered_open_cases(self) -> list[tuple[str, SubmitApplication, str | None]]: ...


async def register_earlier_open_cases(store: Store[EarlierCases], policy: ScreeningPolicy) -> int:
    """Register as subjects the open cases screened before subjects were kept; how many."""
    async with store.unit_of_work() as uow:
        return len(await register_open_cases(uow, policy))


async def register_open_cases(
    uow: EarlierCases, policy: ScreeningPolicy
) -> list[tuple[ScreenedSubject, str | None]]:
    """Register the open cases that are no subject: kept before subjects were, or opened again
    (a licence approved on appeal after a denial); each with the lists its hits are of (its
    latest result's; None without one)."""
    registered = []
    for case_id, application, latest in await uow.unregistered_open_cases():
        result = None if latest is None else ScreeningCompleted.model_validate_json(latest)
        hits = frozenset() if result is None else uncleared_hits(result, policy)
        subject = open_case(case_id, application, hits)
        await keep_screened(uow, subject, policy)
        registered.append((subject, None if result is None else result.list_version))
    return registered
