"""Consultation's use cases on an in-memory store: once per message, concluded once, refusals."""

from __future__ import annotations

import copy
import json
import uuid
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar

import pytest

from schemas.consultation import (
    ConsultationConcluded,
    ConsultationDeadlinePassed,
    Position,
    ReferralAnswered,
    ReferralOpened,
)
from schemas.envelope import Contract, Envelope, Publishable
from schemas.screening import PartnerNotice
from schemas.sharing import ApprovalDespiteDenial
from schemas.topics import Topic
from services.consultation.disclosure import referral_from
from services.consultation.domain import Referral
from services.consultation.effects import Handled
from services.consultation.handlers import (
    deadline_passed,
    on_referral_answered,
    open_consultation,
)
from services.consultation.policy import RoutingPolicy, StakeholderEntry, StakeholderRegistry
from services.consultation.ports import ConsultationRecord
from services.consultation.routing import Routing
from tests.unit.test_consultation_routing import surveillance_request

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
POLICY = RoutingPolicy.load()
C = TypeVar("C", bound=Contract)
THREE = ["us-dod-dtsa", "us-state-drl", "cso-digital-rights"]


@dataclass
class FakeConsultationStore:
    """Consultation's records in dictionaries; a unit of work is undone if its block fails."""

    stakeholders: list[StakeholderEntry] = field(
        default_factory=lambda: list(StakeholderRegistry.load().stakeholders)
    )
    disabled: dict[str, datetime] = field(default_factory=dict)
    processed: set[uuid.UUID] = field(default_factory=set)
    consultations: dict[str, ConsultationRecord] = field(default_factory=dict)
    referrals: dict[str, Referral] = field(default_factory=dict)
    notices: dict[str, PartnerNotice | ApprovalDespiteDenial] = field(default_factory=dict)
    published: list[tuple[str, Publishable]] = field(default_factory=list)

    @asynccontextmanager
    async def unit_of_work(self) -> AsyncIterator[FakeConsultationUnitOfWork]:
        before = copy.deepcopy(self.__dict__)
        try:
            yield FakeConsultationUnitOfWork(self)
        except BaseException:
            self.__dict__.update(before)
            raise

    def events(self, kind: str) -> list[dict[str, Any]]:
        """Published events of one type, as JSON."""
        found = [json.loads(envelope.to_bytes()) for _, envelope in self.published]
        return [event for event in found if event["type"] == f"{kind}.v1"]


class FakeConsultationUnitOfWork:
    """The store's records, changed in place."""

    def __init__(self, store: FakeConsultationStore) -> None:
        self._store = store

    async def first_delivery(self, message_id: uuid.UUID) -> bool:
        fresh = message_id not in self._store.processed
        self._store.processed.add(message_id)
        return fresh

    async def publish(self, topic: Topic, envelope: Publishable) -> None:
        if all(envelope.id != sent.id for _, sent in self._store.published):
            self._store.published.append((topic.name, envelope))

    async def stakeholders(self) -> list[StakeholderEntry]:
        return self._store.stakeholders

    async def disabled_stakeholders(self) -> dict[str, datetime]:
        return self._store.disabled

    async def find_consultation(self, request_id: str) -> ConsultationRecord | None:
        return self._store.consultations.get(request_id)

    async def add_consultation(
        self,
        consultation: ConsultationRecord,
        routing: Routing,
        policy_version: str,
        referrals: Sequence[ReferralOpened],
    ) -> None:
        self._store.consultations[consultation.request_id] = consultation
        self._store.referrals.update({r.referral_id: referral_from(r) for r in referrals})

    async def lock_referral(self, referral_id: str) -> tuple[Referral, ConsultationRecord] | None:
        referral = self._store.referrals.get(referral_id)
        if referral is None:
            return None
        return referral, self._store.consultations[referral.request_id]

    async def lock_referrals(self, request_id: str) -> list[Referral]:
        return [r for r in self._store.referrals.values() if r.request_id == request_id]

    async def save_referral(self, referral: Referral, via: str) -> None:
        self._store.referrals[referral.referral_id] = referral

    async def conclude(self, outcome: ConsultationConcluded) -> None:
        known = self._store.consultations[outcome.request_id]
        self._store.consultations[outcome.request_id] = replace(known, concluded=outcome)

    async def cancel(self, request_id: str, reason: str, at: datetime) -> None:
        known = self._store.consultations[request_id]
        self._store.consultations[request_id] = replace(known, cancelled_at=at)

    async def add_notice(
        self, notice: PartnerNotice | ApprovalDespiteDenial, case_id: str, at: datetime
    ) -> bool:
        return self._store.notices.setdefault(notice.notice_id, notice) is notice


def wrap(data: C) -> Envelope[C]:
    return Envelope[C].wrap(data, source="test", subject="case-1", correlation_id="case-1")


@pytest.fixture
async def store() -> FakeConsultationStore:
    """A store with the surveillance case referred to three stakeholders."""
    store = FakeConsultationStore()
    request = surveillance_request(proposed=THREE)
    assert await open_consultation(wrap(request), store, POLICY, NOW) is Handled.DONE
    return store


def referral_of(store: FakeConsultationStore, stakeholder: str) -> str:
    return next(r.referral_id for r in store.referrals.values() if r.stakeholder_id == stakeholder)


async def answer(store: FakeConsultationStore, stakeholder: str, position: Position) -> Handled:
    answered = ReferralAnswered(
        referral_id=referral_of(store, stakeholder), position=position, rationale="because"
    )
    return await on_referral_answered(wrap(answered), store, POLICY, NOW)


async def test_a_redelivered_request_opens_no_second_set_of_referrals(
    store: FakeConsultationStore,
) -> None:
    request = wrap(surveillance_request(proposed=THREE))
    await open_consultation(request, store, POLICY, NOW)
    again = await open_consultation(request, store, POLICY, NOW)

    assert again is Handled.ALREADY_PROCESSED
    assert len(store.referrals) == 3
    assert len(store.events("ReferralOpened")) == 3


async def test_a_request_sent_again_is_told_again_that_the_consultation_is_open(
    store: FakeConsultationStore,
) -> None:
    again = await open_consultation(wrap(surveillance_request(proposed=THREE)), store, POLICY, NOW)

    assert again is Handled.ALREADY_PROCESSED
    assert len(store.referrals) == 3
    first, second = store.events("ConsultationOpened")
    assert first["data"] == second["data"]
    assert first["id"] != second["id"]


async def test_the_last_answer_concludes_the_consultation_once(
    store: FakeConsultationStore,
) -> None:
    await answer(store, "us-dod-dtsa", Position.NO_OBJECTION)
    await answer(store, "us-state-drl", Position.NO_OBJECTION)
    assert store.events("ConsultationConcluded") == []

    await answer(store, "cso-digital-rights", Position.NO_OBJECTION)

    [concluded] = store.events("ConsultationConcluded")
    assert concluded["data"]["dissent"] is False


async def test_a_second_answer_by_event_is_refused_by_event_and_changes_nothing(
    store: FakeConsultationStore,
) -> None:
    await answer(store, "us-dod-dtsa", Position.NO_OBJECTION)

    refused = await answer(store, "us-dod-dtsa", Position.RECOMMEND_DENIAL)

    assert refused is Handled.REFUSED
    assert store.referrals[referral_of(store, "us-dod-dtsa")].position is Position.NO_OBJECTION
    [refusal] = store.events("ReferralResponseRefused")
    assert refusal["data"]["reason"] == "already_answered"


async def test_a_passed_deadline_leaves_open_only_the_referral_extended_beyond_it(
    store: FakeConsultationStore,
) -> None:
    await answer(store, "us-dod-dtsa", Position.NEED_MORE_TIME)
    passed = ConsultationDeadlinePassed(
        case_id="case-1", request_id="req-1", deadline=NOW + timedelta(days=30)
    )
    extended = passed.model_copy(update={"deadline": NOW + timedelta(days=60)})

    await deadline_passed(wrap(passed), store, NOW)
    assert store.events("ConsultationConcluded") == []
    await deadline_passed(wrap(extended), store, NOW)

    [concluded] = store.events("ConsultationConcluded")
    assert concluded["data"]["deemed_no_objection"] == THREE


async def test_a_deadline_sent_again_after_the_outcome_is_answered_with_the_outcome_again(
    store: FakeConsultationStore,
) -> None:
    passed = ConsultationDeadlinePassed(case_id="case-1", request_id="req-1", deadline=NOW)
    await deadline_passed(wrap(passed), store, NOW)

    again = await deadline_passed(wrap(passed), store, NOW + timedelta(hours=1))

    assert again is Handled.ALREADY_PROCESSED
    first, second = store.events("ConsultationConcluded")
    assert first["data"] == second["data"]


async def test_a_case_nobody_may_be_referred_concludes_at_once_naming_who_was_left_out() -> None:
    store = FakeConsultationStore()
    conflicted = surveillance_request("req-2", proposed=["ind-security-tech", "nobody"])

    await open_consultation(wrap(conflicted), store, POLICY, NOW)

    [opened] = store.events("ConsultationOpened")
    assert opened["data"]["referred"] == []
    reasons = {left["stakeholder_id"]: left["reason"] for left in opened["data"]["left_out"]}
    assert reasons["ind-security-tech"].startswith("conflict of interest (party Delta")
    assert reasons["nobody"] == "not in the stakeholder registry"
    [concluded] = store.events("ConsultationConcluded")
    assert (concluded["data"]["positions"], concluded["data"]["dissent"]) == ([], False)


async def test_a_proposed_stakeholder_that_is_disabled_is_left_out_saying_since_when() -> None:
    store = FakeConsultationStore()
    store.stakeholders = [s for s in store.stakeholders if s.id != "us-state-drl"]
    store.disabled = {"us-state-drl": datetime(2026, 11, 2, 14, 30, tzinfo=UTC)}

    await open_consultation(wrap(surveillance_request(proposed=THREE)), store, POLICY, NOW)

    [opened] = store.events("ConsultationOpened")
    assert "us-state-drl" not in opened["data"]["referred"]
    assert opened["data"]["left_out"] == [
        {
            "stakeholder_id": "us-state-drl",
            "reason": "disabled in the stakeholder registry on 2026-11-02 14:30 UTC",
        }
    ]
