"""The consultation HTTP API: stakeholders answer their referrals, officers and operators see
open and overdue ones, operators change the registry. Every call but /health carries a signed
token; who answers or changes is the one the token names."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Depends, FastAPI, HTTPException, Query, status
from pydantic import BaseModel, Field

from caseflow.auth import CHAIRS, REVIEWERS, Principal, Role, require
from caseflow.auth.dependencies import Authentication, install
from caseflow.http import AFTER, Latest, refuse_invalid_requests
from caseflow.uow import PoolOwner
from schemas.consultation import Position, ReferralAnswered, ReferralCase
from schemas.consultation_reads import ReferralCounts, ReferralState
from schemas.envelope import utcnow
from schemas.notices import ListedKind, NoticeAfter, NoticePage, notice_cursor
from schemas.types import Text
from services.consultation.domain import IncompleteAnswer, ResponseRefused, UnknownReferral
from services.consultation.handlers import answer_referral
from services.consultation.policy import RoutingPolicy
from services.consultation.ports import ConsultationStore
from services.consultation.queries import (
    disclosed_case,
    referral_counts,
    referral_states,
    shared_notices,
)
from services.consultation.registry_api import registry_router

Stakeholder = Annotated[Principal, Depends(require(Role.STAKEHOLDER))]
Reader = Annotated[
    Principal, Depends(require(Role.STAKEHOLDER, Role.OPERATOR, *REVIEWERS, *CHAIRS))
]
# Staff only: counts over every stakeholder's referrals, and what this state told its partners.
Staff = Annotated[Principal, Depends(require(Role.OPERATOR, *REVIEWERS, *CHAIRS))]


class Response(BaseModel):
    """A stakeholder's answer to its referral."""

    position: Position = Field(description="`need_more_time` asks for the one extension.")
    rationale: Text = Field(default="", description="Why; required unless no objection.")
    conditions: list[Text] = Field(default_factory=list, description="Conditions proposed.")


class Disclosure(BaseModel):
    """A referral and the case as its stakeholder may see it."""

    referral: ReferralState
    case: ReferralCase | None = Field(description="None for referrals opened before it was kept.")


class Refusal(BaseModel):
    """Why an answer changed nothing."""

    reason: str = Field(
        description="`unknown_referral`, `late`, `already_answered`, `cancelled`, …"
    )
    message: str


# 422 by number: its constant's name differs between Starlette versions.
UNPROCESSABLE = 422
REFUSALS: dict[int | str, dict[str, Any]] = {
    status.HTTP_401_UNAUTHORIZED: {"description": "No token, or a forged or expired one."},
    status.HTTP_403_FORBIDDEN: {"description": "Not a stakeholder's token."},
    status.HTTP_404_NOT_FOUND: {"model": Refusal, "description": "No such referral of yours."},
    status.HTTP_409_CONFLICT: {
        "model": Refusal,
        "description": "Late (deadline passed), already answered, extension already used, or "
        "cancelled (the case ended before the answer).",
    },
    UNPROCESSABLE: {
        "model": Refusal,
        "description": "Missing rationale or conditions (a malformed body gets FastAPI's "
        "validation error instead).",
    },
}


REFUSALS_401_403: dict[int | str, dict[str, Any]] = {code: REFUSALS[code] for code in (401, 403)}


def refusal_status(refusal: ResponseRefused) -> int:
    """The HTTP status of a refused answer: unknown 404, incomplete 422, otherwise 409."""
    if isinstance(refusal, UnknownReferral):
        return status.HTTP_404_NOT_FOUND
    if isinstance(refusal, IncompleteAnswer):
        return UNPROCESSABLE
    return status.HTTP_409_CONFLICT


def build_api(
    owner: PoolOwner,
    store: ConsultationStore,
    policy: RoutingPolicy,
    authentication: Authentication,
) -> FastAPI:
    """The consultation API on the service's pool and store, verifying tokens as given."""
    api = FastAPI(
        title="caseflow consultation",
        version="1.0.0",
        description="Stakeholders answer referrals (no objection, approve with conditions, "
        "recommend denial, need more time); officers list open and overdue referrals, their "
        "counts and the notices shared with partner states; operators change the stakeholder "
        "registry. Late, duplicate and unknown-referral answers are "
        "refused with their reason and change nothing. Every call but /health needs a bearer "
        "token (401 without a valid one, 403 for a role that may not); a stakeholder sees and "
        "answers only its own referrals.",
    )
    install(api, authentication)
    refuse_invalid_requests(api)
    api.include_router(registry_router(owner))

    @api.get("/referrals", response_model=list[ReferralState], responses=REFUSALS_401_403)
    async def list_referrals(
        principal: Reader,
        stakeholder: Annotated[str | None, Query(description="Only this stakeholder's.")] = None,
        overdue: Annotated[bool, Query(description="Only those past their deadline.")] = False,
    ) -> list[ReferralState]:
        """Open referrals per stakeholder, soonest due first (a stakeholder: its own only)."""
        if principal.role is Role.STAKEHOLDER:
            stakeholder = principal.stakeholder or ""
        async with owner.pool.acquire() as connection:
            return await referral_states(
                connection, utcnow(), stakeholder=stakeholder, overdue_only=overdue
            )

    @api.get("/referral-counts", responses=REFUSALS_401_403)
    async def count_referrals(principal: Staff) -> ReferralCounts:
        """Referrals per status; how many open ones are past their deadline."""
        async with owner.pool.acquire() as connection:
            return await referral_counts(connection, utcnow())

    @api.get("/shared-notices", responses=REFUSALS_401_403)
    async def list_shared_notices(
        principal: Staff,
        kind: Annotated[ListedKind | None, Query(description="Only notices of this kind.")] = None,
        limit: Latest = 100,
        after: Annotated[NoticeAfter, Query(max_length=400, description=AFTER)] = None,
    ) -> NoticePage:
        """Denial, risk and approval-despite-denial notices this state shared, newest first,
        a page at a time."""
        async with owner.pool.acquire() as connection:
            found = await shared_notices(connection, kind, notice_cursor(after), limit + 1)
        return NoticePage.of(found, limit)

    async def referral_of(principal: Principal, referral_id: str) -> ReferralState:
        async with owner.pool.acquire() as connection:
            found = await referral_states(connection, utcnow(), referral_id=referral_id)
        theirs = principal.role is not Role.STAKEHOLDER or (
            bool(found) and found[0].stakeholder_id == principal.stakeholder
        )
        if not found or not theirs:  # another's referral: the same answer as for none
            raise HTTPException(
                404, Refusal(reason="unknown_referral", message=referral_id).model_dump()
            )
        return found[0]

    @api.get("/referrals/{referral_id}", responses={**REFUSALS_401_403, 404: REFUSALS[404]})
    async def get_referral(principal: Reader, referral_id: str) -> ReferralState:
        """One referral: status, deadline, position."""
        return await referral_of(principal, referral_id)

    @api.get(
        "/referrals/{referral_id}/disclosure",
        responses={**REFUSALS_401_403, 404: REFUSALS[404]},
    )
    async def get_disclosure(principal: Reader, referral_id: str) -> Disclosure:
        """One referral with the case as its stakeholder was shown it (minimised)."""
        referral = await referral_of(principal, referral_id)
        async with owner.pool.acquire() as connection:
            return Disclosure(referral=referral, case=await disclosed_case(connection, referral_id))

    @api.post(
        "/referrals/{referral_id}/responses",
        status_code=status.HTTP_201_CREATED,
        responses=REFUSALS,
    )
    async def respond(
        principal: Stakeholder, referral_id: str, response: Response
    ) -> ReferralState:
        """Answer one of your referrals; `need_more_time` moves its deadline once."""
        await referral_of(principal, referral_id)
        answer = ReferralAnswered(
            referral_id=referral_id, answered_by=principal.name, **response.model_dump()
        )
        try:
            await answer_referral(answer, "http", store, policy, utcnow())
        except ResponseRefused as refusal:
            body = Refusal(reason=refusal.reason, message=refusal.message)
            raise HTTPException(refusal_status(refusal), body.model_dump()) from refusal
        return await referral_of(principal, referral_id)

    @api.get("/health")
    async def health() -> dict[str, str]:
        """Liveness: the API answers."""
        return {"status": "ok"}

    return api
