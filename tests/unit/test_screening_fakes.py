"""An in-memory screening store implementing every port of screening's use cases, and builders.

Imported by the screening unit tests; the one test here checks the fake keeps the promise of a
real unit of work (all or nothing), so the tests built on it can trust it.
"""

from __future__ import annotations

import copy
import uuid
from collections.abc import AsyncIterator, Collection, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, field

import pytest

from entrypoints.samples import sample_applications
from schemas.application import Address, Party, SubmitApplication
from schemas.envelope import Envelope, Publishable
from schemas.screening import ListUpdated, PartnerNotice, ScreeningCompleted, ScreeningRequested
from schemas.sharing import ApprovalDespiteDenial
from schemas.topics import Topic
from services.screening.list_diff import ListChange, ListDelta, screened_on_older
from services.screening.list_updates import Progress
from services.screening.match_keys import MatchKey, hit_key
from services.screening.matching import RestrictedPartyEntry
from services.screening.notice_rescreening import OpenCase
from services.screening.rules.parties import Clearance
from services.screening.screened_subjects import CASE, Candidate, ScreenedSubject, SubjectId


@dataclass
class ScreeningState:
    """Everything screening keeps, as plain dictionaries."""

    processed: set[uuid.UUID] = field(default_factory=set)
    results: dict[str, ScreeningCompleted] = field(default_factory=dict)
    applications: dict[str, SubmitApplication] = field(default_factory=dict)
    closed: dict[str, str] = field(default_factory=dict)
    lists: dict[str, int] = field(default_factory=dict)
    entries: dict[str, dict[str, tuple[str, RestrictedPartyEntry]]] = field(default_factory=dict)
    changes: dict[tuple[str, int], list[ListChange]] = field(default_factory=dict)
    versions: list[ListUpdated] = field(default_factory=list)
    notices: dict[tuple[str, str], PartnerNotice | ApprovalDespiteDenial] = field(
        default_factory=dict
    )
    clearances: list[tuple[Clearance, str]] = field(default_factory=list)
    subjects: dict[tuple[str, str], tuple[ScreenedSubject, frozenset[MatchKey]]] = field(
        default_factory=dict
    )
    published: list[tuple[str, Publishable]] = field(default_factory=list)
    rescreened_through: str | None = None


class FakeScreeningStore:
    """Units of work over a `ScreeningState`; a block that raises leaves the state unchanged."""

    def __init__(self) -> None:
        self.state = ScreeningState()

    @asynccontextmanager
    async def unit_of_work(self) -> AsyncIterator[FakeScreeningUnitOfWork]:
        working = copy.deepcopy(self.state)
        yield FakeScreeningUnitOfWork(working)
        self.state = working

    def published_of(self, contract: str) -> list[Publishable]:
        """Published envelopes whose type starts with `contract`."""
        return [
            envelope
            for _, envelope in self.state.published
            if getattr(envelope, "type", "").startswith(contract)
        ]


class FakeScreeningUnitOfWork:
    """One transaction's view of the state."""

    def __init__(self, state: ScreeningState) -> None:
        self.state = state

    async def first_delivery(self, message_id: uuid.UUID) -> bool:
        if message_id in self.state.processed:
            return False
        self.state.processed.add(message_id)
        return True

    async def handled(self, message_id: uuid.UUID) -> bool:
        return message_id in self.state.processed

    async def rescreened_through(self, list_version: str) -> None:
        self.state.rescreened_through = list_version

    async def in_step_with(self) -> str | None:
        return self.state.rescreened_through

    async def hold_subjects(self) -> None:
        """One transaction at a time: nothing else writes a subject meanwhile."""

    async def hold_open_cases(self) -> None:
        """One transaction at a time: nothing else keeps a case meanwhile."""

    async def lists_moved_on(self, list_version: str) -> bool:
        return screened_on_older(list_version, self.state.lists)

    async def publish(self, topic: Topic, envelope: Publishable) -> None:
        self.state.published.append((topic.name, envelope))

    async def find_result(self, request_id: str) -> ScreeningCompleted | None:
        return self.state.results.get(request_id)

    async def add_result(self, result: ScreeningCompleted) -> None:
        self.state.results[result.request_id] = result

    async def results_found(self, request_ids: Sequence[str]) -> set[str]:
        return set(request_ids) & set(self.state.results)

    async def add_results(self, results: Sequence[ScreeningCompleted]) -> None:
        for result in results:
            await self.add_result(result)

    async def publish_many(self, events: Sequence[tuple[Topic, Publishable]]) -> None:
        for topic, envelope in events:
            await self.publish(topic, envelope)

    async def keep_open_case(self, case_id: str, application: SubmitApplication) -> bool:
        if case_id in self.state.closed:
            return False
        self.state.applications[case_id] = application
        return True

    async def close_case(self, case_id: str, closed_by: str) -> None:
        self.state.closed.setdefault(case_id, closed_by)
        await self.drop_subject(CASE, case_id)

    async def keep_subject(self, subject: ScreenedSubject, keys: Collection[MatchKey]) -> None:
        self.state.subjects[(subject.kind, subject.subject_id)] = (subject, frozenset(keys))

    async def keep_subjects(
        self, subjects: Sequence[tuple[ScreenedSubject, Collection[MatchKey]]]
    ) -> None:
        for subject, keys in subjects:
            await self.keep_subject(subject, keys)

    async def change_hits(self, changed: Sequence[tuple[ScreenedSubject, frozenset[str]]]) -> None:
        for subject, was in changed:
            _, keys = self.state.subjects[(subject.kind, subject.subject_id)]
            keys = keys - {hit_key(e) for e in was} | {hit_key(e) for e in subject.hits}
            self.state.subjects[(subject.kind, subject.subject_id)] = (subject, keys)

    async def drop_subject(self, kind: str, subject_id: str) -> None:
        self.state.subjects.pop((kind, subject_id), None)

    async def subjects_sharing(
        self, keys: Collection[MatchKey], besides: Collection[SubjectId] = ()
    ) -> list[Candidate]:
        wanted, left_out = set(keys), set(besides)
        return [
            Candidate(subject, kept & wanted)
            for found, (subject, kept) in sorted(self.state.subjects.items())
            if not wanted.isdisjoint(kept) and found not in left_out
        ]

    async def subjects_with_hits(
        self, besides: Collection[SubjectId] = ()
    ) -> list[ScreenedSubject]:
        left_out = set(besides)
        return [s for s in await self.every_subject() if s.hits and s.id not in left_out]

    async def every_subject(self) -> list[ScreenedSubject]:
        return [subject for _, (subject, _) in sorted(self.state.subjects.items())]

    async def unregistered_open_cases(self) -> list[tuple[str, SubmitApplication, str | None]]:
        subjects = {subject_id for kind, subject_id in self.state.subjects if kind == CASE}
        unregistered = []
        for case_id, application in sorted(self.state.applications.items()):
            if case_id in self.state.closed or case_id in subjects:
                continue
            results = [r for r in self.state.results.values() if r.case_id == case_id]
            latest = max(results, key=lambda r: r.screened_at, default=None)
            unregistered.append(
                (case_id, application, None if latest is None else latest.model_dump_json())
            )
        return unregistered

    async def reopen_case(self, case_id: str) -> SubmitApplication | None:
        was_closed = self.state.closed.pop(case_id, None) is not None
        return self.state.applications.get(case_id) if was_closed else None

    async def latest_result(self, case_id: str) -> ScreeningCompleted | None:
        own = [result for result in self.state.results.values() if result.case_id == case_id]
        return max(own, key=lambda result: result.screened_at, default=None)

    async def open_cases(self) -> list[OpenCase]:
        return [
            OpenCase(case_id, application)
            for case_id, application in sorted(self.state.applications.items())
            if case_id not in self.state.closed
        ]

    async def clearances_for(self, party_keys: Sequence[str]) -> list[Clearance]:
        latest: dict[tuple[str, str], Clearance] = {}
        for clearance, _ in sorted(self.state.clearances, key=lambda kept: kept[0].cleared_at):
            if clearance.party_key in party_keys:
                latest[(clearance.party_key, clearance.entry_id)] = clearance
        return list(latest.values())

    async def add_clearance(self, clearance: Clearance, party_name: str) -> None:
        self.state.clearances.append((clearance, party_name))

    async def entry_exists(self, entry_id: str) -> bool:
        return any(entry_id in entries for entries in self.state.entries.values())

    async def notices_for(self, destination: str) -> list[PartnerNotice]:
        kept = self.state.notices.values()
        return [
            n for n in kept if isinstance(n, PartnerNotice) and n.destination_country == destination
        ]

    async def approvals_for(self, destination: str) -> list[ApprovalDespiteDenial]:
        kept = self.state.notices.values()
        return [
            n
            for n in kept
            if isinstance(n, ApprovalDespiteDenial) and n.destination_country == destination
        ]

    async def add_partner_notice(self, notice: PartnerNotice | ApprovalDespiteDenial) -> None:
        self.state.notices[(notice.issuing_state, notice.notice_id)] = notice

    async def lock_list(self, name: str) -> int | None:
        return self.state.lists.get(name)

    async def entry_digests(self, name: str) -> dict[str, str]:
        return {key: digest for key, (digest, _) in self.state.entries.get(name, {}).items()}

    async def add_list_version(
        self, update: ListUpdated, delta: ListDelta, progress: Progress
    ) -> None:
        name = update.list_name
        self.state.lists[name] = update.number
        self.state.versions.append(update)
        entries = self.state.entries.setdefault(name, {})
        for entry_id in delta.removed:
            del entries[entry_id]
        for entry in (*delta.added, *delta.changed):
            entries[entry.entry_id] = (delta.digests[entry.entry_id], entry)
        self.state.changes[(name, update.number)] = delta.changes()
        progress(len(delta.added) + len(delta.changed), len(delta.added) + len(delta.changed))

    async def list_changes(self, name: str, version: int) -> list[ListChange]:
        return list(self.state.changes.get((name, version), []))


def party(name: str, country: str) -> Party:
    """A party at a plausible address in `country`."""
    return Party(
        name=name, address=Address(street="1 Harbour Road", city="Capital", country=country)
    )


def application(**changes: object) -> SubmitApplication:
    """The low-risk sample (teaching equipment for Kyoto University) with `changes` made."""
    sample = sample_applications(f"-{uuid.uuid4().hex[:6]}")[0]
    return sample.model_copy(update=changes)


def with_end_user(name: str, country: str = "AE") -> SubmitApplication:
    """The low-risk sample with another end user."""
    return application(end_users=[party(name, country)])


def screening_request(submitted: SubmitApplication) -> Envelope[ScreeningRequested]:
    """A first screening request for a new case."""
    case_id = str(uuid.uuid4())
    request = ScreeningRequested(
        request_id=f"{case_id}/screening/1", case_id=case_id, application=submitted
    )
    return Envelope.wrap(request, source="test", subject=case_id, correlation_id=case_id)


async def test_a_unit_of_work_that_fails_leaves_nothing_behind() -> None:
    store = FakeScreeningStore()
    message = uuid.uuid4()

    async def deliver_then_fail() -> None:
        async with store.unit_of_work() as uow:
            await uow.first_delivery(message)
            raise RuntimeError("the transaction fails")

    with pytest.raises(RuntimeError):
        await deliver_then_fail()
    async with store.unit_of_work() as uow:
        assert await uow.first_delivery(message)
