"""The desk's use cases, each checked against who asks: read the inbox and a case, act on a
case, answer a referral, clear a false-positive hit, sign in."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TypeVar

from pydantic import BaseModel
from temporalio.client import Client

from caseflow.auth import Accounts, KeyRing, Principal
from caseflow.auth.attempts import SignInAttempts, SignInRefused
from caseflow.auth.tokens import temporal_permissions
from caseflow.service_api import Service, ServiceClient, ServiceRefused
from caseflow.settings import Settings
from desk.access import (
    IDENTIFIER,
    inbox_of,
    may_answer,
    may_read_case,
    viewer_role,
)
from desk.register_client import NotInRegister, RegisterClient, RegisterUnavailable
from schemas.cases import CaseStatus
from schemas.consultation import ReferralAnswered, ReferralCase
from schemas.consultation_reads import ReferralState
from schemas.report import AnnualReport
from schemas.screening import HitCleared
from workflows import case_client as cases
from workflows.case_client import CaseListing, CaseNotFound, ReviewerAction
from workflows.closed_cases import closed_case_summary, closed_case_view
from workflows.inbox import InboxFilter, open_tasks
from workflows.model import CaseView
from workflows.tasks import ActionRecorded

TaskT = TypeVar("TaskT", bound=BaseModel)
INBOX_LIMIT = 500
# How long the token the desk signs for its own call to the register lasts.
REGISTER_CALL = timedelta(minutes=1)
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
    """The desk's ports: Temporal, the accounts, and the screening and consultation APIs, which
    it calls with the signed-in user's token."""

    temporal: Client
    accounts: Accounts
    attempts: SignInAttempts
    keys: KeyRing
    token_lifetime: timedelta
    settings: Settings
    register: RegisterClient | None = None

    def service(self, name: Service) -> ServiceClient:
        """A service's API, where it listens now (it may have started after the desk)."""
        return ServiceClient.of(self.settings, name)

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

    async def inbox(self, principal: Principal, wanted: InboxFilter) -> list[CaseListing]:
        """The cases the principal may see that match, soonest deadline first."""
        narrowed = inbox_of(principal, wanted)
        found = await open_tasks(self.temporal, narrowed, INBOX_LIMIT)
        if wanted.status is not CaseStatus.DECIDED or self.register is None:
            return found
        return found + await self._closed_in_register(principal, narrowed, found)

    async def _closed_in_register(
        self, principal: Principal, wanted: InboxFilter, listed: list[CaseListing]
    ) -> list[CaseListing]:
        """Decided cases the register keeps and Temporal no longer lists, latest first."""
        assert self.register is not None
        if wanted.due_before is not None or wanted.overdue or wanted.reviewer is not None:
            return []  # a closed case has no deadline, nor a reviewer holding it
        filters = {
            key: value
            for key, value in (
                ("agency", wanted.agency),
                ("risk", wanted.risk),
                ("destination", wanted.destination),
            )
            if value is not None
        }
        lines = await self.register.closed_cases(
            self._register_token(principal), {**filters, "limit": INBOX_LIMIT}
        )
        shown = {summary.case_id for summary in listed}
        return [closed_case_summary(line) for line in lines if line.case_id not in shown]

    async def annual_report(self, principal: Principal, year: int) -> AnnualReport:
        """The year's report from the register (`RegisterUnavailable` without one)."""
        if self.register is None:
            raise RegisterUnavailable("this desk has no register configured")
        return await self.register.annual_report(self._register_token(principal), year)

    def _register_token(self, principal: Principal) -> str:
        """A short token naming the principal, for the desk's own call to the register."""
        return self.keys.issue(principal, REGISTER_CALL, datetime.now(UTC))

    async def case(self, principal: Principal, reference: str) -> CaseView:
        """The case with the actions open to the principal; a closed case Temporal no longer
        keeps from the register; `CaseNotFound` if there is none, or not theirs."""
        try:
            case_id = await cases.resolve_case(self.temporal, reference)
            view = await cases.case_view(
                self.temporal, case_id, viewer_role(principal), principal.name
            )
        except CaseNotFound:
            if self.register is None:
                raise
            view = await self._from_register(principal, reference)
        if not may_read_case(principal, view.submitting_agency):
            raise CaseNotFound(reference)  # the same answer as for no case: nothing leaks
        return view

    async def _from_register(self, principal: Principal, reference: str) -> CaseView:
        """The closed case as the register keeps it; `CaseNotFound` if it has none."""
        assert self.register is not None
        try:
            found = await self.register.case_file(reference, self._register_token(principal))
        except NotInRegister as error:
            raise CaseNotFound(reference) from error
        return closed_case_view(found)

    async def act(
        self, reference: str, action: ReviewerAction[TaskT], task: TaskT
    ) -> ActionRecorded:
        """Send a reviewer task; `ActionRefused` carries the workflow's reasons."""
        case_id = await cases.resolve_case(self.temporal, reference)
        return await action(self.temporal, case_id, task)

    async def referrals(self, principal: Principal, token: str) -> list[ReferralState]:
        """The open referrals made to the principal's stakeholder (consultation's API answers
        for the token's stakeholder only)."""
        found = await self.service("consultation").call("GET", "/referrals", token)
        return [ReferralState.model_validate(each) for each in found]

    async def referral(
        self, principal: Principal, token: str, referral_id: str
    ) -> tuple[ReferralState, ReferralCase | None]:
        """One referral made to the principal, with the case as it was shown to them."""
        if not REFERRAL_ID.fullmatch(referral_id):
            raise ReferralNotFound(referral_id)
        path = f"/referrals/{referral_id}/disclosure"
        try:
            shown = await self.service("consultation").call("GET", path, token)
        except ServiceRefused as refusal:
            if refusal.status == 404:
                raise ReferralNotFound(referral_id) from refusal
            raise
        referral = ReferralState.model_validate(shown["referral"])
        if not may_answer(principal, referral.stakeholder_id):
            raise ReferralNotFound(referral_id)
        case = shown.get("case")
        return referral, None if case is None else ReferralCase.model_validate(case)

    async def respond(
        self, principal: Principal, token: str, answer: ReferralAnswered
    ) -> ReferralState:
        """Answer the principal's referral through consultation's API, with their token;
        `ServiceRefused` says why not."""
        await self.referral(principal, token, answer.referral_id)
        body = answer.model_dump(mode="json", include={"position", "rationale", "conditions"})
        path = f"/referrals/{answer.referral_id}/responses"
        return ReferralState.model_validate(
            await self.service("consultation").call("POST", path, token, body)
        )

    async def clear(
        self,
        token: str,
        party: str,
        country: str,
        entry: str,
        reason: str,
        case: str | None = None,
    ) -> HitCleared:
        """Clear a false-positive hit (found in `case`, id or control number, if given) through
        screening's API, as the token's bearer; `ServiceRefused` says why not."""
        case_id = await cases.resolve_case(self.temporal, case) if case else None
        wanted = {
            "party": party,
            "country": country.upper(),
            "entry": entry,
            "reason": reason,
            "case_id": case_id,
        }
        answer = await self.service("screening").call("POST", "/clearances", token, wanted)
        return HitCleared.model_validate(answer)
