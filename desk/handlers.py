"""The desk's use cases, each checked against who asks: read the inbox and a case, act on a
case, answer a referral, clear a false-positive hit, sign in."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TypeVar

import asyncpg
from pydantic import BaseModel
from temporalio.client import Client

from caseflow.auth import Accounts, KeyRing, Principal
from caseflow.auth.attempts import SignInAttempts, SignInRefused
from caseflow.auth.tokens import temporal_permissions
from caseflow.uow import PostgresStore
from desk.access import (
    IDENTIFIER,
    inbox_of,
    may_answer,
    may_read_case,
    viewer_role,
)
from schemas.consultation import ReferralAnswered, ReferralCase
from services.consultation.adapters import PostgresConsultationUnitOfWork
from services.consultation.handlers import answer_referral
from services.consultation.policy import RoutingPolicy
from services.consultation.queries import ReferralState, disclosed_case, referral_states
from services.screening.adapters import PostgresScreeningUnitOfWork
from services.screening.clearing import clear_hit
from services.screening.rules.parties import Clearance
from workflows import desk as cases
from workflows.desk import CaseNotFound, CaseSummary, ReviewerAction
from workflows.inbox import InboxFilter, open_tasks
from workflows.model import CaseView
from workflows.tasks import ActionRecorded

TaskT = TypeVar("TaskT", bound=BaseModel)
INBOX_LIMIT = 500
REFERRAL_ID = re.compile(IDENTIFIER)


class ReferralNotFound(LookupError):
    """No referral of that id is open to this principal."""


@dataclass(frozen=True)
class SignedIn:
    """A session: the bearer token and whom it names."""

    token: str
    principal: Principal
    expires_at: datetime


@dataclass
class Desk:
    """The desk's ports: Temporal, the accounts and the two service schemas it acts on."""

    temporal: Client
    accounts: Accounts
    attempts: SignInAttempts
    keys: KeyRing
    token_lifetime: timedelta
    consultation_pool: asyncpg.Pool
    consultation: PostgresStore[PostgresConsultationUnitOfWork]
    routing: RoutingPolicy
    screening: PostgresStore[PostgresScreeningUnitOfWork]

    async def sign_in(self, name: str, password: str, address: str) -> SignedIn | None:
        """A token for an enabled account whose password matches; `SignInRefused` while the
        name or the client address has failed too often (whether or not the account exists)."""
        now = datetime.now(UTC)
        refused_for = await self.attempts.admit(name, address, now)
        if refused_for is not None:
            raise SignInRefused(refused_for)
        principal = await self.accounts.authenticate(name, password)
        if principal is None:
            await self.attempts.failed(address, datetime.now(UTC))
            return None
        await self.attempts.clear(name)
        permissions = temporal_permissions(principal.role, self.temporal.namespace)
        token = self.keys.issue(principal, self.token_lifetime, now, permissions)
        return SignedIn(token, principal, now + self.token_lifetime)

    async def inbox(self, principal: Principal, wanted: InboxFilter) -> list[CaseSummary]:
        """The cases the principal may see that match, soonest deadline first."""
        return await open_tasks(self.temporal, inbox_of(principal, wanted), INBOX_LIMIT)

    async def case(self, principal: Principal, reference: str) -> CaseView:
        """The case with the actions open to the principal; `CaseNotFound` if not theirs."""
        case_id = await cases.resolve_case(self.temporal, reference)
        view = await cases.case_view(self.temporal, case_id, viewer_role(principal), principal.name)
        if not may_read_case(principal, view.submitting_agency):
            raise CaseNotFound(reference)  # the same answer as for no case: nothing leaks
        return view

    async def act(
        self, reference: str, action: ReviewerAction[TaskT], task: TaskT
    ) -> ActionRecorded:
        """Send a reviewer task; `ActionRefused` carries the workflow's reasons."""
        case_id = await cases.resolve_case(self.temporal, reference)
        return await action(self.temporal, case_id, task)

    async def referrals(self, principal: Principal) -> list[ReferralState]:
        """The open referrals made to the principal's stakeholder."""
        async with self.consultation_pool.acquire() as connection:
            return await referral_states(
                connection, datetime.now(UTC), stakeholder=principal.stakeholder or ""
            )

    async def referral(
        self, principal: Principal, referral_id: str
    ) -> tuple[ReferralState, ReferralCase | None]:
        """One referral made to the principal, with the case as it was shown to them."""
        if not REFERRAL_ID.fullmatch(referral_id):
            raise ReferralNotFound(referral_id)
        async with self.consultation_pool.acquire() as connection:
            found = await referral_states(connection, datetime.now(UTC), referral_id=referral_id)
            if not found or not may_answer(principal, found[0].stakeholder_id):
                raise ReferralNotFound(referral_id)
            return found[0], await disclosed_case(connection, referral_id)

    async def respond(self, principal: Principal, answer: ReferralAnswered) -> ReferralState:
        """Record the principal's answer to its referral; `ResponseRefused` says why not."""
        await self.referral(principal, answer.referral_id)
        await answer_referral(answer, "desk", self.consultation, self.routing, datetime.now(UTC))
        state, _ = await self.referral(principal, answer.referral_id)
        return state

    async def clear(
        self, principal: Principal, party: str, country: str, entry: str, reason: str
    ) -> Clearance:
        """Clear a false-positive hit; `ClearanceRefused` says why not."""
        return await clear_hit(
            party,
            country.upper(),
            entry,
            reviewer=principal.name,
            reason=reason,
            at=datetime.now(UTC),
            store=self.screening,
        )
